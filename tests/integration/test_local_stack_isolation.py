"""Why workflows stalled in CI, reproduced deterministically (issue 15).

1. An execution a test left waiting for a callback kept its moto threads for the callback's
   timeout (days), and ran on when woken, after its test; each test that left a request
   unverified added more. A local stack now ends its executions when it closes (stopped, waits
   woken) and a closed stack's functions refuse to run.
2. moto appends a new execution before giving it a status and a worker; a task callback
   (`send_task_success`, e.g. a person's verification link) landing in that window failed with an
   AttributeError after the single-use link was spent, leaving the request waiting for good.
3. The local stack swaps os.environ around each invocation, while moto makes a boto3 client for
   every task in its own threads, and making a client iterates os.environ: a key removed in the
   middle raised KeyError ('DATA_TABLE'), and two clients made at once from the shared default
   session (the breach workflow's Map runs four tasks at once) failed now and then too. moto
   reported either as `States.Runtime`: the incident ended as needs_operator while its test waited
   for "closed", or an execution waited for good. Both now happen under one lock
   (jaqe_dev/clients.py).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import boto3
import moto
import pytest
from jaqe.platform import clock
from jaqe.platform.errors import TemporarilyUnavailable
from jaqe.platform.workflows import StepFunctionsWorkflows
from moto.stepfunctions.parser.backend.execution import Execution
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from jaqe_dev import clients
from jaqe_dev.lambdas import StackClosed, environment
from jaqe_dev.provision import ACCOUNT, REGION
from jaqe_dev.stack import MOTO_CONFIG, LocalStack, forget_cached_state
from tests.integration.test_breach import declare, incident, seed_leads, wait_for
from tests.waiting import wait_in
from tests.workflow.conftest import Rights

EMAIL = "isolation@example.fr"


def running_executions() -> list[Execution]:
    backend = stepfunctions_parser_backends[ACCOUNT][REGION]
    return [e for m in backend.state_machines for e in m.executions if e.status == "RUNNING"]


def callback_waits() -> list[str]:
    """Threads of this process parked in a waitForTaskToken task."""
    return [
        name
        for name, frame in threads_and_frames()
        if any(f.f_code.co_name == "wait" and "callback" in f.f_code.co_filename for f in frames_of(frame))
    ]


def threads_and_frames() -> list[tuple[str, FrameType]]:
    names = {t.ident: t.name for t in threading.enumerate()}
    return [(names.get(ident, str(ident)), frame) for ident, frame in sys._current_frames().items()]


def frames_of(frame: FrameType | None) -> list[FrameType]:
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


def test_closing_a_local_stack_ends_every_execution_it_started(cdk_out: Path) -> None:
    """Before, an execution waiting for a callback kept its threads for the callback's timeout
    (days): every test that left a request unverified added some, and a woken one ran on in the
    next test's world."""
    with moto.mock_aws(config=MOTO_CONFIG):
        stack = LocalStack(cdk_out)
        Rights(stack).submit({"type": "access", "email": EMAIL})
        wait_in(stack, callback_waits, "the workflow to wait for its verification")
        [left] = running_executions()

        stack.close()

        wait_in(stack, lambda: left.status != "RUNNING", "the execution to end")
        wait_in(stack, lambda: not callback_waits(), "the callback's threads to end")
        completed = stack.lambdas.completed
        with pytest.raises(StackClosed):
            stack.api.request("POST", "/v1/rights-requests", json_body={"type": "access", "email": EMAIL})
        assert stack.lambdas.completed == completed
    forget_cached_state()


def test_a_verification_link_followed_while_another_workflow_starts_resumes_its_workflow(
    local: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    rights = Rights(local)
    request_id = rights.submit({"type": "access", "email": EMAIL}).json()["request_id"]
    link = rights.verification_link(EMAIL)

    # Another request's execution is appended by moto but not started yet when the link is followed.
    appended, release = threading.Event(), threading.Event()
    start = Execution.start

    def start_later(execution: Execution) -> None:
        appended.set()
        release.wait(10)
        start(execution)

    monkeypatch.setattr(Execution, "start", start_later)
    other = threading.Thread(
        target=boto3.client("stepfunctions").start_execution,
        kwargs={"stateMachineArn": rights.machine_arn, "name": "another", "input": "{}"},
    )
    other.start()
    assert appended.wait(10)
    try:
        followed = rights.confirm(link)
    finally:
        release.set()
        other.join(10)

    assert followed.status == 200, followed.body
    assert rights.wait(request_id)["status"] == "SUCCEEDED"


def test_a_verification_link_whose_workflow_could_not_be_resumed_works_again(
    local: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    rights = Rights(local)
    request_id = rights.submit({"type": "access", "email": EMAIL}).json()["request_id"]
    link = rights.verification_link(EMAIL)
    succeed = StepFunctionsWorkflows.succeed
    calls: list[str] = []

    def unavailable_once(workflows: StepFunctionsWorkflows, task_token: str, output: dict) -> None:
        calls.append(task_token)
        if len(calls) == 1:
            raise TemporarilyUnavailable("Step Functions indisponible")
        succeed(workflows, task_token, output)

    monkeypatch.setattr(StepFunctionsWorkflows, "succeed", unavailable_once)

    assert rights.confirm(link).status == 503
    assert rights.confirm(link).status == 200  # the same link, spent only now
    assert rights.wait(request_id)["status"] == "SUCCEEDED"
    assert rights.confirm(link).status == 410


def test_the_tasks_of_a_map_make_their_clients_one_at_a_time(
    local: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    makers: list[str] = []
    overlaps: list[str] = []
    watch = threading.Lock()
    create_client = clients._create_client

    def watched(session: object, *args: object, **kwargs: object) -> object:
        with watch:
            makers.append(threading.current_thread().name)
            if len(makers) > 1:
                overlaps.append(", ".join(makers))
        try:
            time.sleep(0.05)  # as on a loaded machine: long enough for another thread to come in
            return create_client(session, *args, **kwargs)
        finally:
            with watch:
                makers.remove(threading.current_thread().name)

    monkeypatch.setattr(clients, "_create_client", watched)
    monkeypatch.setattr(clients, "_task_clients", {})  # this test's tasks make theirs anew
    seed_leads(local, 301, "2026-03-04")  # 4 batches: the Map runs them at once
    clock.freeze(datetime(2026, 3, 10, 9, tzinfo=UTC))

    incident_id = declare(local, incident(high_risk=True))

    assert wait_for(local, incident_id, "closed")["people_notified"] == 301
    assert overlaps == []


def test_an_invocation_changes_the_environment_only_while_no_client_is_being_made(
    local: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A moto task thread makes a client (iterating os.environ, as botocore does for proxies)
    exactly while an invocation ends and takes its function's variables out again."""
    iterating, removed = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def proxies_read_slowly() -> dict[str, str]:
        keys = list(os.environ)
        iterating.set()
        removed.wait(1)  # the invocation removes its variables now, unless it has to wait
        values = {key: os.environ[key] for key in keys}  # what os.environ.items() does
        return {key: value for key, value in values.items() if key.lower().endswith("_proxy")}

    def make_client() -> None:
        try:
            boto3.client("s3", region_name="eu-west-3")
        except BaseException as error:
            failures.append(error)

    monkeypatch.setattr(urllib.request, "getproxies_environment", proxies_read_slowly)
    maker = threading.Thread(target=make_client)
    with environment({"JAQE_PROBE": "one invocation's variable"}):
        maker.start()
        assert iterating.wait(10)
    removed.set()
    maker.join(10)

    assert failures == []
    assert "JAQE_PROBE" not in os.environ
