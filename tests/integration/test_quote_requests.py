"""POST /v1/quote-requests and GET /v1/trades through the handlers, on moto from the template."""

from __future__ import annotations

import copy
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from jaqe.platform import clock
from jaqe.privacy.periods import Period, add_period
from jaqe.privacy.register import PurposeId
from jaqe.privacy.subject_flags import Subjects

from jaqe_dev.stack import LocalStack
from tests.conftest import load_event
from tests.integration.seeds import all_items, listed_professional

VALID_EVENT = load_event("quote_requests/post_valid.json")
REQUEST = json.loads(VALID_EVENT["body"])
CONSUMER = REQUEST["contact"]["email"]


def post(local: LocalStack, body: dict, headers: dict | None = None):
    return local.api.request("POST", "/v1/quote-requests", json_body=body, headers=headers)


def with_change(path: str, value: object) -> dict:
    body = copy.deepcopy(REQUEST)
    *parents, leaf = path.split(".")
    target = body
    for part in parents:
        target = target[part]
    if value is ...:
        del target[leaf]
    else:
        target[leaf] = value
    return body


def of_type(local: LocalStack, item_type: str) -> list[dict]:
    return [i for i in all_items(local) if i.get("item_type") == item_type]


def test_trades_catalogue_lists_french_labels(local):
    response = local.lambdas.invoke_by_name("trades", load_event("trades/get.json"))
    trades = json.loads(response["body"])
    assert {"id": "electricite", "label": "Électricité"} in trades
    assert {"id": "maconnerie", "label": "Maçonnerie"} in trades
    assert len(trades) >= 7


def test_c3_01_c4_02_a_quote_request_is_stored_matched_shared_and_confirmed(local):
    for pro in ("p1", "p2", "p3", "p4"):
        listed_professional(local, pro)

    response = local.lambdas.invoke_by_name("quote_requests", VALID_EVENT)

    assert response["statusCode"] == 201
    answer = json.loads(response["body"])
    assert answer["matched_professionals"] == 3
    [lead] = of_type(local, "lead")
    assert lead["lead_id"] == answer["request_id"]
    assert lead["project"]["trade"] == "plomberie" and lead["contact"]["phone"] == "+33612345678"
    assert lead["purpose"] == PurposeId.QUOTE_MATCHING.value
    assert lead["source_site"] == "https://jaqe.fr"
    disclosures = of_type(local, "disclosure")
    assert len(disclosures) == 3
    assert all(
        d["lead_id"] == lead["lead_id"] and d["subject_key"] == lead["subject_key"] for d in disclosures
    )
    assert all(d["legal_basis"]["purpose"] == "quote_matching" for d in disclosures)

    emails = local.outbox()
    to_consumer = [e for e in emails if e["to"] == [CONSUMER]]
    to_pros = [e for e in emails if e["to"] != [CONSUMER]]
    assert len(to_consumer) == 1 and len(to_pros) == 3
    for disclosure in disclosures:
        assert disclosure["company_name"] in to_consumer[0]["text"]  # names who received the request
    assert "transmise à 3 professionnel(s)" in to_consumer[0]["text"]
    assert any("/acceptance?token=" in link for link in to_consumer[0]["links"])  # C3-04
    assert "support@jaqe.fr" in to_consumer[0]["text"]  # how to exercise rights
    # Professionals get what they need to answer, not the consents or internal ids.
    assert "06" not in to_pros[0]["subject"] and "+33612345678" in to_pros[0]["text"]
    assert "partner_matching" not in to_pros[0]["text"]


def test_c3_02_consent_to_be_put_in_contact_is_recorded_with_its_proof(local):
    post(local, with_change("consents.commercial_partners", True))

    events = of_type(local, "consent_event")
    assert {e["consent_purpose"] for e in events} == {"quote_matching", "commercial_partners"}
    for event in events:
        assert event["granted"] is True and event["policy_version"] == "2023-09"
        assert event["channel"] == "quote_form" and len(event["wording_hash"]) == 64
        assert event["purpose"] == PurposeId.CONSENT_PROOFS.value


def test_optional_consents_are_never_assumed(local):
    post(local, REQUEST)

    assert {e["consent_purpose"] for e in of_type(local, "consent_event")} == {"quote_matching"}
    assert not of_type(local, "newsletter_subscription")
    assert all("newsletter" not in e["subject"].lower() for e in local.outbox())


