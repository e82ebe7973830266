"""The served pages (`web/*.html`) are built from their sources by `make site` (scripts/build_site.py):
up to date with them, and every page with the one head, header and footer of `web/partials/layout.html`."""

from __future__ import annotations

import html
import re

import pytest
from jaqe.platform import controller

from scripts import build_site
from scripts.build_site import LAYOUT, WEB, build, stale

SERVED = sorted(WEB.glob("*.html"))
# What `make site` writes besides the pages: the cookie register for the site kit.
GENERATED = [WEB / build_site.TRACKERS_MODULE]


def skeleton(page: str) -> str:
    """The page without what is its own (title and description, main, the note, aria-current)."""
    text = re.sub(r"<!-- Written by `make site` .*? -->\n", "", page.replace(' aria-current="page"', ""))
    text = re.sub(r"<title>.*?(?=<link rel=\"stylesheet\")", "<!--#head -->\n", text, count=1, flags=re.S)
    return re.sub(r"<main .*</main>\n", "<!--#main -->\n", text, count=1, flags=re.S)


def test_every_served_page_is_built_and_up_to_date_with_its_sources():
    built = build()
    assert sorted(built) == sorted(p.name for p in SERVED + GENERATED), "a page in web/ without a source"
    assert stale(built) == [], (
        "a served page differs from its source: edit web/pages/ or the layout, run `make site`"
    )
    assert build_site.main(["--check"]) == 0


def test_a_page_edited_by_hand_is_found(monkeypatch, tmp_path):
    for page in SERVED + GENERATED:
        (tmp_path / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    edited = tmp_path / "contact.html"
    edited.write_text(edited.read_text(encoding="utf-8").replace("<h1>", "<h1>Bonjour "), encoding="utf-8")
    monkeypatch.setattr(build_site, "WEB", tmp_path)

    assert stale(build()) == ["contact.html"]
    assert build_site.main(["--check"]) == 1


@pytest.mark.parametrize("page", SERVED, ids=lambda p: p.name)
def test_every_page_has_the_same_head_header_and_footer(page):
    text = page.read_text(encoding="utf-8")

    assert skeleton(text) == LAYOUT.read_text(encoding="utf-8")
    assert text.count('<header class="site-header">') == text.count('<footer class="site-footer">') == 1
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', text)
    assert set(current) <= {page.name}
    assert len(current) == text.count(f'<a href="{page.name}"'), "every link to the page itself is marked"


def test_the_footer_names_the_controller_as_the_register_does():
    assert f"{controller.CONTROLLER_NAME} SARL – {controller.CONTROLLER_ADDRESS}" in LAYOUT.read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("source", ["<main>x</main>\n", "<title>x</title>\n<p>no main</p>\n"])
def test_a_source_is_a_title_then_a_main(source):
    with pytest.raises(ValueError, match=r"web/pages/x\.html"):
        build_site.assemble("x.html", source, "web/pages/x.html", LAYOUT.read_text(encoding="utf-8"))


def test_the_rights_page_purposes_are_the_registers_with_their_french_names():
    """Withdrawal offers the purposes that rest on consent, objection those the policy lists: written into
    the page by the build from the register, never copied into the page's source."""
    from jaqe.privacy.register import consent_purposes, policy_purposes

    source = (build_site.SOURCES / "droits.html").read_text(encoding="utf-8")
    assert 'name="purposes"' not in source
    page = build()["droits.html"]

    def offered(group_id: str) -> list[tuple[str, str]]:
        group = re.search(rf'<fieldset class="group" id="{group_id}".*?</fieldset>', page, re.S)
        assert group, group_id
        boxes = r'<input type="checkbox" name="purposes" value="([a-z_]+)"> <span>(.*?)</span></label>'
        return [(value, html.unescape(name)) for value, name in re.findall(boxes, group.group(0))]

    assert offered("droits-retrait") == [(p.id.value, p.name_fr) for p in consent_purposes()]
    assert offered("droits-opposition") == [(p.id.value, p.name_fr) for p in policy_purposes()]


def test_an_unknown_purposes_slot_names_its_page():
    with pytest.raises(ValueError, match=r"web/pages/x\.html: <!--#purposes all -->"):
        build_site.expand("<!--#purposes all -->\n", "web/pages/x.html")
