"""The site kit in a real browser: the consent banner (policy section 6) and the forms against the API.

The rights page's tests share one page: a submission resets the form, so each is quick; they
live here to share this module's local server (a server start costs more than all of them)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from jaqe.platform.controller import POLICY_VERSION
from jaqe.privacy.register import RECIPIENTS, PurposeId, purpose
from playwright.sync_api import Browser, Locator, Page, Response, expect

from tests.browser.conftest import Site, screenshot_if_failed, visitor

pytestmark = pytest.mark.browser

BANNER = "Vos choix en matière de cookies"
REFUSED = {"analytics": False, "advertising": False}


def is_consent_post(response: Response) -> bool:
    return response.url.endswith("/v1/cookie-consents") and response.request.method == "POST"


def choose(site: Site, button: str) -> dict:
    """Click a banner button; the choice as the server stored it."""
    with site.page.expect_response(is_consent_post) as answer:
        site.page.get_by_role("button", name=button, exact=True).click()
    assert answer.value.status == 201
    status, stored = site.client.call("GET", f"/v1/cookie-consents/{site.storage()['visitor_id']}")
    assert status == 200
    return stored


def fill_quote_request(site: Site, email: str, phone: str = "06 12 34 56 78") -> None:
    page = site.page
    page.get_by_label("Type de travaux").select_option("plomberie")
    page.get_by_label("Délai souhaité").select_option("Dans le mois")
    page.get_by_label("Description du projet").fill("Remplacer le chauffe-eau de 200 litres de la cuisine.")
    page.get_by_label("Code postal du chantier").fill("34000")
    page.get_by_label("Ville").fill("Montpellier")
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label("Nom", exact=True).fill("Essai")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Téléphone").fill(phone)
    page.get_by_label("J'accepte que JAQE transmette ma demande").check()


def an_email() -> str:
    return f"camille.{uuid.uuid4().hex[:8]}@example.org"


def test_c6_02_banner_on_first_visit_and_nothing_loaded_before_a_choice(site):
    site.open()
    expect(site.page.get_by_role("dialog", name=BANNER)).to_be_visible()
    site.page.wait_for_load_state("networkidle")
    assert site.tags() == [] and site.third_party == []
    assert site.page.context.cookies() == []  # not even a technical cookie before a choice


def test_c6_02_refuse_all_is_stored_as_refused_and_loads_no_tag(site):
    site.open()
    stored = choose(site, "Tout refuser")
    assert stored["choices"] == REFUSED and stored["policy_version"] == POLICY_VERSION
    site.page.reload()
    expect(site.page.get_by_role("dialog", name=BANNER)).to_be_hidden()
    site.page.wait_for_load_state("networkidle")
    assert site.tags() == [] and site.third_party == []


def accept_only(site: Site, label: str) -> dict:
    site.open()
    site.page.get_by_role("button", name="Personnaliser mes choix").click()
    site.page.get_by_label(label).check()
    return choose(site, "Enregistrer mes choix")


def test_c3_11_accepting_audience_measurement_only_loads_only_its_tag(site):
    stored = accept_only(site, "Mesure d'audience")
    assert stored["choices"] == {"analytics": True, "advertising": False}
    assert site.tags() == ["analytics"]
    site.page.wait_for_load_state("networkidle")
    assert site.third_party and all("googletagmanager.com" in url for url in site.third_party)


def test_c3_12_accepting_advertising_only_loads_only_its_tag(site):
    stored = accept_only(site, "Publicité")
    assert stored["choices"] == {"analytics": False, "advertising": True}
    assert site.tags() == ["advertising"]
    site.page.wait_for_load_state("networkidle")
    assert site.third_party and all("facebook.net" in url for url in site.third_party)


COOKIE_PROVIDERS = ("Google", "Meta", "Microsoft", "Hubspot", "Cloudflare")


def test_c4_04_the_banner_names_the_cookie_providers_and_its_link_gives_each_country_and_safeguard(site):
    """What a visitor is shown before consenting: the providers, then, one click away, where each is
    and under which transfer safeguard."""
    site.open()
    dialog = site.page.get_by_role("dialog", name=BANNER)
    banner = dialog.inner_text()
    assert all(provider in banner for provider in COOKIE_PROVIDERS)

    with site.page.expect_navigation():
        dialog.get_by_role("link", name="En savoir plus").click()

    recipients = site.page.get_by_role("table", name="Destinataires, pays et garanties")
    for provider in COOKIE_PROVIDERS:
        cells = recipients.locator("tr", has=site.page.get_by_role("cell", name=provider, exact=True))
        assert cells.count() == 1, provider
        _, country, safeguard, role = cells.locator("td").all_inner_texts()
        assert country == "États-Unis" and "Data Privacy Framework" in safeguard, provider
        assert role == RECIPIENTS[provider.lower()].kind.role_fr, provider


def test_c6_01_refusing_everything_is_remembered_by_technical_storage_alone(site):
    """The choice itself is kept (a technical cookie, exempt from consent) with nothing accepted: the
    next page asks nothing and loads nothing, and the browser holds no cookie at all."""
    site.open()
    stored = choose(site, "Tout refuser")
    assert set(site.storage()) == {"visitor_id", "choices", "policy_version", "expires_at"}
    assert site.storage()["choices"] == stored["choices"] == REFUSED

    site.open("/contact.html")

    expect(site.page.get_by_role("dialog", name=BANNER)).to_be_hidden()
    site.page.wait_for_load_state("networkidle")
    assert site.tags() == [] and site.third_party == [] and site.page.context.cookies() == []


def test_refuse_all_is_exactly_as_prominent_as_accept_all(site):
    site.open()
    style = """b => { const s = getComputedStyle(b), r = b.getBoundingClientRect();
        return [b.tagName, b.className, r.width, r.height, s.backgroundColor, s.color, s.fontSize,
                s.fontWeight, s.borderWidth, s.borderColor, s.padding] }"""
    refuse = site.page.get_by_role("button", name="Tout refuser", exact=True).evaluate(style)
    accept = site.page.get_by_role("button", name="Tout accepter", exact=True).evaluate(style)
    assert refuse == accept


def test_banner_works_with_the_keyboard_alone(site):
    site.open()
    site.page.keyboard.press("Tab")  # "En savoir plus", then the first choice
    site.page.keyboard.press("Tab")
    focused = site.page.evaluate(
        "[document.activeElement.textContent, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["Tout refuser", "solid"]  # visible focus
    with site.page.expect_response(is_consent_post):
        site.page.keyboard.press("Enter")
    expect(site.page.get_by_role("dialog", name=BANNER)).to_be_hidden()
    assert site.storage()["choices"] == REFUSED


def test_c6_04_manage_cookies_link_reopens_the_banner_and_withdrawal_is_stored(site):
    site.open()
    choose(site, "Tout accepter")
    assert sorted(site.tags()) == ["advertising", "analytics"]
    site.page.get_by_role("button", name="Gérer mes cookies").first.click()
    dialog = site.page.get_by_role("dialog", name=BANNER)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Publicité")).to_be_checked()  # the current choice is shown
    expect(dialog).to_be_focused()
    assert site.accessibility_violations() == []
    with site.page.expect_navigation():  # a loaded tag cannot be unloaded: the page reloads
        dialog.get_by_role("button", name="Tout refuser").click()
    assert site.tags() == []
    _, stored = site.client.call("GET", f"/v1/cookie-consents/{site.storage()['visitor_id']}")
    assert stored["choices"] == REFUSED


def test_c3_13_banner_asks_again_after_13_months_or_a_new_policy_version(site):
    site.open()
    stored = choose(site, "Tout refuser")
    dialog = site.page.get_by_role("dialog", name=BANNER)
    for stale in ({"expires_at": "2020-01-01T00:00:00+00:00"}, {"policy_version": "2020-01"}):
        site.page.evaluate(
            "stale => localStorage.setItem('jaqe.cookies', "
            "JSON.stringify({...JSON.parse(localStorage.getItem('jaqe.cookies')), ...stale}))",
            stale,
        )
        site.page.reload()
        expect(dialog).to_be_visible()
        choose(site, "Tout refuser")
    # The server agrees: 13 months later the choice is gone.
    site.client.call("POST", "/_local/clock", {"advance_days": 397})
    try:
        status, _ = site.client.call("GET", f"/v1/cookie-consents/{stored['visitor_id']}")
    finally:
        site.client.call("POST", "/_local/clock", {"advance_days": -397})
    assert status == 404


def test_c3_01_quote_request_shows_success_and_sends_emails(site):
    site.open()
    choose(site, "Tout refuser")
    email = an_email()
    fill_quote_request(site, email)
    with site.page.expect_request(lambda r: r.url.endswith("/v1/quote-requests")) as sent:
        site.page.get_by_role("button", name="Recevoir mes devis").click()
    expect(site.page.get_by_role("status")).to_contain_text("Merci ! Votre demande est enregistrée")
    uuid.UUID(sent.value.headers["idempotency-key"])
    assert sent.value.post_data_json["policy_version"] == POLICY_VERSION
    assert sent.value.post_data_json["contact"]["email"] == email
    assert site.outbox_to(email), "no confirmation email in the outbox"
    assert site.errors == []


def test_bad_phone_shows_the_api_error_next_to_the_phone_field(site):
    site.open()
    choose(site, "Tout refuser")
    email = an_email()
    fill_quote_request(site, email, phone="12")
    site.page.get_by_role("button", name="Recevoir mes devis").click()
    phone = site.page.get_by_label("Téléphone")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_accessible_description(re.compile("numéro de téléphone français invalide", re.I))
    expect(phone).to_be_focused()
    error = site.page.locator(".field:has(#devis-phone) .field-error")
    expect(error).to_have_text(re.compile("Numéro de téléphone français invalide"))
    assert site.page.locator("[aria-invalid]").count() == 1
    assert site.accessibility_violations() == []
    assert site.outbox_to(email) == []


def test_a_retry_after_a_network_failure_reuses_the_idempotency_key(site):
    keys: list[str] = []

    def flaky(route):
        keys.append(route.request.headers["idempotency-key"])
        route.abort() if len(keys) == 1 else route.continue_()

    site.page.route("**/v1/contact-messages", flaky)
    site.open("/contact.html")
    choose(site, "Tout refuser")
    email = an_email()
    form = site.page.locator("#contact")
    form.get_by_label("Nom et prénom").fill("Camille Essai")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Objet").fill("Une question")
    form.get_by_label("Message").fill("Bonjour, une question sur ma demande.")
    send = form.get_by_role("button", name="Envoyer")
    send.click()
    expect(form.get_by_role("status")).to_contain_text("Réessayez")
    send.click()
    expect(form.get_by_role("status")).to_contain_text("Merci, votre message est bien envoyé")
    assert len(keys) == 2 and keys[0] == keys[1]
    assert len(site.outbox_to(email)) == 1


def test_c3_09_newsletter_sends_a_confirmation_link(site):
    site.open("/contact.html")
    choose(site, "Tout refuser")
    email = an_email()
    form = site.page.locator("#newsletter")
    form.get_by_label("Email").fill(email)
    form.get_by_role("button", name="M'inscrire à la newsletter").click()
    expect(form.get_by_role("status")).to_contain_text("confirmez votre inscription")
    assert "newsletter/confirm" in site.outbox_to(email)[0]["text"]


def test_c7_09_rights_request_sends_a_verification_email(site):
    site.open("/droits.html")
    choose(site, "Tout refuser")
    email = an_email()
    site.page.get_by_label("Votre demande").select_option("access")
    site.page.get_by_label("Email utilisé avec JAQE").fill(email)
    with site.page.expect_response(lambda r: r.url.endswith("/v1/rights-requests")) as answer:
        site.page.get_by_role("button", name="Envoyer ma demande").click()
    assert answer.value.status == 202
    expect(site.page.get_by_role("status")).to_contain_text("Demande enregistrée")
    [verification] = site.outbox_to(email, wait=True)
    assert "/v1/rights-requests/verify?token=" in verification["text"]


def test_c2_02_professional_registration(site):
    site.open("/professionnels.html")
    choose(site, "Tout refuser")
    page = site.page
    page.get_by_label("Raison sociale").fill("Plomberie Essai SARL")
    page.get_by_label("SIRET").fill("73282932000074")
    page.get_by_label("Plomberie").check()
    page.get_by_label("Départements d'intervention").fill("34, 30")
    page.get_by_label("Prénom").fill("Dominique")
    page.get_by_label("Nom", exact=True).fill("Essai")
    page.get_by_label("Email professionnel").fill(an_email())
    page.get_by_label("Téléphone").fill("04 67 00 00 00")
    with page.expect_response(lambda r: r.url.endswith("/v1/professionals")) as answer:
        page.get_by_role("button", name="M'inscrire").click()
    assert answer.value.status == 202
    expect(page.get_by_role("status")).to_contain_text("Consultez votre boîte mail")


@pytest.mark.parametrize(
    "path",
    ["/", "/professionnels.html", "/contact.html", "/droits.html", "/politique-de-confidentialite.html"],
)
def test_every_page_loads_under_a_strict_csp_and_passes_axe_wcag_aa(site, path):
    site.open(path)
    expect(site.page.get_by_role("dialog", name=BANNER)).to_be_visible()
    site.page.wait_for_load_state("networkidle")
    assert site.errors == [] and site.third_party == []
    assert site.accessibility_violations() == []


def test_make_dev_serves_only_the_kit_files_and_still_the_api(server):
    client, _ = server
    with urllib.request.urlopen(client.base + "/") as response:  # noqa: S310 - loopback
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    for outside in ("/../pyproject.toml", "/Makefile", "/web/site.js"):
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(client.base + outside)  # noqa: S310
    status, trades = client.call("GET", "/v1/trades")
    assert status == 200 and {"id": "plomberie", "label": "Plomberie"} in trades


# ---- The rights page: each right sent with the fields POST /v1/rights-requests defines for it, and the
# API's refusals shown on the fields they concern, in French.

OPERATOR = {"X-Local-Operator": "alice"}
SENT = "Demande enregistrée"


@pytest.fixture(scope="module")
def shared_page(browser: Browser, server: Any) -> Iterator[Site]:
    client, _ = server
    with visitor(browser, client) as site:
        site.open("/droits.html")
        choose(site, "Tout refuser")
        yield site


@pytest.fixture
def rights(shared_page: Site, request: pytest.FixtureRequest) -> Iterator[Site]:
    yield shared_page
    screenshot_if_failed(shared_page, request)


def form(page: Page) -> Locator:
    return page.locator("#droits")


def group(page: Page, legend: str) -> Locator:
    return page.get_by_role("group", name=re.compile(legend))


def withdraw(page: Page) -> None:
    group(page, "retirez votre consentement").get_by_label(purpose(PurposeId.NEWSLETTER).name_fr).check()


def rectify(page: Page) -> None:
    page.get_by_label("Nom exact", exact=True).fill("Durand-Essai")
    page.get_by_label("Téléphone exact").fill("06 12 34 56 78")


def object_to(page: Page) -> None:
    choices = group(page, "vous vous opposez")
    choices.get_by_label(purpose(PurposeId.SIMILAR_SERVICES_EMAILS).name_fr).check()
    choices.get_by_label(purpose(PurposeId.QUOTE_MATCHING).name_fr).check()
    page.get_by_label("Précisions").fill("Je ne souhaite plus être sollicité.")


def direct(page: Page) -> None:
    page.get_by_label("communiquées à la personne que je désigne").check()
    page.get_by_label("Vos directives").fill("Transmettre mes demandes de devis à ma fille.")
    page.get_by_label("Son nom et prénom").fill("Alix Essai")
    page.get_by_label("Son email").fill("alix.essai@example.org")


def transmit(page: Page) -> None:
    page.get_by_label("Son adresse email").fill("dpo@autre-comparateur.example.org")


def details(page: Page) -> None:
    page.get_by_label("Précisions").fill("Ma demande de devis de mars.")


def nothing(page: Page) -> None:
    return None


# type -> what the person fills in, and what the request holds then (`asked`, as operators see it).
CASES: dict[str, tuple[Callable[[Page], None], dict[str, Any]]] = {
    "withdraw_consent": (withdraw, {"purposes": ["newsletter"]}),
    "access": (nothing, {}),
    "rectification": (rectify, {"corrections": {"last_name": "Durand-Essai", "phone": "+33612345678"}}),
    "erasure": (details, {"details": "Ma demande de devis de mars."}),
    "restriction": (details, {"details": "Ma demande de devis de mars."}),
    "portability": (transmit, {"recipient_email": "dpo@autre-comparateur.example.org"}),
    "objection": (
        object_to,
        {
            "purposes": ["quote_matching", "similar_services_emails"],
            "details": "Je ne souhaite plus être sollicité.",
        },
    ),
    "post_mortem_directives": (
        direct,
        {
            "directives": {
                "action": "set",
                "kind": "specific",
                "on_death": "communicate",
                "instructions": "Transmettre mes demandes de devis à ma fille.",
                "designated_person": {"name": "Alix Essai", "email": "alix.essai@example.org"},
            }
        },
    ),
}


def ask_for(page: Page, kind: str, email: str) -> None:
    """A blank form (whatever the previous test left in it), then this right and this address."""
    form(page).evaluate("form => form.reset()")
    page.get_by_label("Votre demande").select_option(kind)
    page.get_by_label("Email utilisé avec JAQE").fill(email)


def send(page: Page) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """Click send: the status of the answer, its body, and the JSON the page posted."""
    with page.expect_response(lambda r: r.url.endswith("/v1/rights-requests")) as answer:
        page.get_by_role("button", name="Envoyer ma demande").click()
    return answer.value.status, answer.value.json(), answer.value.request.post_data_json


@pytest.mark.parametrize("kind", CASES)
def test_c7_01_c7_02_c7_03_c7_04_c7_05_c7_06_c7_07_c7_08_each_right_is_sent_from_the_page_with_its_fields(
    rights, kind
):
    page = rights.page
    fill, asked = CASES[kind]
    email = an_email()
    ask_for(page, kind, email)
    fill(page)

    status, accepted, posted = send(page)

    assert status == 202, accepted
    assert posted["type"] == kind and posted["email"] == email
    assert set(posted) == {"type", "email", *asked}  # the other types' fields are not sent
    expect(page.get_by_label("Votre demande")).to_have_value("")  # the form is reset after a success
    expect(form(page).get_by_role("status")).to_contain_text(SENT)
    status, request = rights.client.call(
        "GET", f"/v1/admin/rights-requests/{accepted['request_id']}?reason=suivi", headers=OPERATOR
    )
    assert status == 200 and request["request_type"] == kind
    assert request["asked"] == asked
    assert rights.errors == []


def error_of(control: Locator) -> str:
    """The text of the error the control is described by (and marked invalid for)."""
    expect(control).to_have_attribute("aria-invalid", "true")
    ids = control.get_attribute("aria-describedby") or ""
    return " ".join(control.page.locator(f"#{i}").inner_text() for i in ids.split())


def refused(page: Page) -> list[str]:
    """Send, expecting a 422: the API's error paths (what the page has to place)."""
    status, problem, _ = send(page)
    assert status == 422, problem
    return [error["field"] for error in problem["errors"]]


