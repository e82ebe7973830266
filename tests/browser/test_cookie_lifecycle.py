"""Cookies and marketing that obey the visitor (issue 21), in Chromium against the local server: Global
Privacy Control, lifetimes capped at the consent's end, cookies purged on refusal or withdrawal, a
withdrawal recorded on the server applied by the browser, a banner that holds the focus on a first
visit, and similar-services emails refused on the quote form.

Third-party tags are cut in tests (they never load), so the cookies they would set are planted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Site, screenshot_if_failed, visitor
from tests.browser.test_site_in_chromium import BANNER, REFUSED, an_email, choose, fill_quote_request

pytestmark = pytest.mark.browser

GPC_SENTENCE = "Votre navigateur transmet le signal GPC : la publicité ciblée est refusée."


@pytest.fixture
def gpc_site(browser: Browser, server: Any, request: pytest.FixtureRequest) -> Iterator[Site]:
    client, _ = server
    with visitor(browser, client, gpc=True) as site:
        yield site
        screenshot_if_failed(site, request)


def plant(site: Site, name: str, expires: float = -1) -> None:
    """What a tag would have set: a first-party cookie on the site's host."""
    site.page.context.add_cookies(
        [{"name": name, "value": "GA1.1.123.456", "url": site.client.base, "expires": expires}]
    )


def cookie_names(site: Site) -> set[str]:
    return {c["name"] for c in site.page.context.cookies()}


def stored(site: Site) -> dict:
    status, body = site.client.call("GET", f"/v1/cookie-consents/{site.storage()['visitor_id']}")
    assert status == 200
    return body


def test_c6_02_with_gpc_accept_all_refuses_advertising_and_says_why(gpc_site):
    site = gpc_site
    site.open()
    dialog = site.page.get_by_role("dialog", name=BANNER)
    expect(dialog.get_by_text(GPC_SENTENCE)).to_be_visible()

    choice = choose(site, "Tout accepter")

    assert choice["choices"] == {"analytics": True, "advertising": False} and choice["source"] == "gpc"
    assert site.tags() == ["analytics"]  # no advertising tag
    # Still the visitor's to decide: ticked in "Personnaliser", advertising is accepted.
    site.page.get_by_role("button", name="Gérer mes cookies").first.click()
    dialog.get_by_label("Publicité").check()
    with site.page.expect_response(lambda r: r.url.endswith("/v1/cookie-consents")):
        dialog.get_by_role("button", name="Enregistrer mes choix").click()
    assert stored(site)["choices"]["advertising"] is True and stored(site)["source"] == "customise"


def test_c6_04_withdrawing_analytics_deletes_its_cookies_and_leaves_the_others(site):
    site.open()
    site.page.get_by_role("button", name="Personnaliser mes choix").click()
    site.page.get_by_label("Mesure d'audience").check()
    choose(site, "Enregistrer mes choix")
    for name in ("_ga", "_ga_JAQE123", "_gid", "unrelated"):
        plant(site, name)

    site.page.get_by_role("button", name="Gérer mes cookies").first.click()
    with site.page.expect_navigation():
        site.page.get_by_role("dialog", name=BANNER).get_by_role("button", name="Tout refuser").click()

    assert cookie_names(site) == {"unrelated"}
    assert stored(site)["choices"] == REFUSED


def test_c6_04_refusing_on_a_first_visit_purges_what_an_earlier_tag_left(site):
    site.open()
    plant(site, "_fbp")
    plant(site, "_ga")
    choose(site, "Tout refuser")
    assert cookie_names(site) == set()


def test_c3_13_a_tracker_cookie_never_outlives_the_consent(site):
    site.open()
    choose(site, "Tout accepter")
    consent_end = datetime.fromisoformat(site.storage()["expires_at"]).timestamp()
    plant(site, "_ga", expires=consent_end + 2 * 365 * 86400)  # what the tag does by default: two years

    site.page.reload()
    site.page.wait_for_load_state("networkidle")

    [ga] = [c for c in site.page.context.cookies() if c["name"] == "_ga"]
    assert 0 < ga["expires"] <= consent_end + 1


def test_c7_01_a_choice_withdrawn_on_the_server_is_applied_by_the_browser(site):
    site.open()
    choose(site, "Tout accepter")
    plant(site, "_fbp")
    visitor_id = site.storage()["visitor_id"]
    # What a rights request giving this visitor id leaves on the server (tests/workflow prove that part).
    body = {"visitor_id": visitor_id, "choices": REFUSED, "policy_version": site.storage()["policy_version"]}
    status, _ = site.client.call("POST", "/v1/cookie-consents", body)
    assert status == 201

    later = site.page.context.new_page()  # a new browsing session: the site checks its record once
    later.goto(site.client.base + "/")
    later.wait_for_load_state("networkidle")

    assert later.eval_on_selector_all("script[data-purpose]", "els => els.length") == 0
    assert "_fbp" not in cookie_names(site)


def test_the_banner_holds_the_focus_on_a_first_visit_until_a_choice(site):
    site.open()
    dialog = site.page.get_by_role("dialog", name=BANNER)
    expect(dialog).to_be_focused()
    inside = "document.querySelector('[role=dialog]').contains(document.activeElement)"
    for _ in range(8):  # more than the banner's controls: focus wraps around inside it
        site.page.keyboard.press("Tab")
        assert site.page.evaluate(inside)
    site.page.keyboard.press("Shift+Tab")
    assert site.page.evaluate(inside)
    site.page.keyboard.press("Escape")
    expect(dialog).to_be_visible()  # only a choice closes it
    assert site.accessibility_violations() == []


def test_c3_08_a_quote_sent_with_the_similar_services_box_ticked_never_gets_one(site):
    site.open()
    choose(site, "Tout refuser")
    refuser, other = an_email(), an_email()
    fill_quote_request(site, refuser)
    notice = site.page.get_by_text("JAQE pourra vous adresser des emails sur des services analogues")
    expect(notice).to_be_visible()  # told at collection, next to the consent boxes
    site.page.get_by_label("Je refuse de recevoir ces emails sur des services analogues.").check()
    with site.page.expect_request(lambda r: r.url.endswith("/v1/quote-requests")) as sent:
        site.page.get_by_role("button", name="Recevoir mes devis").click()
    expect(site.page.get_by_role("status")).to_contain_text("Merci ! Votre demande est enregistrée")
    assert sent.value.post_data_json["consents"]["refuse_similar_services"] is True
    body = {**sent.value.post_data_json, "consents": {"partner_matching": True}}
    body["contact"] = {**body["contact"], "email": other}
    assert site.client.call("POST", "/v1/quote-requests", body)[0] == 201

    site.client.call("POST", "/_local/clock", {"advance_days": 60})
    try:
        status, _ = site.client.call("POST", "/_local/jobs/similar_services", {"trade": "plomberie"})
    finally:
        site.client.call("POST", "/_local/clock", {"advance_days": -60})

    assert status == 200
    subject = "Des services complémentaires"
    assert [e for e in site.outbox_to(other) if subject in e["subject"]]
    assert [e for e in site.outbox_to(refuser) if subject in e["subject"]] == []
