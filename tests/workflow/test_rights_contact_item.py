"""Personal data only where the subject index reaches (issue 17): the rights workflow's input, state
and history hold ids and the subject key; the requester's address and the type's fields live in the
request's contact item, read when a step needs them, so operators still act after AWS has dropped
the execution (90 days), and an erasure deletes that item once its answer is sent (C7-04)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from jaqe.platform import aws, clock
from jaqe.privacy.outbox import LIMITED_MAIL_WINDOW

from tests.workflow.seeds import PERSON, PROS, seed_person, seed_professionals

DESIGNATED = "alex.martin@example.fr"


def leaks(rights, names: list[str], values: list[str]) -> list[tuple[str, str]]:
    return [
        (where, value)
        for name in names
        for where, text in rights.execution_texts(name)
        for value in values
        if value in text
    ]


def test_c7_01_to_c7_08_no_execution_input_output_or_history_event_holds_the_address_or_what_was_asked(
    rights,
):
    """Every type through the real ASL on moto: the address, the corrections, the directives and the
    details appear in no execution input, output or history event (AWS cannot delete them)."""
    seed_professionals(rights)
    seed_person(rights)
    asked = {
        "restriction": {"details": "Je conteste l'exactitude de mes coordonnées."},
        "withdraw_consent": {"purposes": ["newsletter"]},
        "objection": {"purposes": ["similar_services_emails"]},
        "access": {},
        "portability": {},
        "post_mortem_directives": {
            "directives": {
                "on_death": "erase",
                "instructions": "Effacer toutes mes données au décès.",
                "designated_person": {"name": "Alex Martin", "email": DESIGNATED},
            }
        },
    }
    rectification = rights.rectification_awaiting_operator(  # first: it follows the first link sent
        PERSON["email"], {"last_name": "Durandal", "phone": "07 11 22 33 44"}
    )
    rights.admin(
        "POST", f"/v1/admin/rights-requests/{rectification}/decision", {"decision": "approve", "reason": "ok"}
    )
    assert rights.wait(rectification)["status"] == "SUCCEEDED"
    names = [rectification]
    for kind, fields in asked.items():
        clock.travel(LIMITED_MAIL_WINDOW)  # one verification email an hour: never held back by the limit
        request_id, execution = rights.run({"type": kind, "email": PERSON["email"], **fields})
        assert execution["status"] == "SUCCEEDED", (kind, rights.states(request_id))
        names.append(request_id)
    executed = rights.admin(
        "POST", "/v1/admin/rights-requests/post-mortem-executions", {"email": PERSON["email"]}
    )
    erasure = executed.json()["erasure_request_id"]
    assert rights.wait(erasure)["status"] == "SUCCEEDED", rights.states(erasure)
    names.append(erasure)

    personal = [
        PERSON["email"],
        DESIGNATED,
        "Durandal",
        "+33711223344",
        "Je conteste",
        "Effacer toutes mes données",
        "Alex Martin",
    ]
    assert leaks(rights, names, personal) == []
    # The erasure took the earlier requests' contact items, and its own once answered.
    assert not [i for i in rights.scan() if i.get("item_type") == "rights_request_contact"]
    # ... and yet each step found what it needed: the designated person got the post-mortem answer,
    # the professionals the corrected values (C4-06), the person every other answer.
    assert rights.wait_for_email(DESIGNATED, "Réponse à votre demande")
    for pro_email in PROS.values():
        [notice] = [e for e in rights.emails_to(pro_email) if "rectification" in e["subject"]]
        assert "Durandal" in notice["text"] and "+33711223344" in notice["text"]
    assert len(rights.emails_to(PERSON["email"])) >= len(asked) + 1


def test_c7_04_the_request_record_keeps_no_contact_data_and_an_erasure_deletes_its_contact_once_answered(
    rights,
):
    seed_person(rights)
    response = rights.submit({"type": "erasure", "email": PERSON["email"]})
    request_id = response.json()["request_id"]
    rights.wait_for_status(request_id, "awaiting_verification")
    contact = rights.table.get_item(Key={"pk": f"RIGHTS#{request_id}", "sk": "CONTACT"})["Item"]
    assert contact["email"] == PERSON["email"] and contact["purpose"] == "rights_requests"
    assert contact["subject_key"] == rights.subject_key(PERSON["email"]) and contact["expires_at"]
    assert PERSON["email"] not in str(rights.record(request_id))

    rights.confirm(rights.verification_link(PERSON["email"]))

    assert rights.wait(request_id)["status"] == "SUCCEEDED", rights.states(request_id)
    assert rights.wait_for_email(PERSON["email"], "Réponse à votre demande")
    assert "Item" not in rights.table.get_item(Key={"pk": f"RIGHTS#{request_id}", "sk": "CONTACT"})
    answered = next(h for h in rights.record(request_id)["history"] if h["step"] == "answered")
    assert answered["detail"]["contact_erased"] is True


class ExpiredExecutions:
    """AWS after 90 days: the executions' input and history are gone (describe/history fail)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        if name in ("describe_execution", "get_execution_history"):
            raise AssertionError(f"{name}: an execution's input is gone after 90 days")
        return getattr(self._client, name)


