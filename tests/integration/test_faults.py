"""Fault injection: throttling and conflicts answer 503 / 409 problem documents and write nothing."""

from __future__ import annotations

import json
from unittest import mock

from botocore.exceptions import ClientError

from tests.conftest import load_event
from tests.integration.seeds import all_items, listed_professional

QUOTE = json.loads(load_event("quote_requests/post_valid.json")["body"])
CONTACT = json.loads(load_event("contact_messages/post_valid.json")["body"])


def failing(code: str):
    def fail(*args, **kwargs):
        raise ClientError({"Error": {"Code": code, "Message": "injected"}}, "Operation")

    return fail


def patched_table_client(method: str, code: str):
    """Make one DynamoDB operation fail the way AWS would, for every client the functions use."""
    from jaqe.platform import aws

    real_table = aws.table

    def table(name):
        wrapped = real_table(name)
        client = wrapped.meta.client
        return mock.Mock(
            wraps=wrapped,
            meta=mock.Mock(client=mock.Mock(wraps=client, **{method: failing(code)})),
            **{method: failing(code)},
            name=wrapped.name,
        )

    return mock.patch.object(aws, "table", table)


def test_c5_01_throttling_answers_503_with_retry_after_and_writes_nothing(local):
    with patched_table_client("put_item", "ProvisionedThroughputExceededException"):
        response = local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)

    assert response.status == 503
    assert response.headers["Retry-After"] == "2"
    assert response.headers["Content-Type"] == "application/problem+json"
    assert all_items(local) == []
    assert local.outbox() == []


def test_a_write_conflict_answers_409_and_writes_nothing(local):
    with patched_table_client("put_item", "ConditionalCheckFailedException"):
        response = local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)

    assert response.status == 409
    assert all_items(local) == []


def test_a_quote_request_whose_transaction_fails_leaves_no_lead_and_no_consent(local):
    listed_professional(local, "p1")
    with patched_table_client("transact_write_items", "TransactionCanceledException"):
        response = local.api.request("POST", "/v1/quote-requests", json_body=QUOTE)

    assert response.status == 409
    assert sorted(i["item_type"] for i in all_items(local)) == ["listing_entry", "professional"]
    assert local.outbox() == []


def test_an_overlong_idempotency_key_is_refused_with_422_and_writes_nothing(local):
    response = local.api.request(
        "POST", "/v1/contact-messages", json_body=CONTACT, headers={"Idempotency-Key": "k" * 201}
    )
    assert response.status == 422
    assert all_items(local) == []