def test_newsletter_consent_in_the_quote_form_starts_the_double_opt_in(local):
    post(local, with_change("consents.newsletter", True))

    assert any("Confirmez votre inscription" in e["subject"] for e in local.outbox())
    assert not of_type(local, "newsletter_subscription")  # nothing until the link is followed


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("consents.partner_matching", ..., "consents.partner_matching"),
        ("consents.partner_matching", False, "consents.partner_matching"),
        ("contact.phone", "12 34", "contact.phone"),
        ("contact.phone", "+44 20 7946 0958", "contact.phone"),
        ("project.postcode", "3400", "project.postcode"),
        ("project.postcode", "00123", "project.postcode"),
        ("project.trade", "astrologie", "project.trade"),
        ("contact.email", "camille@", "contact.email"),
        ("project.description", "x" * 3001, "project.description"),
        ("policy_version", ..., "policy_version"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_stores_nothing(local, path, value, field):
    listed_professional(local, "p1")
    response = post(local, with_change(path, value))

    assert response.status == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json()["errors"]}
    assert sorted(i["item_type"] for i in all_items(local)) == ["listing_entry", "professional"]
    assert local.outbox() == []


def test_corsican_postcodes_match_professionals_of_2a(local):
    listed_professional(local, "ajaccio", areas=("2A",))

    body = with_change("project.postcode", "20000")
    response = post(local, body)

    assert response.json()["matched_professionals"] == 1


def test_no_match_still_stores_the_lead_and_says_so_honestly(local):
    response = post(local, REQUEST)

    assert response.status == 201 and response.json()["matched_professionals"] == 0
    assert len(of_type(local, "lead")) == 1
    [email] = local.outbox()
    assert "aucun professionnel" in email["text"] and "transmise à personne" in email["text"]
    assert "recontacterons" not in email["text"]  # nothing re-matches a request later: it does not say so


def test_professionals_without_valid_insurance_or_approval_are_never_matched(local):
    listed_professional(local, "expired", insurance_valid_until="2020-01-01")
    listed_professional(local, "pending", status="pending_review")

    assert post(local, REQUEST).json()["matched_professionals"] == 0
    assert not of_type(local, "disclosure")


def test_restricted_people_are_never_matched_or_shared_and_the_confirmation_says_why(local):
    """A restriction stops sharing (a suppression does not: tests/workflow/test_service_after_erasure.py)."""
    listed_professional(local, "p1")
    key = local.subject_key(CONSUMER)
    with local.environment_of("quote_requests"):
        Subjects(local.store()).restrict(key, "accuracy contested")

    response = post(local, REQUEST)

    assert response.json()["matched_professionals"] == 0
    assert not of_type(local, "disclosure")
    assert len(of_type(local, "lead")) == 1
    [email] = local.outbox()
    assert "transmise à aucun professionnel" in email["text"] and "limitation" in email["text"]
    assert "Entreprise p1" not in email["text"] and "/acceptance" not in email["text"]


def test_rotation_is_fair_across_requests(local):
    for pro in ("a", "b", "c", "d"):
        listed_professional(local, pro)

    for n in range(4):
        post(local, with_change("contact.email", f"client{n}@example.fr"))

    received = Counter(d["pro_id"] for d in of_type(local, "disclosure"))
    assert received == {"a": 3, "b": 3, "c": 3, "d": 3}


def test_c3_03_a_new_contact_pushes_earlier_lead_data_three_years_from_now(local):
    listed_professional(local, "p1")
    clock.freeze(datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    post(local, REQUEST)
    clock.travel(timedelta(days=3 * 365 - 30))  # 2 years 11 months later

    post(local, with_change("project.trade", "plomberie"))

    expected = int(add_period(clock.now(), Period(years=3)).timestamp())
    for item in all_items(local):
        if item.get("item_type") in ("lead", "disclosure"):
            assert int(item["expires_at"]) == expected


def test_a_retried_quote_request_is_not_stored_or_shared_twice(local):
    listed_professional(local, "p1")
    headers = {"Idempotency-Key": "quote-retry-1"}

    first = post(local, REQUEST, headers)
    second = post(local, REQUEST, headers)

    assert first.json() == second.json()
    assert len(of_type(local, "lead")) == 1 and len(of_type(local, "disclosure")) == 1
    assert len(local.outbox()) == 2  # one to the consumer, one to the professional


def test_c2_01_the_partner_site_a_request_came_from_is_recorded(local):
    response = post(local, REQUEST, {"Origin": "https://evil.example"})
    [lead] = of_type(local, "lead")
    assert response.status == 201
    assert lead["source_site"] == "https://jaqe.fr"  # unknown origins are not recorded as partners
