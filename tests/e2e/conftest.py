"""The local server (`make dev`) as a subprocess on a free port, shared by the e2e tests."""

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
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from infra.app import ROOT

# What the session's local servers printed (every server the e2e tests start, in order), and
# every body the tests sent them: tests/e2e/test_server_logs.py checks one against the other.
SERVER_LOG: list[str] = []
SUBMITTED: list[Any] = []


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
        data = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else None
        if body is not None:
            SUBMITTED.append(body)
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


def follow_log(process: subprocess.Popen[str]) -> None:
    """Once the server has printed its banner (demo logins), keep reading what it logs into
    SERVER_LOG; reading also keeps a full pipe from blocking the server."""
    threading.Thread(target=lambda: SERVER_LOG.extend(process.stdout or []), daemon=True).start()


@contextmanager
def running_server() -> Iterator[tuple[Client, subprocess.Popen[str]]]:
    port = free_port()
    process = start_server(port)
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if f"http://127.0.0.1:{port}" in line:
            break
        if time.monotonic() > deadline:
            break
    follow_log(process)
    try:
        yield Client(f"http://127.0.0.1:{port}"), process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)


@pytest.fixture(scope="session")
def server(cdk_out: Path) -> Iterator[tuple[Client, subprocess.Popen[str]]]:
    with running_server() as running:
        yield running
