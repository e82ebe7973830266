"""`make dev` over HTTP against hostile requests: each gets a 4xx problem document on an open
connection (no crash, no reset), as API Gateway and Lambda would answer, and nothing is stored."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from jaqe.platform.api import MAX_BODY_BYTES

from tests.e2e.conftest import Client, record_submitted

MARKER = "hostile.e2e@example.fr"
VALID = {
    "name": "Hostile Essai",
    "email": MARKER,
    "subject": "Essai",
    "message": "Un message ordinaire.",
}


def send(client: Client, body: bytes, content_type: str = "application/json") -> tuple[int, str, Any]:
    """POST /v1/contact-messages on a fresh connection: (status, content type, JSON answer)."""
    address = urlsplit(client.base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request("POST", "/v1/contact-messages", body=body, headers={"Content-Type": content_type})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", json.loads(response.read())
    finally:
        connection.close()


HOSTILE = {
    "3,000 nested brackets": (b"[" * 3000, "application/json", 400, "json-too-deep"),
    "text/plain": (json.dumps(VALID).encode(), "text/plain", 415, "unsupported-media-type"),
    "CR/LF in a name": (
        json.dumps({**VALID, "name": "Hostile\r\nBcc: victime@example.fr"}).encode(),
        "application/json",
        422,
        "validation-error",
    ),
    "300,000 unknown keys": (
        json.dumps({**VALID, **{f"k{i}": 1 for i in range(300_000)}}).encode(),
        "application/json",
        413,
        "payload-too-large",
    ),
    "over the body limit": (
        json.dumps({**VALID, "message": "x" * MAX_BODY_BYTES}).encode(),
        "application/json",
        413,
        "payload-too-large",
    ),
    # Past API Gateway's own 10 MB: answered without reaching a function, the body read through.
    "over API Gateway's 10 MB": (b"[" * (11 * 1024 * 1024), "application/json", 413, "payload-too-large"),
    "bytes that are not UTF-8": (b'{"name": "\xff\xfe"}', "application/json", 422, "validation-error"),
}


@pytest.mark.parametrize("shape", list(HOSTILE))
def test_a_hostile_request_gets_a_4xx_problem_document(server, shape):
    client, _ = server
    body, content_type, status, slug = HOSTILE[shape]

    answer = send(client, body, content_type)

    assert answer[:2] == (status, "application/problem+json"), answer
    assert answer[2]["type"] == f"https://jaqe.fr/problems/{slug}"


def test_after_the_hostile_requests_nothing_was_stored_or_sent(server):
    client, _ = server
    for body, content_type, _, _ in HOSTILE.values():
        send(client, body, content_type)
    status, where = client.call("GET", "/_local/aws")
    assert status == 200
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=where["endpoint_url"],
        region_name=where["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    items = [
        item
        for page in dynamodb.get_paginator("scan").paginate(TableName="jaqe-data")
        for item in page["Items"]
    ]
    assert items and not [item for item in items if "Hostile" in json.dumps(item)]
    _, outbox = client.call("GET", "/_local/outbox")
    assert not [email for email in outbox if MARKER in email["to"]]
    # And the server still serves (its log is checked for this body's personal data after all tests).
    record_submitted(VALID)
    assert send(client, json.dumps(VALID).encode())[0] == 202
