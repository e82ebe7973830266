"""Email to support@ / privacy@ through the receipt path: raw MIME in the bucket, the intake function,
the same rights workflow as the web form (C7-09)."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest

from jaqe_dev.server import LocalHandler
from jaqe_dev.stack import LocalStack
from tests.conftest import EVENTS
from tests.integration.seeds import all_items
from tests.waiting import wait_in

SAMPLES = EVENTS / "inbound_email"


def raw(name: str) -> bytes:
    return (SAMPLES / f"{name}.eml").read_bytes()


def wait_for_email(local: LocalStack, address: str) -> dict:
    found = wait_in(
        local, lambda: [e for e in local.outbox() if address in e["to"]], f"an email to {address}"
    )
    return found[0]


def requests_of(local: LocalStack) -> list[dict]:
    return [i for i in all_items(local) if i.get("item_type") == "rights_request"]


def test_c7_09_an_erasure_asked_by_email_starts_the_workflow_with_verification_to_the_sender(local):
    result = local.receive_email(raw("fr_erasure"))

    assert result == {"outcomes": ["rights_request"]}
    [request] = requests_of(local)
    assert request["request_type"] == "erasure"
    assert any(step["step"] == "received_by_email" for step in request["history"])
    verification = wait_for_email(local, "camille.exemple@example.fr")
    assert "/v1/rights-requests/verify?token=" in verification["text"]
    assert "camille" not in str(request).lower()  # the record holds the subject key only
    # The sender's address and what the email said are in the request's contact item (issue 17),
    # not in the workflow's input, which AWS keeps 90 days.
    [contact] = [i for i in all_items(local) if i.get("item_type") == "rights_request_contact"]
    assert contact["email"] == "camille.exemple@example.fr" and contact["params"]["details"]
    assert contact["subject_key"] == request["subject_key"] and contact["purpose"] == "rights_requests"
    sfn = boto3.client("stepfunctions")
    [logical] = [m for m in local.stack.of_type("AWS::StepFunctions::StateMachine") if m.startswith("Rights")]
    machine = local.provisioned.names[logical]
    [execution] = sfn.list_executions(stateMachineArn=machine)["executions"]
    started = sfn.describe_execution(executionArn=execution["executionArn"])["input"]
    assert "camille" not in started.lower() and contact["params"]["details"][:20] not in started


def test_c7_09_an_access_request_in_english_is_recognised(local):
    assert local.receive_email(raw("en_access")) == {"outcomes": ["rights_request"]}
    assert [r["request_type"] for r in requests_of(local)] == ["access"]
    wait_for_email(local, "sam@example.org")


def test_a_spam_verdict_failure_creates_nothing(local):
    assert local.receive_email(raw("spam"), spam="FAIL") == {"outcomes": ["dropped"]}
    assert [i for i in all_items(local) if i.get("item_type") in ("rights_request", "contact_message")] == []
    assert local.outbox() == []


def test_c7_09_an_unclear_request_is_acknowledged_at_once_and_kept_for_an_operator_to_qualify(local):
    assert local.receive_email(raw("fr_unclear")) == {"outcomes": ["triage"]}
    [request] = requests_of(local)
    assert request["needs_qualification"] is True and request["channel"] == "email"
    assert request["due_at"] > request["received_at"]
    # Acknowledged right away: the verification email goes to the sender (the workflow runs).
    acknowledgement = wait_for_email(local, "noa@example.fr")
    assert "/v1/rights-requests/verify?token=" in acknowledgement["text"]
    assert "droit à préciser" in acknowledgement["text"]  # the type was only guessed
    # Operators qualify from the contact item: the sender's address and the message (issue 17).
    [contact] = [i for i in all_items(local) if i.get("item_type") == "rights_request_contact"]
    assert contact["request_id"] == request["request_id"] and "@" in contact["email"]
    assert contact["params"]["details"] and contact["subject_key"] == request["subject_key"]


def test_a_clear_request_needing_fields_an_email_cannot_give_waits_for_qualification(local):
    assert local.receive_email(raw("fr_rectification_multipart")) == {"outcomes": ["triage"]}
    [request] = requests_of(local)
    assert request["request_type"] == "rectification" and request["needs_qualification"] is True


def test_a_message_not_about_data_rights_becomes_a_contact_message(local):
    assert local.receive_email(raw("fr_unrelated")) == {"outcomes": ["contact"]}
    [message] = [i for i in all_items(local) if i.get("item_type") == "contact_message"]
    assert message["channel"] == "email"


def subscribe(local: LocalStack, email: str) -> None:
    subscription = {"email": email, "policy_version": "2023-09"}
    local.api.request("POST", "/v1/newsletter/subscriptions", json_body=subscription)
    link = local.outbox()[0]["links"][0]
    local.api.request(
        "POST", link.split("jaqe.fr", 1)[1].split("?")[0], json_body={"token": link.split("token=")[1]}
    )
    assert newsletter_subscriptions(local)


def newsletter_subscriptions(local: LocalStack) -> list[dict]:
    return [i for i in all_items(local) if i.get("item_type") == "newsletter_subscription"]


def test_c3_09_an_unsubscribe_email_from_an_authenticated_sender_removes_the_subscription(local):
    subscribe(local, "lou@example.fr")

    assert local.receive_email(raw("fr_unsubscribe")) == {"outcomes": ["unsubscribe"]}

    assert not newsletter_subscriptions(local)


def test_c3_09_an_unsubscribe_email_nobody_vouches_for_sends_a_link_instead(local):
    """Anyone can write lou@'s address in From: without SPF/DKIM and DMARC, the address confirms."""
    subscribe(local, "lou@example.fr")

    assert local.receive_email(raw("fr_unsubscribe"), authenticated=False) == {
        "outcomes": ["unsubscribe_link"]
    }

    assert newsletter_subscriptions(local)  # nothing changed yet
    link = wait_in(
        local,
        lambda: [e for e in local.outbox() if "Confirmez votre désinscription" in e["subject"]],
        "the unsubscribe link",
    )[0]["links"][0]
    token = link.split("token=")[1]
    answer = local.api.request("POST", "/v1/newsletter/unsubscribe", json_body={"token": token})
    assert answer.status == 200, answer.body
    assert not newsletter_subscriptions(local)


