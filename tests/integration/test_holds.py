"""Holds through the real paths (handlers, the rights workflow, the reconciliation, the cascade) on
moto, with the clock travelling: held data outlives its retention period; lifted data goes at the
next reconciliation; documents carry an S3 legal hold while held."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from jaqe.platform import clock
from jaqe.privacy.periods import Period, add_period

from jaqe_dev.stack import LocalStack
from jaqe_ops.cli import main
from tests.conftest import load_event
from tests.integration.seeds import all_items, listed_professional
from tests.integration.test_professionals import (
    OPERATOR,
    REGISTRATION,
    bucket,
    insured_by_review,
    register,
    sign_in,
    uploaded,
)
from tests.integration.test_rights_ops_cli import local_transport, printed
from tests.workflow.conftest import rights  # noqa: F401 - fixture

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
QUOTE = json.loads(load_event("quote_requests/post_valid.json")["body"])
CONTACT = json.loads(load_event("contact_messages/post_valid.json")["body"])
CONSUMER = QUOTE["contact"]["email"]
HOLDS = "/v1/admin/holds"


def reconcile(local: LocalStack) -> dict:
    return local.lambdas.invoke_by_name("reconciliation", {})


def admin(local: LocalStack, method: str, path: str, body: dict | None = None):
    return local.api.request(method, path, json_body=body, headers=OPERATOR)


def place(local: LocalStack, email: str, reason: str = "Litige sur le chantier de mars") -> str:
    answer = admin(local, "POST", HOLDS, {"email": email, "reason": reason})
    assert answer.status == 201, answer.body
    return str(answer.json()["hold_id"])


def lift(local: LocalStack, hold_id: str, reason: str = "Litige clos"):
    return admin(local, "POST", f"{HOLDS}/{hold_id}/lift", {"reason": reason})


def of_type(local: LocalStack, item_type: str) -> list[dict]:
    return [i for i in all_items(local) if i.get("item_type") == item_type]


def quote_request(local: LocalStack) -> str:
    return str(local.api.request("POST", "/v1/quote-requests", json_body=QUOTE).json()["request_id"])


# -- a restriction for legal claims ----------------------------------------------------------------


def test_c7_05_c3_03_a_legal_claims_restriction_keeps_a_lead_past_three_years_and_lifting_lets_it_go(
    rights,  # noqa: F811
):
    local = rights.local
    listed_professional(local, "p1")
    clock.freeze(START)
    lead_id = quote_request(local)
    lead = local.store().get(f"LEAD#{lead_id}", "LEAD")
    expires_at = int(lead["expires_at"])

    request_id, execution = rights.run(
        {"type": "restriction", "email": CONSUMER, "grounds": "legal_claims", "details": "Litige en cours."}
    )

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    hold_id = rights.record(request_id)["hold_id"]
    held = local.store().get(f"LEAD#{lead_id}", "LEAD")
    # The expiry is set aside, not lost: out of TTL's and the expiry index's reach, the hold named.
    assert "expires_at" not in held and "expiry_day" not in held
    assert int(held["held_expires_at"]) == expires_at and held["holds"] == [hold_id]
    assert {d["holds"] == [hold_id] for d in of_type(local, "disclosure")} == {True}

    clock.freeze(add_period(START, Period(years=3, days=1)))
    reconcile(local)
    assert local.store().get(f"LEAD#{lead_id}", "LEAD") is not None  # past 3 years, still there
    assert of_type(local, "disclosure")

    clock.freeze(add_period(START, Period(years=3, days=2)))
    lifted = rights.admin(
        "POST", f"/v1/admin/rights-requests/{request_id}/lift-restriction", {"reason": "Litige clos"}
    )
    assert lifted.status == 200, lifted.body
    restored = local.store().get(f"LEAD#{lead_id}", "LEAD", include_expired=True)
    assert int(restored["expires_at"]) == expires_at and "holds" not in restored
    # Its period ran out during the hold: listed under today, where the next reconciliation looks.
    assert restored["expiry_day"] == clock.now().date().isoformat()

    report = reconcile(local)

    assert report["purged_by_purpose"]["quote_matching"] >= 2  # the lead and its disclosure
    assert not of_type(local, "lead") and not of_type(local, "disclosure")
    hold = local.store().get(f"HOLD#{hold_id}", "HOLD")
    assert hold["status"] == "lifted" and hold["lift_reason"] == "Litige clos"


def test_c7_05_grounds_other_than_legal_claims_restrict_without_a_hold_and_grounds_belong_to_restriction(
    rights,  # noqa: F811
):
    local = rights.local
    clock.freeze(START)
    lead_id = quote_request(local)

    request_id, execution = rights.run(
        {"type": "restriction", "email": CONSUMER, "grounds": "accuracy_contested"}
    )

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    assert "hold_id" not in rights.record(request_id)
    assert "holds" not in local.store().get(f"LEAD#{lead_id}", "LEAD")
    for body in (
        {"type": "access", "email": CONSUMER, "grounds": "legal_claims"},
        {"type": "restriction", "email": CONSUMER, "grounds": "because"},
    ):
        refused = rights.submit(body)
        assert refused.status == 422 and refused.headers["Content-Type"] == "application/problem+json"


# -- an operator's hold ----------------------------------------------------------------------------


def test_c3_07_an_operators_hold_keeps_a_pending_registration_and_its_documents_then_lifted_they_go(local):
    clock.freeze(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    email = REGISTRATION["contact"]["email"]
    pro_id = register(local)
    upload = uploaded(local, sign_in(local))
    key = f"professionals/{pro_id}/{upload['document_id']}"
    s3 = boto3.client("s3")

    hold_id = place(local, email)

    # The document's versions carry the legal hold: no lifecycle rule or delete can remove them.
    assert s3.head_object(Bucket=bucket(local), Key=key)["ObjectLockLegalHoldStatus"] == "ON"
    version = s3.list_object_versions(Bucket=bucket(local), Prefix=key)["Versions"][0]["VersionId"]
    refused = s3.delete_objects(
        Bucket=bucket(local), Delete={"Objects": [{"Key": key, "VersionId": version}], "Quiet": True}
    )
    assert refused["Errors"][0]["Code"] == "AccessDenied"
    scan = admin(
        local, "POST", "/v1/admin/privacy-scans", {"email": email, "reason": "Demande d'accès"}
    ).json()
    assert scan["held"]["objects_under_legal_hold"] == 1 and scan["held"]["items"] >= 2

    clock.freeze(datetime(2026, 12, 15, 9, 0, tzinfo=UTC))  # 30 days are long past
    assert reconcile(local)["items_purged"] == 0
    local.settle()
    assert local.store().get(f"PRO#{pro_id}", "PROFILE") is not None
    assert s3.head_object(Bucket=bucket(local), Key=key)

    assert lift(local, hold_id).status == 200
    assert s3.head_object(Bucket=bucket(local), Key=key)["ObjectLockLegalHoldStatus"] == "OFF"
    assert reconcile(local)["items_purged"] >= 2  # profile and document
    local.settle()

    assert not [i for i in all_items(local) if i["pk"] == f"PRO#{pro_id}"]
    assert s3.list_object_versions(Bucket=bucket(local), Prefix=key).get("Versions", []) == []


def test_a_registration_approved_during_a_hold_keeps_no_expiry_once_the_hold_is_lifted(local):
    """Approval makes the profile open-ended: the 30 days a hold set aside are not given back."""
    clock.freeze(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    pro_id = register(local)
    auth = sign_in(local)
    hold_id = place(local, REGISTRATION["contact"]["email"])
    doc_id = insured_by_review(local, pro_id, auth)
    approved = admin(local, "POST", f"/v1/admin/professionals/{pro_id}/approve")
    assert approved.status == 200, approved.body

    assert lift(local, hold_id).status == 200
    clock.freeze(datetime(2027, 1, 15, 9, 0, tzinfo=UTC))
    reconcile(local)
    local.settle()

    profile = local.store().get(f"PRO#{pro_id}", "PROFILE")
    assert profile["status"] == "approved" and "expires_at" not in profile
    assert "expires_at" not in local.store().get(f"PRO#{pro_id}", f"DOC#{doc_id}")


def test_c3_10_items_written_during_a_hold_are_held_and_a_second_hold_keeps_the_clock_stopped(local):
    clock.freeze(START)
    local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)
    first = place(local, CONTACT["email"])
    clock.freeze(add_period(START, Period(months=6)))
    local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)  # written while held
    [later] = [m for m in of_type(local, "contact_message") if "holds" not in m]

    report = reconcile(local)  # the reconciliation re-applies active holds before purging

    assert report["items_held"] >= 1
    assert local.store().get(later["pk"], later["sk"])["holds"] == [first]
    second = place(local, CONTACT["email"], "Deuxième litige")
    clock.freeze(add_period(START, Period(years=2)))  # both messages are past their year
    assert lift(local, first).status == 200
    reconcile(local)
    messages = of_type(local, "contact_message")
    assert len(messages) == 2 and {m["holds"] == [second] for m in messages} == {True}

    assert lift(local, second).status == 200
    reconcile(local)

    assert of_type(local, "contact_message") == []


def test_c3_03_a_held_lead_deleted_leaves_its_held_disclosures_to_the_cascade(local):
    listed_professional(local, "p1")
    lead_id = quote_request(local)
    place(local, CONSUMER)

    local.store().delete(f"LEAD#{lead_id}", "LEAD")  # as an erasure would
    local.settle()

    assert [d["pk"] for d in of_type(local, "disclosure")] == [f"LEAD#{lead_id}"]


# -- the routes ------------------------------------------------------------------------------------


def test_hold_routes_refuse_bad_input_and_change_nothing(local):
    listed_professional(local, "p1")
    quote_request(local)
    before = all_items(local)

    for body in (
        {"email": "pas-une-adresse", "reason": "Litige"},
        {"email": CONSUMER},
        {"email": CONSUMER, "reason": ""},
        {"email": CONSUMER, "reason": "Litige", "extra": 1},
    ):
        answer = admin(local, "POST", HOLDS, body)
        assert answer.status == 422, body
        assert answer.headers["Content-Type"] == "application/problem+json"
    unknown = lift(local, "hold_inconnu")
    assert unknown.status == 404 and unknown.headers["Content-Type"] == "application/problem+json"
    assert admin(local, "POST", f"{HOLDS}/hold_inconnu/lift", {}).status == 422
    assert local.api.request("POST", HOLDS, json_body={"email": CONSUMER, "reason": "x"}).status == 403

    assert all_items(local) == before


def test_holds_are_listed_while_active_and_lifting_twice_is_a_conflict(local):
    quote_request(local)
    hold_id = place(local, CONSUMER)
    other = place(local, CONTACT["email"], "Autre litige")

    listed = admin(local, "GET", HOLDS).json()["holds"]

    assert [h["hold_id"] for h in listed] == [hold_id, other]
    assert listed[0]["reason"] == "Litige sur le chantier de mars" and listed[0]["origin"] == "operator"
    assert listed[0]["placed_by"] == OPERATOR["X-Local-Operator"] and "email" not in listed[0]
    assert lift(local, hold_id).status == 200
    again = lift(local, hold_id)
    assert again.status == 409 and again.headers["Content-Type"] == "application/problem+json"
    assert [h["hold_id"] for h in admin(local, "GET", HOLDS).json()["holds"]] == [other]


def test_holds_show_in_the_privacy_scan_and_the_retention_report(local):
    listed_professional(local, "p1")
    quote_request(local)
    hold_id = place(local, CONSUMER)

    scan = admin(
        local, "POST", "/v1/admin/privacy-scans", {"email": CONSUMER, "reason": "Demande d'accès"}
    ).json()
    report = admin(local, "GET", "/v1/admin/retention-report").json()

    assert [h["hold_id"] for h in scan["holds"]] == [hold_id]
    assert scan["holds"][0]["reason"] and scan["holds"][0]["since"]
    assert scan["held"]["by_purpose"]["quote_matching"] >= 2  # the lead and its disclosure
    assert report["holds"]["active"] == 1 and report["holds"]["list"][0]["hold_id"] == hold_id
    assert report["holds"]["by_purpose"]["quote_matching"] >= 2


def test_c7_02_the_access_export_names_the_holds_with_reason_and_since(rights):  # noqa: F811
    local = rights.local
    quote_request(local)
    place(local, CONSUMER, "Litige sur le chantier de mars")

    request_id, execution = rights.run({"type": "access", "email": CONSUMER})

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    answer = rights.wait_for_email(CONSUMER, "Réponse à votre demande")
    [json_link] = [link for link in answer["links"] if "format=json" in link]
    [entry] = rights.get(json_link).json()["holds"]
    assert entry["reason"] == "Litige sur le chantier de mars" and entry["since"]


@pytest.fixture(autouse=True)
def _reset_clock():
    yield
    clock.reset()


def test_the_day_after_a_lift_the_reconciliation_still_finds_what_ran_out(local):
    """The watermark restarts at the day of each run: a lifted item listed under today is found
    by the next run even if a run already happened today."""
    clock.freeze(START)
    local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)
    hold_id = place(local, CONTACT["email"])
    clock.freeze(add_period(START, Period(years=1, days=10)))
    reconcile(local)  # today's run: nothing to purge, the watermark is today
    assert lift(local, hold_id).status == 200

    clock.travel(timedelta(days=1))
    assert reconcile(local)["purged_by_purpose"].get("contact_requests") == 1


# -- jaqe-ops hold ---------------------------------------------------------------------------------


def test_jaqe_ops_hold_place_list_and_lift(local, capsys):
    listed_professional(local, "p1")
    lead_id = quote_request(local)
    transport = local_transport(local)
    capsys.readouterr()

    assert main(["hold", "place", "--email", CONSUMER, "--reason", "Litige du 12 mars"], transport) == 0
    placed = printed(capsys)
    hold_id = placed["hold_id"]
    assert placed["status"] == "active" and placed["items"] >= 2 and "email" not in placed
    assert local.store().get(f"LEAD#{lead_id}", "LEAD")["holds"] == [hold_id]

    assert main(["hold", "list", "--json"], transport) == 0
    assert [h["hold_id"] for h in printed(capsys)["holds"]] == [hold_id]
    assert main(["hold", "list"], transport) == 0
    table = capsys.readouterr().out
    assert "1 active hold(s)" in table and hold_id in table and "Litige du 12 mars" in table
    assert main(["retention-report"], transport) == 0
    report = capsys.readouterr().out
    assert "Kept past retention by 1 active hold(s)" in report and "quote_matching" in report

    assert main(["hold", "lift", hold_id, "--reason", "Litige clos"], transport) == 0
    assert printed(capsys)["status"] == "lifted"
    assert "holds" not in local.store().get(f"LEAD#{lead_id}", "LEAD")
    assert main(["hold", "lift", hold_id, "--reason", "encore"], transport) == 1  # 409: its problem document
    assert printed(capsys)["status"] == 409
    assert main(["hold", "lift", "hold_inconnu", "--reason", "x"], transport) == 2
    assert "no hold hold_inconnu" in capsys.readouterr().err
    assert main(["hold", "place", "--email", "pas-une-adresse", "--reason", "x"], transport) == 1


def test_c7_04_an_erasure_during_a_hold_keeps_the_held_data_says_why_and_it_goes_once_lifted(
    rights,  # noqa: F811
):
    """Art. 17(3)(e): what a hold keeps for a legal claim is not erased while it runs; the erasure
    completes (login and everything unheld go), the answer names what is kept and why, and the lifting
    lets the kept data go at the next reconciliation, with no new request."""
    local = rights.local
    clock.freeze(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    email = REGISTRATION["contact"]["email"]
    pro_id = register(local)
    upload = uploaded(local, sign_in(local))
    key = f"professionals/{pro_id}/{upload['document_id']}"
    s3 = boto3.client("s3")
    hold_id = place(local, email)

    request_id, execution = rights.run({"type": "erasure", "email": email})

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    assert rights.record(request_id)["status"] == "completed"
    assert local.store().get(f"PRO#{pro_id}", "PROFILE", include_expired=True) is not None
    assert s3.head_object(Bucket=bucket(local), Key=key)["ObjectLockLegalHoldStatus"] == "ON"
    assert of_type(local, "legal_hold")  # the operator's record of the hold stays
    answer = " ".join(rights.wait_for_email(email, "Réponse à votre demande")["text"].split())
    assert "article 17.3.e du RGPD" in answer and "dès la levée de cette mesure" in answer

    assert lift(local, hold_id).status == 200
    reconcile(local)
    local.settle()
    reconcile(local)  # the documents whose professional is gone

    assert not [i for i in all_items(local) if i["pk"] == f"PRO#{pro_id}"]
    assert s3.list_object_versions(Bucket=bucket(local), Prefix=key).get("Versions", []) == []
