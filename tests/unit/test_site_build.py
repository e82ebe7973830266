"""The served pages (`web/*.html`) are built from their sources by `make site` (scripts/build_site.py):
up to date with them, and every page with the one header and footer of `web/partials/`."""

from __future__ import annotations

import re

import pytest
from jaqe import controller

from scripts import build_site
from scripts.build_site import PARTIALS, WEB, build, stale

SERVED = sorted(WEB.glob("*.html"))
HEADER = re.compile(r'<header class="site-header">.*?</header>\n', re.S)
FOOTER = re.compile(r'<footer class="site-footer">.*?</footer>\n', re.S)


def test_every_served_page_is_built_and_up_to_date_with_its_sources():
    built = build()
    assert sorted(built) == [page.name for page in SERVED], "a page in web/ without a source (web/pages/)"
    assert stale(built) == [], (
        "a served page differs from its source: edit web/pages/ or web/partials/, run `make site`"
    )
    assert build_site.main(["--check"]) == 0


def test_a_page_edited_by_hand_is_found(monkeypatch, tmp_path):
    for page in SERVED:
        (tmp_path / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    edited = tmp_path / "contact.html"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("Contact", "Contactez-nous"), encoding="utf-8"
    )
    monkeypatch.setattr(build_site, "WEB", tmp_path)

    assert stale(build()) == ["contact.html"]
    assert build_site.main(["--check"]) == 1


@pytest.mark.parametrize("page", SERVED, ids=lambda p: p.name)
def test_every_page_has_the_same_header_and_footer(page):
    text = page.read_text(encoding="utf-8")
    [header], [footer] = HEADER.findall(text), FOOTER.findall(text)

    assert header.replace(' aria-current="page"', "") == (PARTIALS / "header.html").read_text(
        encoding="utf-8"
    )
    assert footer == (PARTIALS / "footer.html").read_text(encoding="utf-8")
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', header)
    assert current == ([page.name] if f'href="{page.name}"' in header else [])


def test_the_footer_names_the_controller_as_the_register_does():
    footer = (PARTIALS / "footer.html").read_text(encoding="utf-8")
    assert f"{controller.CONTROLLER_NAME} SARL – {controller.CONTROLLER_ADDRESS}" in footer


def test_a_source_without_the_header_is_refused():
    with pytest.raises(ValueError, match=r"header\.html"):
        build_site.assemble(
            "x.html", '<!doctype html>\n<!--#include file="footer.html" -->', "web/pages/x.html"
        )
