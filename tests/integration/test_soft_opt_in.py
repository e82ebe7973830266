"""Similar-services emails rest on legitimate interest (soft opt-in, art. L.34-5 CPCE): the quote form
says so next to the consent boxes and offers a box to refuse them right there. A refusal is kept in
the consent ledger as proof and no similar-services email ever reaches that person (issue 21, C3-08,
C7-07)."""

from __future__ import annotations

import json
from datetime import timedelta

from jaqe.platform import clock

from tests.conftest import load_event
from tests.integration.seeds import all_items

SUBJECT = "Des services complémentaires"


def quote(local, email: str, refuse: bool = False) -> None:
    body = json.loads(load_event("quote_requests/post_valid.json")["body"])
    body["contact"]["email"] = email
    body["consents"]["refuse_similar_services"] = refuse
    response = local.api.request("POST", "/v1/quote-requests", json_body=body)
    assert response.status == 201, response.body


def similar_services_to(local, email: str) -> list[dict]:
    return [e for e in local.outbox() if e["to"] == [email] and SUBJECT in e["subject"]]


def test_c3_08_a_refusal_at_collection_is_proven_and_no_similar_services_email_ever_follows(local):
    quote(local, "refuse@example.fr", refuse=True)
    quote(local, "accepte@example.fr")

    [refusal] = [
        i
        for i in all_items(local)
        if i.get("item_type") == "consent_event" and i["consent_purpose"] == "similar_services_emails"
    ]
    assert refusal["granted"] is False and refusal["channel"] == "quote_form"
    assert refusal["subject_key"] == local.subject_key("refuse@example.fr")

    for months in (1, 12, 30):  # every mailing within the three years the leads live
        clock.travel(timedelta(days=30 * months))
        quote(local, "refuse@example.fr")  # a later request without the box does not undo the refusal
        local.lambdas.invoke_by_name("similar_services", {"trade": "plomberie"})
    assert similar_services_to(local, "refuse@example.fr") == []
    assert similar_services_to(local, "accepte@example.fr")


def test_the_refusal_box_takes_a_boolean_only(local):
    body = json.loads(load_event("quote_requests/post_valid.json")["body"])
    body["consents"]["refuse_similar_services"] = "oui"

    response = local.api.request("POST", "/v1/quote-requests", json_body=body)

    assert response.status == 422 and response.headers["Content-Type"] == "application/problem+json"
    assert not [i for i in all_items(local) if i.get("item_type") == "lead"]