def test_c7_01_c7_03_c7_08_the_apis_refusals_are_shown_on_their_fields_in_french(rights):
    page = rights.page
    api_words = re.compile(r"«|purposes|corrections|directives \(|instructions\)|Input should|body")

    def shown() -> str:
        text = form(page).inner_text()
        assert not api_words.search(text), text
        return text

    # Withdrawal with no purpose ticked: the API's rule across fields (`body`) lands on the purposes' group.
    ask_for(page, "withdraw_consent", an_email())
    assert refused(page) == ["body"]
    first = group(page, "retirez votre consentement").get_by_role("checkbox").first
    assert error_of(first) == "Cochez au moins un traitement fondé sur votre consentement."
    expect(first).to_be_focused()
    expect(form(page).get_by_role("status")).to_have_text("Merci de corriger les champs signalés.")
    assert "Cochez au moins un traitement" in shown()
    assert rights.accessibility_violations() == []

    # A purpose ticked, then another right chosen: the purposes are hidden and not sent.
    first.check()
    page.get_by_label("Votre demande").select_option("rectification")
    expect(group(page, "retirez votre consentement")).to_be_hidden()

    # Rectification with nothing to correct (the group), then with a wrong phone number (its field).
    status, _, posted = send(page)
    assert status == 422 and set(posted) == {"type", "email", "corrections"} and posted["corrections"] == {}
    first_name = page.get_by_label("Prénom exact")
    assert error_of(first_name) == "Indiquez au moins une donnée à corriger, avec sa valeur exacte."
    expect(first_name).to_be_focused()
    shown()
    page.get_by_label("Téléphone exact").fill("12")
    assert refused(page) == ["corrections.phone"]
    phone = page.get_by_label("Téléphone exact")
    assert error_of(phone) == "Numéro de téléphone français invalide (ex. 06 12 34 56 78)"
    expect(phone).to_be_focused()
    assert page.locator("[aria-invalid]").count() == 1

    # Directives without their text, then a designated person without a name nor a valid address.
    page.get_by_label("Votre demande").select_option("post_mortem_directives")
    assert refused(page) == ["directives.instructions"]
    instructions = page.get_by_label("Vos directives")
    assert error_of(instructions) == "Champ obligatoire"
    expect(instructions).to_be_focused()
    instructions.fill("Tout effacer.")
    page.get_by_label("Son email").fill("pas-une-adresse")
    assert sorted(refused(page)) == [
        "directives.designated_person.email",
        "directives.designated_person.name",
    ]
    assert error_of(page.get_by_label("Son email")) == "Adresse email invalide"
    assert error_of(page.get_by_label("Son nom et prénom")) == "Champ obligatoire"
    expect(page.get_by_label("Son nom et prénom")).to_be_focused()
    expect(instructions).not_to_have_attribute("aria-invalid", "true")
    shown()
    assert rights.errors == []


# -- Cookies and marketing that obey the visitor (issue 21): GPC, lifetimes capped at the consent's end,
# cookies purged on refusal or withdrawal, a withdrawal recorded on the server applied by the browser, the
# banner holding the focus on a first visit, similar-services emails refused on the quote form. Third-party
# tags are cut in tests (they never load), so the cookies they would set are planted.

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


def test_local_docs_render_every_operation_of_the_openapi_document_offline(site):
    site.open("/_local/docs")
    _, document = site.client.call("GET", "/_local/openapi.json")
    operations = sum(len(methods) for methods in document["paths"].values())
    expect(site.page.locator(".opblock")).to_have_count(operations)
    expect(site.page.locator(".opblock-summary-path", has_text="/v1/quote-requests").first).to_be_visible()
    assert site.third_party == []  # Swagger UI's assets come from the local server, not a CDN
    assert site.errors == []
