"""Consents with proof: published versions only, and consent to commercial partners counts once the
person has confirmed the address from the quote confirmation email (C4-05, C3-02)."""

from __future__ import annotations

import copy
import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from jaqe.platform import clock
from jaqe.privacy.consent import ConsentLedger, consent_statuses
from jaqe.privacy.register import PurposeId

from jaqe_dev.stack import LocalStack
from tests.conftest import load_event
from tests.integration.seeds import all_items
from tests.integration.seeds import exported as partner_export

QUOTE = json.loads(load_event("quote_requests/post_valid.json")["body"])
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
FORM = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}


def quote(local: LocalStack, email: str, *, commercial: bool = True) -> None:
    body = copy.deepcopy(QUOTE)
    body["contact"]["email"] = email
    body["consents"]["commercial_partners"] = commercial
    assert local.api.request("POST", "/v1/quote-requests", json_body=body).status == 201


def confirmation_link(local: LocalStack, email: str) -> str:
    """The path of the consent confirmation link in the last quote confirmation email to `email`."""
    [*_, mail] = [e for e in local.outbox() if e["to"] == [email] and "devis" in e["subject"]]
    [url] = [link for link in mail["links"] if "/v1/consents/confirm?token=" in link]
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def exported(local: LocalStack) -> list[str]:
    return [row["email"] for row in partner_export(local, "Assureur Habitat SA")[1]]


def partner_events(local: LocalStack, email: str) -> list[dict]:
    key = local.subject_key(email)
    events = [
        i
        for i in all_items(local)
        if i.get("item_type") == "consent_event"
        and i["consent_purpose"] == "commercial_partners"
        and i["subject_key"] == key
    ]
    return sorted(events, key=lambda e: e["occurred_at"])


def statuses(local: LocalStack, email: str) -> dict:
    key = local.subject_key(email)
    return consent_statuses(i for i in all_items(local) if i.get("subject_key") == key)


@pytest.mark.parametrize("version", ["x", "2024-01", "2026-09"])
@pytest.mark.parametrize(
    ("route", "body", "field"),
    [
        ("/v1/quote-requests", QUOTE, "policy_version"),
        (
            "/v1/newsletter/subscriptions",
            {"email": "n@example.fr", "policy_version": "2023-09"},
            "policy_version",
        ),
        (
            "/v1/cookie-consents",
            json.loads(load_event("cookie_consents/post.json")["body"]),
            "policy_version",
        ),
        (
            "/v1/professionals",
            json.loads(load_event("professionals/post_valid.json")["body"]),
            "terms_version",
        ),
    ],
)
def test_c3_02_a_version_the_register_does_not_know_is_a_422_on_the_field_and_nothing_is_stored(
    local, route, body, field, version
):
    response = local.api.request("POST", route, json_body={**body, field: version})

    assert response.status == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    [error] = [e for e in response.json()["errors"] if e["field"] == field]
    assert "version inconnue" in error["message"]  # in French, on the field
    assert all_items(local) == [] and local.outbox() == []


def test_c4_05_a_commercial_partners_consent_is_not_exported_until_the_link_s_post(local):
    quote(local, "camille@example.fr")

    [pending] = partner_events(local, "camille@example.fr")
    assert pending["granted"] is True and "confirm_by" in pending and "address_confirmed_by" not in pending
    assert statuses(local, "camille@example.fr")["commercial_partners"]["state"] == "pending_confirmation"
    assert exported(local) == []

    link = confirmation_link(local, "camille@example.fr")
    for _ in range(2):  # a mail scanner, then the person: a page, nothing done
        opened = local.api.request("GET", link, headers=BROWSER)
        assert opened.status == 200 and opened.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Confirmer mon accord" in opened.body
    assert len(partner_events(local, "camille@example.fr")) == 1
    assert exported(local) == []

    [token] = re.findall(r'name="token" value="([^"]*)"', opened.body)
    confirmed = local.api.request("POST", link.split("?")[0], body=f"token={token}", headers=FORM)
    assert confirmed.status == 200 and "Accord confirmé" in confirmed.body

    assert exported(local) == ["camille@example.fr"]


