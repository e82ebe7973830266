"""Deadlines and operators: due dates, extension with the reason told before the first due date,
the daily due-soon / overdue check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jaqe.platform import clock

from tests.workflow.conftest import OPERATOR, rights  # noqa: F401 - fixture

EMAIL = "dominique@example.fr"


def test_c7_02_a_request_received_on_31_january_is_due_at_the_end_of_february(rights):  # noqa: F811
    clock.freeze(datetime(2027, 1, 31, 9, 30, tzinfo=UTC))

    accepted = rights.submit({"type": "access", "email": EMAIL}).json()

    assert accepted["due_at"].startswith("2027-02-28T09:30")
    assert rights.record(accepted["request_id"])["due_at"].startswith("2027-02-28")


def test_an_operator_extends_by_two_months_and_the_person_is_told_why_before_the_first_due_date(rights):  # noqa: F811
    clock.freeze(datetime(2027, 1, 31, 9, 30, tzinfo=UTC))
    request_id = rights.submit({"type": "access", "email": EMAIL}).json()["request_id"]
    rights.wait_for_status(request_id, "awaiting_verification")
    clock.travel(timedelta(days=20))

    extended = rights.admin(
        "POST",
        f"/v1/admin/rights-requests/{request_id}/extension",
        {"months": 2, "reason": "Demande complexe portant sur plusieurs années de données"},
    )

    assert extended.status == 200, extended.body
    assert extended.json()["due_at"].startswith("2027-04-30")
    notice = rights.wait_for_email(EMAIL, "délai prolongé")
    assert "plusieurs années de données" in notice["text"] and "2027-04-30" in notice["text"]
    assert "3 Place de Fontenoy" in notice["text"]
    more = rights.admin(
        "POST", f"/v1/admin/rights-requests/{request_id}/extension", {"months": 1, "reason": "encore"}
    )
    assert more.status == 409  # at most two months in all
    shown = rights.admin("GET", f"/v1/admin/rights-requests/{request_id}?reason=suivi").json()
    assert (
        shown["extension_months"] == 2
        and next(h for h in shown["history"] if h["step"] == "extended")["detail"]["operator"] == "alice"
    )
    # The read is filed in the access trail under the person's subject key, with its reason.
    with rights.local.environment_of("admin_rights"):
        from jaqe.privacy.access_trail import AccessTrail

        trail = AccessTrail().by_subject(rights.local.subject_key(EMAIL))
    assert ("GET", "suivi") in {(e["method"], e["reason"]) for e in trail}


def test_an_extension_after_the_first_due_date_is_refused(rights):  # noqa: F811
    clock.freeze(datetime(2027, 1, 31, 9, 30, tzinfo=UTC))
    request_id = rights.submit({"type": "access", "email": EMAIL}).json()["request_id"]
    rights.wait_for_status(request_id, "awaiting_verification")
    clock.travel(timedelta(days=29))

    late = rights.admin(
        "POST", f"/v1/admin/rights-requests/{request_id}/extension", {"months": 1, "reason": "trop tard"}
    )

    assert late.status == 409


def test_requests_due_within_7_days_and_overdue_are_listed_and_counted_for_the_alarm(rights):  # noqa: F811
    clock.freeze(datetime(2027, 1, 31, 9, 30, tzinfo=UTC))
    first = rights.submit({"type": "access", "email": EMAIL}).json()["request_id"]
    clock.freeze(datetime(2027, 2, 20, 9, 30, tzinfo=UTC))
    second = rights.submit({"type": "objection", "email": "autre@example.fr"}).json()["request_id"]
    rights.wait_for_status(second, "awaiting_verification")

    clock.freeze(datetime(2027, 2, 23, 12, 0, tzinfo=UTC))
    report = rights.local.lambdas.invoke_by_name("rights_deadlines", {"source": "aws.events"})
    assert (report["overdue_count"], report["due_soon_count"]) == (0, 1)
    assert [r["request_id"] for r in report["due_soon"]] == [first]

    clock.freeze(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    listed = rights.admin("GET", "/v1/admin/rights-requests/deadlines").json()
    assert [r["request_id"] for r in listed["overdue"]] == [first]
    assert listed["due_soon"] == []
    soon = rights.admin("GET", "/v1/admin/rights-requests?due_within_days=30").json()["requests"]
    assert [r["request_id"] for r in soon] == [first, second]  # by due date
