"""Why workflows stalled in CI, reproduced deterministically (issue 15).

1. An execution a test left waiting for a callback kept its moto threads for the callback's
   timeout (days), and ran on when woken, after its test; each test that left a request
   unverified added more. A local stack now ends its executions when it closes (stopped, waits
   woken) and a closed stack's functions refuse to run.
2. moto appends a new execution before giving it a status and a worker; a task callback
   (`send_task_success`, e.g. a person's verification link) landing in that window failed with an
   AttributeError after the single-use link was spent, leaving the request waiting for good.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import FrameType

import boto3
import moto
import pytest
from jaqe.errors import TemporarilyUnavailable
from jaqe.workflows import StepFunctionsWorkflows
from moto.stepfunctions.parser.backend.execution import Execution
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from jaqe_dev.lambdas import StackClosed
from jaqe_dev.provision import ACCOUNT, REGION
from jaqe_dev.stack import MOTO_CONFIG, LocalStack, forget_cached_state
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
        followed = rights.get(link)
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

    assert rights.get(link).status == 503
    assert rights.get(link).status == 200  # the same link, spent only now
    assert rights.wait(request_id)["status"] == "SUCCEEDED"
    assert rights.get(link).status == 410