def test_c4_05_c3_02_the_confirmed_consent_says_how_and_when_the_address_was_confirmed(local):
    quote(local, "camille@example.fr")
    clock.travel(timedelta(days=2))

    answer = local.api.request("POST", confirmation_link(local, "camille@example.fr"))

    assert answer.status == 200 and answer.json() == {"status": "confirmed"}
    pending, confirmed = partner_events(local, "camille@example.fr")  # append-only: the grant stays
    assert confirmed["granted"] is True and confirmed["address_confirmed_by"] == "email_link"
    assert confirmed["address_confirmed_at"] == confirmed["occurred_at"] > pending["occurred_at"]
    assert (confirmed["policy_version"], confirmed["wording_hash"], confirmed["source"]) == (
        pending["policy_version"],
        pending["wording_hash"],
        pending["source"],
    )
    status = statuses(local, "camille@example.fr")["commercial_partners"]
    assert status["state"] == "granted" and status["address_confirmed_by"] == "email_link"


def test_c4_05_a_used_or_expired_confirmation_link_answers_410(local):
    quote(local, "used@example.fr")
    used = confirmation_link(local, "used@example.fr")
    assert local.api.request("POST", used).status == 200
    again = local.api.request("POST", used)
    assert again.status == 410 and again.headers["Content-Type"] == "application/problem+json"
    assert local.api.request("GET", used, headers=BROWSER).status == 410

    quote(local, "late@example.fr")
    late = confirmation_link(local, "late@example.fr")
    clock.travel(timedelta(days=30, minutes=1))
    assert local.api.request("GET", late, headers=BROWSER).status == 410
    assert local.api.request("POST", late).status == 410
    assert len(partner_events(local, "late@example.fr")) == 1  # nothing confirmed


def test_c4_05_an_unconfirmed_consent_lapses_after_30_days(local):
    quote(local, "camille@example.fr")
    clock.travel(timedelta(days=29))
    assert statuses(local, "camille@example.fr")["commercial_partners"]["state"] == "pending_confirmation"

    clock.travel(timedelta(days=1, minutes=1))

    assert statuses(local, "camille@example.fr")["commercial_partners"]["state"] == "lapsed"
    assert exported(local) == []
    with local.environment_of("admin_exports"):
        ledger = ConsentLedger(local.store())
        assert not ledger.is_granted(local.subject_key("camille@example.fr"), PurposeId.COMMERCIAL_PARTNERS)


def test_c7_01_a_link_followed_after_a_withdrawal_confirms_nothing(local):
    quote(local, "camille@example.fr")
    with local.environment_of("admin_exports"):
        ConsentLedger(local.store()).withdraw(
            local.subject_key("camille@example.fr"),
            PurposeId.COMMERCIAL_PARTNERS,
            channel="rights_request",
            policy_version="2023-09",
        )

    assert local.api.request("POST", confirmation_link(local, "camille@example.fr")).status == 410
    assert statuses(local, "camille@example.fr")["commercial_partners"]["state"] == "withdrawn"
    assert exported(local) == []


def test_the_quote_confirmation_email_carries_the_link_only_when_the_box_was_ticked(local):
    quote(local, "yes@example.fr")
    quote(local, "no@example.fr", commercial=False)

    [yes] = [e for e in local.outbox() if e["to"] == ["yes@example.fr"]]
    [no] = [e for e in local.outbox() if e["to"] == ["no@example.fr"]]
    assert "/v1/consents/confirm?token=" in yes["text"] and "30 jours" in yes["text"]
    assert "/v1/consents/confirm" not in no["text"]


def test_c3_09_the_newsletter_double_opt_in_records_how_the_address_was_confirmed(local):
    local.lambdas.invoke_by_name("newsletter", load_event("newsletter/post_subscription.json"))
    [confirmation] = local.outbox()
    parts = urlsplit(confirmation["links"][0])
    assert local.api.request("POST", f"{parts.path}?{parts.query}").status == 200

    [consent] = [i for i in all_items(local) if i.get("item_type") == "consent_event"]
    assert consent["address_confirmed_by"] == "email_link" and consent["address_confirmed_at"]
