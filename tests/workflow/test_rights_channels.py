"""Every way a person asks reaches an answer (issue 18): emailed requests acknowledged at once and
qualified or closed by an operator, requests received by post or phone, duplicates answered with
the first. The real ASL runs on moto; the operators' routes are called as IAM principals."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from jaqe.platform import clock
from jaqe.privacy.periods import add_months

from tests.conftest import EVENTS
from tests.workflow.conftest import Rights
from tests.workflow.seeds import PERSON, seed_person

UNCLEAR_SENDER = "noa@example.fr"  # events/inbound_email/fr_unclear.eml
ADMIN = "/v1/admin/rights-requests"


def emailed_unclear_request(rights: Rights) -> str:
    assert rights.local.receive_email((EVENTS / "inbound_email" / "fr_unclear.eml").read_bytes()) == {
        "outcomes": ["triage"]
    }
    [request_id] = [
        r["request_id"] for r in rights.admin("GET", ADMIN).json()["requests"] if r.get("needs_qualification")
    ]
    return str(request_id)


def follow(rights: Rights, link: str) -> None:
    """The person opens the verification link and confirms."""
    answer = rights.confirm(link)
    assert answer.status == 200, answer.body


def test_c7_09_an_unclear_email_is_qualified_by_an_operator_and_answered_by_its_first_due_date(rights):
    seed_person(rights)
    request_id = emailed_unclear_request(rights)
    first_due = rights.record(request_id)["due_at"]
    acknowledgement = rights.wait_for_email(UNCLEAR_SENDER, "Confirmez")
    assert f"/v1/rights-requests/{request_id}?token=" in acknowledgement["text"]  # the status link

    follow(rights, rights.verification_link(UNCLEAR_SENDER))
    rights.wait_for_status(request_id, "awaiting_operator")  # verified, waiting to be qualified
    qualified = rights.admin("POST", f"{ADMIN}/{request_id}/qualify", {"type": "erasure"})

    assert qualified.status == 202, qualified.body
    assert rights.wait(request_id)["status"] == "SUCCEEDED"
    record = rights.record(request_id)
    assert record["status"] == "completed" and record["request_type"] == "erasure"
    assert record["due_at"] == first_due and "needs_qualification" not in record
    assert "AwaitQualification" in rights.states(request_id)
    assert rights.wait_for_email(UNCLEAR_SENDER, "Réponse à votre demande")


def test_c7_09_a_request_qualified_before_its_verification_goes_straight_to_its_type(rights):
    request_id = emailed_unclear_request(rights)
    fields = {"type": "withdraw_consent", "purposes": ["newsletter"]}

    extension = {"months": 1, "reason": "Message à préciser avec vous"}
    assert rights.admin("POST", f"{ADMIN}/{request_id}/extension", extension).status == 200
    assert rights.admin("POST", f"{ADMIN}/{request_id}/qualify", fields).status == 202
    follow(rights, rights.verification_link(UNCLEAR_SENDER))

    assert rights.wait(request_id)["status"] == "SUCCEEDED"
    assert "AwaitQualification" not in rights.states(request_id)
    assert rights.admin("GET", f"{ADMIN}/{request_id}?reason=qualification").json()["asked"]["purposes"] == [
        "newsletter"
    ]


def test_qualifying_checks_the_type_fields_and_only_applies_to_requests_to_qualify(rights):
    request_id = emailed_unclear_request(rights)

    missing = rights.admin("POST", f"{ADMIN}/{request_id}/qualify", {"type": "rectification"})
    assert missing.status == 422 and missing.headers["Content-Type"] == "application/problem+json"
    assert rights.record(request_id)["needs_qualification"] is True  # nothing changed
    assert rights.admin("POST", f"{ADMIN}/{request_id}/qualify", {"type": "access"}).status == 202
    again = rights.admin("POST", f"{ADMIN}/{request_id}/qualify", {"type": "access"})
    assert again.status == 409
    assert (
        rights.admin("POST", f"{ADMIN}/{request_id}/qualify", {"type": "access"}, caller=None).status == 403
    )


def test_c7_09_an_operator_closes_an_email_that_is_not_a_rights_request_and_answers_it(rights):
    request_id = emailed_unclear_request(rights)
    link = rights.verification_link(UNCLEAR_SENDER)
    body = {"reason": "Question sur un devis", "answer": "Votre devis a bien été transmis au plombier."}

    closed = rights.admin("POST", f"{ADMIN}/{request_id}/close", body)

    assert closed.status == 200, closed.body
    assert rights.record(request_id)["status"] == "closed"
    assert rights.wait(request_id)["status"] == "SUCCEEDED"  # the wait ended, nothing else ran
    assert rights.states(request_id)[-2:] == ["AwaitVerification", "Done"]
    answer = rights.wait_for_email(UNCLEAR_SENDER, "Réponse à votre message")
    assert "Votre devis a bien été transmis" in answer["text"]
    assert rights.confirm(link).status == 410  # a late click does nothing
    assert rights.admin("POST", f"{ADMIN}/{request_id}/close", body).status == 409


def test_c7_09_a_request_received_by_post_runs_with_its_deadline_from_the_day_it_was_received(rights):
    seed_person(rights)
    received_on = (clock.now() - timedelta(days=10)).date()
    body = {
        "type": "access",
        "email": PERSON["email"],
        "channel": "post",
        "received_on": received_on.isoformat(),
    }

    registered = rights.admin("POST", ADMIN, body)

    assert registered.status == 202, registered.body
    answer = registered.json()
    assert set(answer) >= {"request_id", "status", "due_at"}
    received_at = datetime.combine(received_on, time(0), tzinfo=UTC)
    assert answer["due_at"] == add_months(received_at, 1).isoformat()
    record = rights.record(answer["request_id"])
    assert record["channel"] == "post" and record["received_at"][:10] == received_on.isoformat()
    follow(rights, rights.verification_link(PERSON["email"]))
    assert rights.wait(answer["request_id"])["status"] == "SUCCEEDED"

    future = {**body, "received_on": (clock.now() + timedelta(days=2)).date().isoformat()}
    assert rights.admin("POST", ADMIN, future).status == 422
    assert rights.admin("POST", ADMIN, {**body, "channel": "fax"}).status == 422
    assert rights.admin("POST", ADMIN, body, caller=None).status == 403


def test_a_second_open_request_asking_the_same_is_answered_with_the_first(rights):
    seed_person(rights)
    first = rights.rectification_awaiting_operator(PERSON["email"])
    same = {"type": "rectification", "email": PERSON["email"], "corrections": {"first_name": "Camilla"}}
    second = rights.submit(same).json()["request_id"]
    follow(rights, rights.verification_link(PERSON["email"], count=2))

    assert rights.wait(second)["status"] == "SUCCEEDED"
    linked = rights.record(second)
    assert linked["status"] == "linked" and linked["linked_to"] == first
    assert "ByType" not in rights.states(second)  # not run twice
    # Other corrections are another request: it runs on its own.
    other = rights.submit({**same, "corrections": {"last_name": "Martin"}}).json()["request_id"]
    follow(rights, rights.verification_link(PERSON["email"], count=3))
    rights.wait_for_status(other, "awaiting_operator")

    rights.admin("POST", f"{ADMIN}/{first}/decision", {"decision": "approve", "reason": "Vérifié"})

    assert rights.wait(first)["status"] == "SUCCEEDED"
    assert rights.record(first)["status"] == "completed"
    answered = rights.record(second)
    assert answered["status"] == "completed"
    assert answered["history"][-1]["step"] == "answered_with"
    assert rights.record(other)["status"] == "awaiting_operator"