@pytest.fixture
def executions_expired(monkeypatch: pytest.MonkeyPatch):
    real = aws.client

    def client(service: str, region: str | None = None) -> Any:
        found = real(service, region)
        return ExpiredExecutions(found) if service == "stepfunctions" else found

    def expire() -> None:
        monkeypatch.setattr(aws, "client", client)

    return expire


def test_c7_05_operators_lift_resume_show_and_extend_after_120_days_from_the_contact_item_alone(
    rights, monkeypatch, executions_expired
):
    from jaqe.rights.workflow import RightsWorkflow

    seed_professionals(rights)
    seed_person(rights)
    restriction, execution = rights.run(
        {"type": "restriction", "email": PERSON["email"], "details": "Je conteste l'exactitude."}
    )
    assert execution["status"] == "SUCCEEDED"
    original = RightsWorkflow.act_objection
    monkeypatch.setattr(
        RightsWorkflow, "act_objection", lambda self, state: (_ for _ in ()).throw(RuntimeError("boom"))
    )
    failed, _ = rights.run({"type": "objection", "email": PERSON["email"]})
    assert rights.record(failed)["status"] == "needs_operator"
    monkeypatch.setattr(RightsWorkflow, "act_objection", original)

    clock.travel(timedelta(days=120))
    executions_expired()

    shown = rights.admin("GET", f"/v1/admin/rights-requests/{restriction}?reason=suivi")
    assert shown.status == 200 and shown.json()["asked"] == {"details": "Je conteste l'exactitude."}
    lifted = rights.admin(
        "POST", f"/v1/admin/rights-requests/{restriction}/lift-restriction", {"reason": "Données vérifiées"}
    )
    assert lifted.status == 200, lifted.body
    assert "Données vérifiées" in rights.wait_for_email(PERSON["email"], "Levée de la limitation")["text"]

    resumed = rights.admin("POST", f"/v1/admin/rights-requests/{failed}/resume")
    assert resumed.status == 202, resumed.body
    rights.wait_for_status(failed, "completed")
    assert rights.wait_for_email(PERSON["email"], "Réponse à votre demande", count=2)

    # An extension must come before the first due date (Art. 12(3)), so it is tried on a request of
    # the day: it too reads the address from the contact item, never from the execution.
    fresh = rights.submit({"type": "access", "email": PERSON["email"]}).json()["request_id"]
    rights.wait_for_status(fresh, "awaiting_verification")
    extended = rights.admin(
        "POST", f"/v1/admin/rights-requests/{fresh}/extension", {"months": 1, "reason": "Demande complexe"}
    )
    assert extended.status == 200, extended.body
    assert rights.wait_for_email(PERSON["email"], "délai prolongé")


def test_an_execution_started_before_contact_items_goes_on_and_stops_carrying_the_address(rights):
    """Deploy safety: an in-flight execution whose input still holds `email` and `params` has its
    contact item written by its next step, and the states after it no longer carry the address."""
    import json

    request_id = rights.submit({"type": "objection", "email": PERSON["email"]}).json()["request_id"]
    rights.wait_for_status(request_id, "awaiting_verification")
    rights.table.delete_item(Key={"pk": f"RIGHTS#{request_id}", "sk": "CONTACT"})  # as before the deploy
    legacy = {
        "request_id": request_id,
        "type": "objection",
        "email": PERSON["email"],
        "subject_key": rights.subject_key(PERSON["email"]),
        "channel": "web",
        "params": {"purposes": ["similar_services_emails"]},
        "verified": True,
    }
    rights.sfn.start_execution(
        stateMachineArn=rights.machine_arn, name=f"{request_id}-legacy", input=json.dumps(legacy)
    )

    assert rights.wait(f"{request_id}-legacy")["status"] == "SUCCEEDED", rights.states(f"{request_id}-legacy")
    assert rights.wait_for_email(PERSON["email"], "Réponse à votre demande")
    contact = rights.table.get_item(Key={"pk": f"RIGHTS#{request_id}", "sk": "CONTACT"})["Item"]
    assert contact["params"] == {"purposes": ["similar_services_emails"]}
    events = rights.execution_texts(f"{request_id}-legacy")
    exited = [text for where, text in events if "StateExited" in where]
    assert exited and all(PERSON["email"] not in text for text in exited)
