"""The local server (`make dev`) as a subprocess on a free port, shared by the e2e tests."""

from __future__ import annotations

import base64
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from infra.app import ROOT
from tests.conftest import ARTIFACTS
from tests.waiting import wait_until

T = TypeVar("T")

# What the session's local servers printed, and every body the tests sent them, kept in this
# worker's files (tests/artifacts): tests/e2e/test_server_logs.py, which runs after every other
# test, checks the servers' output of every worker against the bodies of every worker.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
SERVER_LOG = ARTIFACTS / f"server-log-{WORKER}.txt"
SUBMITTED = ARTIFACTS / f"submitted-{WORKER}.jsonl"
_written = threading.Lock()


def record_submitted(body: Any) -> None:
    line = {"bytes": base64.b64encode(body).decode()} if isinstance(body, bytes) else {"json": body}
    with _written, SUBMITTED.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def submitted_bodies() -> list[Any]:
    """What the e2e tests of every worker submitted (raw emails as bytes)."""
    bodies: list[Any] = []
    for path in ARTIFACTS.glob("submitted-*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            bodies.append(base64.b64decode(entry["bytes"]) if "bytes" in entry else entry["json"])
    return bodies


def server_logs() -> str:
    """What every local server of every worker printed so far."""
    return "".join(path.read_text(encoding="utf-8") for path in sorted(ARTIFACTS.glob("server-log-*.txt")))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Client:
    def __init__(self, base: str, process: subprocess.Popen[str] | None = None) -> None:
        self.base = base
        self.process = process

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        data = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else None
        if body is not None:
            record_submitted(body)
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

    def wait_until(self, check: Callable[[], T], what: str) -> T:
        """`check()`'s first truthy result, as long as the server's workflows, streams and queues
        make progress (tests/waiting.py); a stall fails with the server's threads' stacks."""
        return wait_until(
            check,
            what=what,
            progress=lambda: self.call("GET", "/_local/progress")[1],
            wait=lambda seconds: self.call("GET", f"/_local/progress?wait={seconds}"),
            stacks=self.server_stacks,
        )

    def server_stacks(self) -> str:
        """The server's threads, as `kill -USR1` makes it print them (jaqe_dev/server.py)."""
        if self.process is None:
            return "(no server process to ask)"
        before = len(server_logs())
        self.process.send_signal(signal.SIGUSR1)
        time.sleep(1)  # the dump goes through the server's pipe, read by follow_log
        return server_logs()[before:]


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
    """Once the server has printed its banner (the demo logins: help for a developer, not a log
    line), keep what it logs in this worker's SERVER_LOG file; reading also keeps a full pipe
    from blocking the server."""

    def follow() -> None:
        with SERVER_LOG.open("a", encoding="utf-8") as log:
            for line in process.stdout or []:
                log.write(line)
                log.flush()

    threading.Thread(target=follow, daemon=True).start()


@contextmanager
def running_server() -> Iterator[tuple[Client, list[str]]]:
    """A local server (`make dev`) on a free port, with what it printed until it served (its banner)."""
    port = free_port()
    process = start_server(port)
    assert process.stdout is not None
    printed = []
    for line in process.stdout:  # the server prints its address once it serves
        printed.append(line)
        if "Stop with Ctrl-C" in line:
            break
    follow_log(process)
    try:
        yield Client(f"http://127.0.0.1:{port}", process), printed
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)


@pytest.fixture(scope="session")
def server(cdk_out: Path) -> Iterator[tuple[Client, list[str]]]:
    with running_server() as running:
        yield running
