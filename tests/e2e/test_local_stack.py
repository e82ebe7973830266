"""`make dev` as a newcomer uses it: the local server over HTTP, emails in /_local/outbox."""

from __future__ import annotations

import signal
from typing import Any

from tests.e2e.conftest import Client, free_port, start_server


def outbox(client: Client) -> list[dict[str, Any]]:
    return list(client.call("GET", "/_local/outbox")[1])


def test_contact_message_round_trip_and_outbox(server):
    client, _ = server
    status, body = client.call(
        "POST",
        "/v1/contact-messages",
        {
            "name": "Dominique Essai",
            "email": "dominique.essai@example.org",
            "subject": "Bonjour",
            "message": "Un test.",
        },
    )
    assert status == 202 and body["message_id"].startswith("msg_")

    status, outbox = client.call("GET", "/_local/outbox")
    assert status == 200
    assert any(e["to"] == ["dominique.essai@example.org"] and body["message_id"] in e["text"] for e in outbox)


def test_bad_payload_is_a_422_problem_document(server):
    client, _ = server
    status, problem = client.call("POST", "/v1/contact-messages", {"email": "nope"})
    assert status == 422
    assert {"name", "email", "subject", "message"} <= {e["field"] for e in problem["errors"]}


def test_clock_travel(server):
    client, _ = server
    _, before = client.call("GET", "/_local/clock")
    status, after = client.call("POST", "/_local/clock", {"advance_days": 10})
    assert status == 200 and after["offset_days"] == before["offset_days"] + 10
    client.call("POST", "/_local/clock", {"advance_days": -10})


def test_a_port_in_use_gives_a_clear_message(server):
    client, _ = server
    port = int(client.base.rsplit(":", 1)[1])
    second = start_server(port)
    output, _ = second.communicate(timeout=60)
    assert second.returncode != 0
    assert f"Port {port} is already in use" in output


def test_ctrl_c_stops_cleanly(cdk_out):
    port = free_port()
    process = start_server(port)
    assert process.stdout is not None
    for line in process.stdout:
        if "Stop with Ctrl-C" in line:
            break
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0


def test_c7_09_emails_posted_to_the_local_inbound_endpoint_become_rights_requests(server):
    from tests.conftest import EVENTS

    client, _ = server
    for sample, sender in (("fr_erasure", "camille.exemple@example.fr"), ("en_access", "sam@example.org")):
        raw = (EVENTS / "inbound_email" / f"{sample}.eml").read_bytes()
        status, answer = client.call("POST", "/_local/inbound-email", raw, {"Content-Type": "message/rfc822"})
        assert status == 200 and answer == {"outcomes": ["rights_request"]}
        client.wait_until(
            lambda to=sender: any(to in e["to"] and "/verify?token=" in e["text"] for e in outbox(client)),
            f"a verification email to {sender}",
        )
