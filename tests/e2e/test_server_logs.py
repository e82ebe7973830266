"""C5-01 over HTTP: what the local servers logged during the e2e and browser tests of every
worker (function log records and request lines, tests/artifacts/server-log-*.txt) holds none of
the names, emails, phones or free texts those tests submitted (tests/artifacts/submitted-*.jsonl),
found the way the in-process suite finds them (tests/test_no_personal_data_in_logs.py)."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

import pytest

from tests.e2e.conftest import Client, server_logs, submitted_bodies
from tests.test_no_personal_data_in_logs import personal_values

# Submitted by this module too, so the log is known to hold request records carrying a person's data.
OWN = {
    "name": "Morgane Journalière",
    "email": "morgane.journaliere@example.org",
    "phone": "+33 6 12 34 56 78",
    "subject": "Journaux",
    "message": "Ce texte libre ne doit jamais apparaître dans un journal.",
}


def values_of(body: Any) -> set[str]:
    """A JSON body's personal values; for a raw email (bytes), its sender and text lines."""
    if not isinstance(body, bytes):
        return personal_values(body)
    message = email.message_from_bytes(body, policy=policy.default)
    assert isinstance(message, EmailMessage)
    name, address = parseaddr(str(message["From"]))
    part = message.get_body(preferencelist=("plain", "html"))
    lines = part.get_content().splitlines() if part is not None else []
    return personal_values(
        {"name": name, "email": address, "message": [{"message": x.strip()} for x in lines]}
    )


def logged_once(client: Client, marker: str) -> str:
    """Every server's log so far, once `marker` has been read from this server's pipe."""

    def logged() -> str | None:
        text = server_logs()
        return text if marker in text else None

    return client.wait_until(logged, f"{marker!r} in the server log")


@pytest.mark.after_all
def test_c5_01_the_local_servers_log_none_of_the_personal_data_the_e2e_tests_sent(server):
    client, _ = server
    status, accepted = client.call("POST", "/v1/contact-messages", OWN)
    assert status == 202

    logged = logged_once(client, accepted["message_id"])

    # Real log lines: the request line and the function's own record of this very request.
    assert "POST /v1/contact-messages -> 202" in logged
    assert '"message":"contact message stored"' in logged and '"function_request_id"' in logged
    values = set().union(*(values_of(body) for body in submitted_bodies()))
    assert {OWN["email"], OWN["name"], OWN["phone"], OWN["message"]} <= values
    leaked = sorted(value for value in values if value in logged)
    assert leaked == []
