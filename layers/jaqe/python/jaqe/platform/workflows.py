"""Starting and resuming Step Functions executions (rights requests, breach response).

An execution's input and history hold ids only: AWS keeps them 90 days after the end and cannot
delete them, so nothing reads personal data back from an execution (there is no `input_of`)."""

from __future__ import annotations

import json
from typing import Any, Protocol

from jaqe.platform import aws


class Workflows(Protocol):
    def start(self, name: str, payload: dict[str, Any]) -> str: ...
    def succeed(self, task_token: str, output: dict[str, Any]) -> None: ...
    def fail(self, task_token: str, error: str, cause: str) -> None: ...


class StepFunctionsWorkflows:
    def __init__(self, state_machine_arn: str) -> None:
        self.state_machine_arn = state_machine_arn

    def start(self, name: str, payload: dict[str, Any]) -> str:
        response = aws.client("stepfunctions").start_execution(
            stateMachineArn=self.state_machine_arn, name=name, input=json.dumps(payload)
        )
        return str(response["executionArn"])

    def succeed(self, task_token: str, output: dict[str, Any]) -> None:
        aws.client("stepfunctions").send_task_success(taskToken=task_token, output=json.dumps(output))

    def fail(self, task_token: str, error: str, cause: str) -> None:
        aws.client("stepfunctions").send_task_failure(taskToken=task_token, error=error, cause=cause)
