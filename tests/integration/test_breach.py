"""Breach response (C5-02), through the operators' routes and the real breach ASL on moto:
the people concerned found from the data, the CNIL draft due 72 hours after awareness, the
operator's decision, Art. 34 notices in batches (each person told once), the CNIL submission."""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime
from typing import Any

import pytest
from jaqe.breach.workflow import BreachWorkflow
from jaqe.platform import clock
from jaqe.platform.errors import TemporarilyUnavailable
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import retention_fields

from jaqe_dev.stack import LocalStack
from jaqe_ops.cli import main
from tests.conftest import load_event
from tests.integration.seeds import all_items, table
from tests.integration.test_rights_ops_cli import local_transport, printed
from tests.waiting import wait_in

QUOTE = json.loads(load_event("quote_requests/post_valid.json")["body"])
OPERATOR = {"X-Local-Operator": "dpo"}
NOTICE_SUBJECT = "sécurité de vos données"
INCIDENTS = "/v1/admin/incidents"
# People in the large-incident test: 5 batches of 100 in CI, more than the Map runs at once (2);
# `make bench` measures a breach of 10,000 people (bench/growth.py).
# Three batches of 100: more than the breach Map tells at once (MaxConcurrency 2).
BREACH_PEOPLE = int(os.environ.get("BREACH_PEOPLE", "250"))
# States an incident does not leave by itself: waiting for another one is already lost.
TERMINAL = {"closed", "needs_operator"}


def quote_at(local: LocalStack, moment: datetime, email: str, trade: str = "plomberie") -> None:
    clock.freeze(moment)
    body = {
        **QUOTE,
        "contact": {**QUOTE["contact"], "email": email},
        "project": {**QUOTE["project"], "trade": trade},
    }
    assert local.api.request("POST", "/v1/quote-requests", json_body=body).status == 201


def incident(high_risk: bool = False, **changes: Any) -> dict[str, Any]:
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
        **changes,
    }


def seed_weeks(local: LocalStack) -> None:
    quote_at(local, datetime(2026, 3, 1, 12, tzinfo=UTC), "before@example.fr")
    quote_at(local, datetime(2026, 3, 3, 12, tzinfo=UTC), "in1@example.fr")
    quote_at(local, datetime(2026, 3, 7, 12, tzinfo=UTC), "in2@example.fr", trade="toiture")
    quote_at(local, datetime(2026, 3, 9, 12, tzinfo=UTC), "after@example.fr")
    clock.freeze(datetime(2026, 3, 10, 9, tzinfo=UTC))


def declare(local: LocalStack, body: dict[str, Any]) -> str:
    response = local.api.request("POST", INCIDENTS, json_body=body, headers=OPERATOR)
    assert response.status == 202, response.json()
    return str(response.json()["incident_id"])


def wait_for(local: LocalStack, incident_id: str, status: str) -> dict[str, Any]:
    def reached() -> dict[str, Any] | None:
        view: dict[str, Any] = local.api.request("GET", f"{INCIDENTS}/{incident_id}", headers=OPERATOR).json()
        assert view["status"] not in TERMINAL - {status}, (
            f"incident ended {view['status']}: {view['history']}"
        )
        return view if view["status"] == status else None

    return wait_in(local, reached, f"incident {incident_id} {status}")


def notices(local: LocalStack) -> list[str]:
    return sorted(e["to"][0] for e in local.outbox() if NOTICE_SUBJECT in e["subject"])


