"""`make dev` as a newcomer uses it: the local server over HTTP, emails in /_local/outbox."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.app import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Client:
    def __init__(self, base: str) -> None:
        self.base = base

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - loopback only
            self.base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


def start_server(port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.Popen(
        [sys.executable, "-m", "jaqe_dev.server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture(scope="module")
def server(cdk_out: Path) -> Iterator[tuple[Client, subprocess.Popen[str]]]:
    port = free_port()
    process = start_server(port)
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if f"http://127.0.0.1:{port}" in line:
            break
        if time.monotonic() > deadline:
            break
    # Keep reading the server's log, or a full pipe would block it after many requests.
    threading.Thread(target=process.stdout.readlines, daemon=True).start()
    yield Client(f"http://127.0.0.1:{port}"), process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


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
