"""The static kit (`web/`) against the server's own wording and rules, without a browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jaqe.leads import quotes
from jaqe.marketing import cookies, newsletter
from jaqe.platform import controller
from jaqe.privacy import policy

WEB = Path(__file__).resolve().parents[2] / "web"
PAGES = sorted(WEB.glob("*.html"))
MODULE = (WEB / "site.js").read_text(encoding="utf-8")


class Page(HTMLParser):
    """Tags with their attributes, label targets and inline scripts or handlers."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.label_depth = 0
        self.labelled: set[str] = set()
        self.wrapped: list[dict[str, str | None]] = []
        self.text = path.read_text(encoding="utf-8")
        self.feed(self.text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "label":
            self.label_depth += 1
            self.labelled.add(attributes.get("for") or "")
        elif self.label_depth and tag in ("input", "select", "textarea"):
            self.wrapped.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1

    def controls(self) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t in ("input", "select", "textarea") and a.get("type") != "hidden"]


def js_string(name: str) -> str:
    """A `const NAME = "..." + "...";` of the module, concatenated."""
    match = re.search(rf"const {name} =(.*?);\n", MODULE, re.S)
    assert match, name
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))


def test_module_uses_the_server_policy_version_and_banner_wording():
    assert js_string("POLICY_VERSION") == controller.POLICY_VERSION
    assert js_string("BANNER_WORDING") == cookies.BANNER_WORDING  # its hash is the stored proof


def test_consent_checkboxes_show_the_wording_the_server_records():
    index = (WEB / "index.html").read_text(encoding="utf-8")
    for wording in (
        quotes.PARTNER_MATCHING_WORDING,
        quotes.COMMERCIAL_PARTNERS_WORDING,
        newsletter.CONFIRM_WORDING,
        quotes.SIMILAR_SERVICES_NOTICE,  # soft opt-in told at collection, with its box
        quotes.SIMILAR_SERVICES_REFUSAL_WORDING,
    ):
        assert wording in index


def test_rights_form_offers_exactly_the_eight_rights():
    page = Page(WEB / "droits.html")
    options = [a["value"] for t, a in page.tags if t == "option" and a.get("value")]
    assert options == list(policy.RIGHTS)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_c6_04_every_page_has_the_banner_and_the_manage_cookies_link(path):
    page = Page(path)
    assert ("script", {"type": "module", "src": "site.js"}) in page.tags
    assert any("data-consent-open" in a for _, a in page.tags)
    assert page.tags[0] == ("html", {"lang": "fr"})


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_are_csp_friendly_and_every_control_has_a_label(path):
    page = Page(path)
    assert not [a for t, a in page.tags if t == "script" and "src" not in a], "inline script"
    assert not [t for t, a in page.tags if t == "style" or "style" in a], "inline style"
    assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)], "inline event handler"
    for control in page.controls():
        assert control.get("id") in page.labelled or control in page.wrapped, control


def test_forms_post_to_the_api_with_ids_for_their_errors():
    forms = [a for path in PAGES for t, a in Page(path).tags if t == "form"]
    endpoints = {a["data-endpoint"] for a in forms}
    assert endpoints == {
        "/v1/quote-requests",
        "/v1/professionals",
        "/v1/newsletter/subscriptions",
        "/v1/contact-messages",
        "/v1/rights-requests",
    }
    assert all(a.get("id") and a.get("data-success") for a in forms)