def test_c5_02_an_incident_on_one_week_of_leads_finds_exactly_those_people_and_drafts_the_cnil_notice(local):
    seed_weeks(local)

    incident_id = declare(local, incident())
    view = wait_for(local, incident_id, "awaiting_decision")

    assert view["people_concerned"] == 2 and view["records_concerned"] == 2
    draft = view["cnil_draft"]
    assert draft["notification_due_by"] == view["notification_due_by"] == "2026-03-13T08:00:00+00:00"
    for field in (
        "nature_of_breach",
        "categories_of_data",
        "categories_of_people",
        "approximate_number_of_people",
        "likely_consequences",
        "measures_taken_or_proposed",
        "contact_point",
    ):
        assert draft[field]
    assert notices(local) == []
    # Accountability without personal data: the record and its batches hold no address.
    records = [i for i in all_items(local) if str(i["pk"]).startswith("INCIDENT")]
    assert {r["item_type"] for r in records} >= {"incident", "incident_batch", "incident_decision"}
    assert "example.fr" not in json.dumps(records, default=str)
    [batch] = [r for r in records if r["item_type"] == "incident_batch"]
    assert sorted(p["subject_key"] for p in batch["people"]) == sorted(
        local.subject_key(e) for e in ("in1@example.fr", "in2@example.fr")
    )


def test_c5_02_the_cnil_draft_is_exported_for_the_online_form(local):
    seed_weeks(local)
    incident_id = declare(local, incident())
    wait_for(local, incident_id, "awaiting_decision")

    export = local.api.request("GET", f"{INCIDENTS}/{incident_id}/cnil-notification", headers=OPERATOR).json()

    assert export["notification_due_by"] == "2026-03-13T08:00:00+00:00"
    text = export["form_text"]
    for heading in ("Nature de la violation", "Conséquences probables", "Mesures prises ou envisagées"):
        assert f"## {heading}" in text
    assert "Nombre approximatif de personnes : 2" in text


def test_c5_02_once_the_operator_confirms_a_high_risk_each_person_concerned_is_told_once(local):
    seed_weeks(local)
    incident_id = declare(local, incident())
    wait_for(local, incident_id, "awaiting_decision")

    decided = local.api.request(
        "POST",
        f"{INCIDENTS}/{incident_id}/decision",
        json_body={"high_risk": True, "reason": "Coordonnées et projets exposés"},
        headers=OPERATOR,
    )

    assert decided.status == 202
    view = wait_for(local, incident_id, "closed")
    assert view["people_notified"] == 2 and view["decision"]["by"] == "dpo"
    assert notices(local) == ["in1@example.fr", "in2@example.fr"]
    again = local.api.request(
        "POST",
        f"{INCIDENTS}/{incident_id}/decision",
        json_body={"high_risk": True, "reason": "x"},
        headers=OPERATOR,
    )
    assert again.status == 409 and again.headers["Content-Type"] == "application/problem+json"


def test_c5_02_without_a_high_risk_the_incident_closes_and_nobody_is_emailed(local):
    seed_weeks(local)
    incident_id = declare(local, incident())
    wait_for(local, incident_id, "awaiting_decision")

    local.api.request(
        "POST",
        f"{INCIDENTS}/{incident_id}/decision",
        json_body={"high_risk": False, "reason": "Données chiffrées, clé non compromise (art. 34.3 a)"},
        headers=OPERATOR,
    )

    view = wait_for(local, incident_id, "closed")
    assert view["people_notified"] == 0 and view["decision"]["high_risk"] is False
    assert notices(local) == []


def seed_leads(local: LocalStack, count: int, day: str, who: str = "person") -> list[str]:
    """`count` quote requests received on `day`, written as the quote-request function writes them."""
    emails = []
    with table(local).batch_writer() as writer:
        for n in range(count):
            email = f"{who}{n:05d}@example.fr"
            created = f"{day}T10:{n // 60 % 60:02d}:{n % 60:02d}+00:00"
            clock.freeze(datetime.fromisoformat(created))
            writer.put_item(
                Item={
                    "pk": f"LEAD#{who}{n:05d}",
                    "sk": "LEAD",
                    "item_type": "lead",
                    "contact": {"email": email},
                    "received_at": created,
                    "segment": f"plomberie#{day[:7]}",
                    **retention_fields(PurposeId.QUOTE_MATCHING, f"key-{who}-{n:05d}"),
                }
            )
            emails.append(email)
    return emails