def test_sample_receipt_events_are_well_formed():
    assert Path(SAMPLES / "receipt_spam_fail.json").exists()


MAIL = Path(__file__).resolve().parents[1] / "fixtures" / "mail"


@contextmanager
def local_server(local: LocalStack) -> Iterator[str]:
    """jaqe_dev.server's handler in this process, on the test's local stack (no `make dev` process)."""

    class Handler(LocalHandler):
        stack = local

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_address[1]}"
    finally:
        http.shutdown()
        http.server_close()


def test_the_local_inbound_endpoint_takes_raw_bytes_as_ses_stores_them(local):
    raw_mail = (MAIL / "unknown_charset.eml").read_bytes()  # Latin-1 bytes under an unknown charset
    with pytest.raises(UnicodeDecodeError):
        raw_mail.decode()
    with local_server(local) as base:
        posted = urllib.request.Request(  # noqa: S310 - loopback
            f"{base}/_local/inbound-email", data=raw_mail, headers={"Content-Type": "message/rfc822"}
        )
        with urllib.request.urlopen(posted) as answer:  # noqa: S310
            assert (answer.status, json.loads(answer.read())) == (200, {"outcomes": ["triage"]})
    [request] = requests_of(local)
    assert request["request_type"] == "objection"
    [contact] = [i for i in all_items(local) if i.get("item_type") == "rights_request_contact"]
    assert "traitement de mes données à des fins de prospection" in contact["params"]["details"]


def test_c7_09_malformed_mail_is_kept_flagged_for_an_operator_with_its_deadline_running(local):
    """Real-world breakage never crashes the intake: what could be read becomes a request an operator
    qualifies (or a contact message); only a bounce with no sender at all is dropped."""
    no_from = (
        (MAIL / "broken_date.eml")
        .read_bytes()
        .replace(b"From: Lea Petit <lea.petit@example.fr>", b"Return-Path: <lea.petit@example.fr>")
    )
    expected = {
        "broken_date.eml": "triage",  # a Date that is not a date
        "unknown_charset.eml": "triage",
        "latin1_8bit.eml": "triage",  # raw 8-bit headers
        "not_utf8_in_utf8_part.eml": "triage",
        "outlook_html_tnef.eml": "rights_request",
        "broken_base64_attachment.eml": "rights_request",
        "cp1252_qp.eml": "contact",
        "bounce_no_from.eml": "dropped",  # Return-Path <>: nobody to answer
    }
    for name, outcome in expected.items():
        assert local.receive_email((MAIL / name).read_bytes()) == {"outcomes": [outcome]}, name
    assert local.receive_email(no_from) == {"outcomes": ["triage"]}

    requests = requests_of(local)
    assert len(requests) == 7  # one per message but the contact message and the bounce
    flagged = {
        tuple(step["detail"]["unreadable"])
        for r in requests
        for step in r["history"]
        if step["step"] == "received_by_email"
    }
    assert flagged == {(), ("date",), ("charset",), ("undecodable_bytes",), ("from", "date")}
    assert all(r["due_at"] > r["received_at"] for r in requests)
    assert sum(bool(r.get("needs_qualification")) for r in requests) == 5
