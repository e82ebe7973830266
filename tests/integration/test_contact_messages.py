"""POST /v1/contact-messages through the real handler, on moto provisioned from the template."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import boto3
import pytest
from jaqe.platform import clock
from jaqe.privacy.periods import Period, add_period
from jaqe.privacy.register import PurposeId

from tests.conftest import header, load_event

VALID = load_event("contact_messages/post_valid.json")
SUBMITTED = json.loads(VALID["body"])


def all_items(local: Any) -> list[dict[str, Any]]:
    # Tests may Scan: they read the whole table to prove what is (not) there.
    return boto3.resource("dynamodb").Table(local.data_table).scan()["Items"]


def items(local: Any) -> list[dict[str, Any]]:
    """Everything but the acknowledgement's mail-rate counter (one per address, for an hour)."""
    return [i for i in all_items(local) if i["item_type"] != "mail_rate"]


def invoke(local: Any, event: dict[str, Any]) -> dict[str, Any]:
    return local.lambdas.invoke_by_name("contact_messages", event)


def test_c2_03_c3_10_contact_message_is_stored_under_contact_purpose_with_its_retention(local):
    response = invoke(local, VALID)

    assert response["statusCode"] == 202
    message_id = json.loads(response["body"])["message_id"]
    [stored] = items(local)
    assert stored["pk"] == f"CONTACT#{message_id}"
    assert stored["purpose"] == PurposeId.CONTACT_REQUESTS.value
    assert stored["subject"] == SUBMITTED["subject"]
    assert stored["phone"] == "+33612345678"  # normalised to E.164
    assert len(stored["subject_key"]) == 64 and SUBMITTED["email"] not in stored["subject_key"]
    expected_expiry = add_period(clock.now(), Period(years=1)).timestamp()
    assert abs(int(stored["expires_at"]) - expected_expiry) < 5
    [counter] = [i for i in all_items(local) if i["item_type"] == "mail_rate"]
    assert counter["subject_key"] == stored["subject_key"] and SUBMITTED["email"] not in str(counter)
    assert abs(int(counter["expires_at"]) - (clock.now() + timedelta(hours=1)).timestamp()) < 5


def test_c1_01_acknowledgement_email_names_the_controller(local):
    invoke(local, VALID)

    [email] = local.outbox()
    assert email["to"] == [SUBMITTED["email"]]
    assert "Nous avons bien reçu votre message" in email["subject"]
    assert "JAQE SARL" in email["text"] and "883 536 195" in email["text"]
    assert "3 Place de Fontenoy" in email["text"]  # C7-10: where to complain
    assert "List-Unsubscribe" not in email["headers"]  # transactional mail


def test_invalid_fields_get_a_problem_document_naming_each_field_and_store_nothing(local):
    response = invoke(local, load_event("contact_messages/post_invalid_fields.json"))

    assert response["statusCode"] == 422
    assert header(response, "Content-Type") == "application/problem+json"
    problem = json.loads(response["body"])
    assert problem["type"].endswith("/validation-error")
    assert {e["field"] for e in problem["errors"]} == {"name", "email", "subject", "phone"}
    assert items(local) == []
    assert local.outbox() == []


def test_malformed_json_is_a_400_problem_and_stores_nothing(local):
    response = invoke(local, load_event("contact_messages/post_malformed_json.json"))

    assert response["statusCode"] == 400
    assert json.loads(response["body"])["type"].endswith("/malformed-json")
    assert items(local) == []


@pytest.mark.parametrize(
    "change",
    [{"unexpected": "field"}, {"message": "x" * 5001}, {"email": "a@b"}, {"phone": "+1 212 555 0100"}],
)
def test_each_bad_input_is_refused(local, change):
    response = local.api.request("POST", "/v1/contact-messages", json_body={**SUBMITTED, **change})

    assert response.status == 422
    assert items(local) == []


def test_a_retry_with_the_same_idempotency_key_returns_the_first_answer_without_a_second_record(local):
    event = load_event("contact_messages/post_valid_with_idempotency_key.json")

    first = invoke(local, event)
    second = invoke(local, event)

    assert first["statusCode"] == second["statusCode"] == 202
    assert json.loads(first["body"]) == json.loads(second["body"])
    assert len(items(local)) == 1
    assert len(local.outbox()) == 1


def test_an_idempotency_key_reused_for_another_payload_is_refused(local):
    headers = {"Idempotency-Key": "same-key"}
    local.api.request("POST", "/v1/contact-messages", json_body=SUBMITTED, headers=headers)

    other = local.api.request(
        "POST", "/v1/contact-messages", json_body={**SUBMITTED, "subject": "Autre sujet"}, headers=headers
    )

    assert other.status == 422
    assert len(items(local)) == 1


def test_logs_never_hold_the_submitted_personal_data(local, capsys, caplog):
    caplog.set_level(logging.INFO)  # the level functions run at when deployed
    invoke(local, VALID)
    invoke(local, load_event("contact_messages/post_invalid_fields.json"))

    logged = capsys.readouterr().out + capsys.readouterr().err + caplog.text
    assert "contact message stored" in logged  # the handler did log
    for value in (
        SUBMITTED["email"],
        SUBMITTED["name"],
        SUBMITTED["message"],
        "06 12 34 56 78",
        "+33612345678",
    ):
        assert value not in logged