def test_c5_02_an_incident_touching_many_people_tells_each_of_them_once_in_batches(local):
    emails = seed_leads(local, BREACH_PEOPLE, "2026-03-04")
    outside = seed_leads(local, 3, "2026-03-20", who="later")
    clock.freeze(datetime(2026, 3, 10, 9, tzinfo=UTC))

    incident_id = declare(local, incident(high_risk=True))

    view = wait_for(local, incident_id, "closed")
    assert view["people_concerned"] == BREACH_PEOPLE and view["batches"] == math.ceil(BREACH_PEOPLE / 100)
    assert view["people_notified"] == BREACH_PEOPLE
    told = notices(local)
    assert told == sorted(emails)  # each once, nobody outside the window
    assert not set(told) & set(outside)


def test_c5_02_a_batch_that_fails_is_retried_and_goes_on_where_it_stopped(local, monkeypatch):
    seed_weeks(local)
    real_send, calls = OutboxMailer.send, []

    def flaky_send(self: OutboxMailer, email: Any) -> None:
        calls.append(email.to)
        if len(calls) == 2:  # the second notice fails once: the first one is saved as sent
            raise TemporarilyUnavailable("SQS indisponible")
        real_send(self, email)

    monkeypatch.setattr(OutboxMailer, "send", flaky_send)

    incident_id = declare(local, incident(high_risk=True))

    view = wait_for(local, incident_id, "closed")
    assert view["people_notified"] == 2
    assert notices(local) == ["in1@example.fr", "in2@example.fr"]
    assert len(calls) == 3


def test_c5_02_the_cnil_submission_is_recorded_and_a_late_one_needs_its_reasons(local):
    seed_weeks(local)
    incident_id = declare(local, incident())
    wait_for(local, incident_id, "awaiting_decision")
    pending = local.api.request("GET", INCIDENTS, headers=OPERATOR).json()["awaiting_cnil_notification"]
    assert [i["incident_id"] for i in pending] == [incident_id]
    path = f"{INCIDENTS}/{incident_id}/cnil-notification"
    late = {"submitted_at": "2026-03-14T09:00:00+00:00", "reference": "CNIL-2026-0042"}

    refused = local.api.request("POST", path, json_body=late, headers=OPERATOR)
    recorded = local.api.request(
        "POST",
        path,
        json_body={**late, "delay_reasons": "Périmètre établi le 13 mars au soir"},
        headers=OPERATOR,
    )

    assert refused.status == 422 and refused.headers["Content-Type"] == "application/problem+json"
    assert recorded.status == 200
    assert recorded.json()["cnil_submission"]["late"] is True
    assert local.api.request("GET", INCIDENTS, headers=OPERATOR).json()["awaiting_cnil_notification"] == []


def test_c5_02_the_hourly_check_counts_cnil_notifications_overdue_and_due_soon(local):
    seed_weeks(local)
    declare(local, incident())  # due 2026-03-13 08:00
    clock.freeze(datetime(2026, 3, 12, 9, tzinfo=UTC))
    assert local.lambdas.invoke_by_name("breach_workflow", {"step": "check_deadlines"}) == {
        "overdue": 0,
        "due_soon": 1,
    }
    clock.freeze(datetime(2026, 3, 13, 9, tzinfo=UTC))
    assert local.lambdas.invoke_by_name("breach_workflow", {"step": "check_deadlines"}) == {
        "overdue": 1,
        "due_soon": 0,
    }


