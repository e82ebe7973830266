"""A breach on the leads of one week (C5-02): exactly those people found, CNIL draft due 72 hours
after awareness, and once a high risk is confirmed each of them is told."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from jaqe import clock

from tests.conftest import load_event
from tests.integration.seeds import all_items

QUOTE = json.loads(load_event("quote_requests/post_valid.json")["body"])
OPERATOR = {"X-Local-Operator": "dpo"}


def quote_at(local, moment: datetime, email: str, trade: str = "plomberie") -> None:
    clock.freeze(moment)
    body = {
        **QUOTE,
        "contact": {**QUOTE["contact"], "email": email},
        "project": {**QUOTE["project"], "trade": trade},
    }
    assert local.api.request("POST", "/v1/quote-requests", json_body=body).status == 201


def incident(high_risk: bool) -> dict:
    return {
        "nature": "Export non autorisé de la table des demandes de devis",
        "data_categories": ["identité", "coordonnées", "projet"],
        "people_categories": ["particuliers ayant demandé un devis"],
        "window_start": "2026-03-02T00:00:00+00:00",
        "window_end": "2026-03-08T23:59:59+00:00",
        "aware_at": "2026-03-10T08:00:00+00:00",
        "likely_consequences": "Risque d'hameçonnage ciblé",
        "measures_taken": "Accès révoqués, clés changées",
        "high_risk_confirmed": high_risk,
    }


def seed_weeks(local) -> None:
    quote_at(local, datetime(2026, 3, 1, 12, tzinfo=UTC), "before@example.fr")
    quote_at(local, datetime(2026, 3, 3, 12, tzinfo=UTC), "in1@example.fr")
    quote_at(local, datetime(2026, 3, 7, 12, tzinfo=UTC), "in2@example.fr", trade="toiture")
    quote_at(local, datetime(2026, 3, 9, 12, tzinfo=UTC), "after@example.fr")
    clock.freeze(datetime(2026, 3, 10, 9, tzinfo=UTC))


def test_c5_02_an_incident_on_one_week_of_leads_finds_exactly_those_people_and_drafts_the_cnil_notice(local):
    seed_weeks(local)
    before = len(local.outbox())

    response = local.api.request("POST", "/v1/admin/incidents", json_body=incident(False), headers=OPERATOR)

    assert response.status == 201
    result = response.json()
    assert result["people_concerned"] == 2 and result["people_notified"] == 0
    draft = result["cnil_draft"]
    assert draft["notification_due_by"] == "2026-03-13T08:00:00+00:00"
    for field in (
        "nature_of_breach",
        "categories_of_data",
        "categories_of_people",
        "likely_consequences",
        "measures_taken_or_proposed",
        "contact_point",
    ):
        assert draft[field]
    assert len(local.outbox()) == before
    [record] = [i for i in all_items(local) if i.get("item_type") == "incident"]
    assert "example.fr" not in json.dumps(record, default=str)


def test_c5_02_once_a_high_risk_is_confirmed_each_person_concerned_is_told(local):
    seed_weeks(local)
    before = len(local.outbox())

    result = local.api.request(
        "POST", "/v1/admin/incidents", json_body=incident(True), headers=OPERATOR
    ).json()

    notices = [e for e in local.outbox()[before:] if "sécurité de vos données" in e["subject"]]
    assert sorted(e["to"][0] for e in notices) == ["in1@example.fr", "in2@example.fr"]
    assert result["people_notified"] == 2


def test_an_incident_needs_an_operator_and_a_valid_window(local):
    assert local.api.request("POST", "/v1/admin/incidents", json_body=incident(False)).status == 403
    bad = {**incident(False), "window_end": "2026-03-01T00:00:00+00:00"}
    assert local.api.request("POST", "/v1/admin/incidents", json_body=bad, headers=OPERATOR).status == 422


def test_an_unbounded_or_future_window_is_refused_before_any_lookup(local):
    """Found by the fuzzer: a window of centuries made one request run a query per trade and month
    (over a million), holding the local stack for minutes; a window ending in year 9999 overflowed."""
    for window in (
        {"window_start": "0001-01-01T00:00:00+00:00", "window_end": "2026-03-01T00:00:00+00:00"},
        {"window_start": "2026-03-01T00:00:00+00:00", "window_end": "9999-12-31T23:59:59+00:00"},
        {"window_start": "2022-01-01T00:00:00+00:00", "window_end": "2026-03-01T00:00:00+00:00"},
    ):
        response = local.api.request(
            "POST", "/v1/admin/incidents", json_body={**incident(False), **window}, headers=OPERATOR
        )
        assert response.status == 422, window
        assert response.headers["Content-Type"] == "application/problem+json"
    assert not [i for i in all_items(local) if i.get("item_type") == "incident"]  # nothing recorded