def test_c5_02_people_whose_consent_was_recorded_in_the_window_are_found_through_the_consent_ledger(local):
    seed_weeks(local)

    incident_id = declare(local, incident(store="consents", purposes=["quote_matching"]))

    view = wait_for(local, incident_id, "awaiting_decision")
    assert view["people_concerned"] == 2


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        (INCIDENTS, incident(window_end="2026-03-01T00:00:00+00:00"), 422),
        (INCIDENTS, incident(purposes=["quote_matching_typo"]), 422),
        (INCIDENTS, incident(store="consents", purposes=["server_logs"]), 422),
        (f"{INCIDENTS}/inc_unknown123", None, 404),
        (f"{INCIDENTS}/inc_unknown123/decision", {"high_risk": True, "reason": "x"}, 404),
        (f"{INCIDENTS}/not-an-id", None, 422),
    ],
)
def test_bad_incident_requests_get_a_problem_and_change_nothing(local, path, body, status):
    method = "GET" if body is None else "POST"

    response = local.api.request(method, path, json_body=body, headers=OPERATOR)

    assert response.status == status and response.headers["Content-Type"] == "application/problem+json"
    assert not [i for i in all_items(local) if str(i["pk"]).startswith("INCIDENT")]


def test_an_unbounded_or_future_window_is_refused_before_any_lookup(local):
    """Found by the fuzzer: a window of centuries meant a query per trade and month (over a million),
    holding the local stack for minutes; a window ending in year 9999 overflowed."""
    for window in (
        {"window_start": "0001-01-01T00:00:00+00:00", "window_end": "2026-03-01T00:00:00+00:00"},
        {"window_start": "2026-03-01T00:00:00+00:00", "window_end": "9999-12-31T23:59:59+00:00"},
        {"window_start": "2022-01-01T00:00:00+00:00", "window_end": "2026-03-01T00:00:00+00:00"},
    ):
        response = local.api.request("POST", INCIDENTS, json_body=incident(**window), headers=OPERATOR)
        assert response.status == 422, window
        assert response.headers["Content-Type"] == "application/problem+json"
    assert not [i for i in all_items(local) if str(i["pk"]).startswith("INCIDENT")]  # nothing recorded


def test_only_operators_may_declare_an_incident(local):
    assert local.api.request("POST", INCIDENTS, json_body=incident()).status == 403


def test_c5_02_an_operator_runs_the_whole_breach_response_from_the_cli(local, tmp_path, capsys):
    seed_weeks(local)
    transport = local_transport(local, operator="dpo")
    declared = tmp_path / "incident.json"
    declared.write_text(json.dumps(incident()), encoding="utf-8")
    quick = ["--interval", "0.05"]

    assert main(["incident", "declare", "--file", str(declared), "--wait", *quick], transport) == 0
    view = printed(capsys)
    assert view["status"] == "awaiting_decision" and view["people_concerned"] == 2
    incident_id = view["incident_id"]
    draft = tmp_path / "cnil.md"
    assert main(["incident", "cnil-draft", incident_id, "--output", str(draft)], transport) == 0
    assert "## Nature de la violation" in draft.read_text(encoding="utf-8")
    decide = ["incident", "decide", incident_id, "--high-risk", "--reason", "Coordonnées exposées"]
    assert main([*decide, "--wait", *quick], transport) == 0
    assert printed(capsys)["people_notified"] == 2
    assert notices(local) == ["in1@example.fr", "in2@example.fr"]
    submitted = ["--submitted-at", "2026-03-12T10:00:00+00:00", "--reference", "CNIL-1"]
    assert main(["incident", "cnil-submitted", incident_id, *submitted], transport) == 0
    assert printed(capsys)["cnil_submission"]["late"] is False
    assert main(["incident", "list", "--json"], transport) == 0
    assert printed(capsys) == {"awaiting_cnil_notification": []}
    assert main(["incident", "show", "inc_unknown123"], transport) == 2


def test_c5_02_a_workflow_step_that_keeps_failing_leaves_the_incident_to_an_operator(local, monkeypatch):
    def broken(self: BreachWorkflow, incident_id: str) -> dict[str, Any]:
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(BreachWorkflow, "find_people", broken)
    seed_weeks(local)

    incident_id = declare(local, incident())

    view = wait_for(local, incident_id, "needs_operator")
    assert view["history"][-1]["error"] == "RuntimeError"
    assert notices(local) == []
