"""Driving the rights workflow end to end: the API handler starts the real ASL in moto's
interpreter, the verification link is followed from the outbox, executions are polled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from jaqe.platform import clock

from jaqe_dev.apigw import ApiResponse, Caller
from jaqe_dev.stack import LocalStack
from tests.waiting import wait_in

OPERATOR = Caller(iam_user="arn:aws:iam::123456789012:user/alice")


class Rights:
    def __init__(self, local: LocalStack) -> None:
        self.local = local
        self.sfn = boto3.client("stepfunctions")
        machines = local.stack.of_type("AWS::StepFunctions::StateMachine")
        [self.machine_logical_id] = [m for m in machines if m.startswith("Rights")]
        self.machine_arn = local.provisioned.names[self.machine_logical_id]
        self.table = boto3.resource("dynamodb").Table(local.data_table)
        self.documents_bucket = ""

    # -- public API -------------------------------------------------------------------------
    def submit(self, body: dict[str, Any], headers: dict[str, str] | None = None) -> ApiResponse:
        return self.local.api.request("POST", "/v1/rights-requests", json_body=body, headers=headers)

    def get(self, url: str, caller: Caller | None = None) -> ApiResponse:
        return self.local.api.request("GET", url, caller=caller)

    def confirm(self, verification_link: str) -> ApiResponse:
        """What the link's page does: POST the token back (opening the link, a GET, changes nothing)."""
        return self.local.api.request("POST", verification_link)

    def admin(
        self, method: str, path: str, body: Any = None, caller: Caller | None = OPERATOR
    ) -> ApiResponse:
        return self.local.api.request(method, path, json_body=body, caller=caller)

    # -- mail -------------------------------------------------------------------------------
    def emails_to(self, address: str) -> list[dict[str, Any]]:
        return [e for e in self.local.outbox() if address in e["to"]]

    def wait_for_email(self, address: str, subject_part: str, count: int = 1) -> dict[str, Any]:
        def found() -> list[dict[str, Any]] | None:
            emails = [e for e in self.emails_to(address) if subject_part in e["subject"]]
            return emails if len(emails) >= count else None

        return wait_in(self.local, found, f"email '{subject_part}' #{count}")[count - 1]

    def verification_link(self, address: str, count: int = 1) -> str:
        email = self.wait_for_email(address, "Confirmez", count)
        [link] = [lnk for lnk in email["links"] if "/verify?" in lnk]
        return link

    # -- executions -------------------------------------------------------------------------
    def execution_arn(self, name: str) -> str:
        return self.machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"

    def wait(self, name: str) -> dict[str, Any]:
        def ended() -> dict[str, Any] | None:
            described = self.sfn.describe_execution(executionArn=self.execution_arn(name))
            return None if described["status"] == "RUNNING" else dict(described)

        return wait_in(self.local, ended, f"execution {name} to end")

    def wait_for_status(self, request_id: str, status: str) -> dict[str, Any]:
        def reached() -> dict[str, Any] | None:
            record = self.record(request_id)
            return record if record and record["status"] == status else None

        return wait_in(self.local, reached, f"request {request_id} {status}")

    def states(self, name: str) -> list[str]:
        events = self.sfn.get_execution_history(executionArn=self.execution_arn(name), maxResults=1000)[
            "events"
        ]
        return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]

    def execution_texts(self, name: str) -> list[tuple[str, str]]:
        """What AWS keeps 90 days and cannot delete: the execution's input, output and every history
        event, as text (where, text)."""
        arn = self.execution_arn(name)
        described = self.sfn.describe_execution(executionArn=arn)
        texts = [
            (f"{name}:input", described.get("input", "")),
            (f"{name}:output", described.get("output", "")),
        ]
        history = self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        return texts + [(f"{name}:event{e['id']}:{e['type']}", json.dumps(e, default=str)) for e in history]

    def transitions(self, name: str) -> int:
        return len(self.states(name))

    def run(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Submit, follow the verification link, wait for the end: (request id, execution)."""
        response = self.submit(body)
        assert response.status == 202, response.body
        request_id = response.json()["request_id"]
        count = len([e for e in self.emails_to(body["email"]) if "Confirmez" in e["subject"]]) + 1
        followed = self.confirm(self.verification_link(body["email"], count))
        assert followed.status == 200, followed.body
        return request_id, self.wait(request_id)

    def rectification_awaiting_operator(self, email: str, corrections: dict[str, str] | None = None) -> str:
        """Submit a rectification, follow its link, wait for the operator's review: the request id."""
        response = self.submit(
            {"type": "rectification", "email": email, "corrections": corrections or {"first_name": "Camilla"}}
        )
        request_id = str(response.json()["request_id"])
        self.confirm(self.verification_link(email))
        self.wait_for_status(request_id, "awaiting_operator")
        return request_id

    # -- data -------------------------------------------------------------------------------
    def record(self, request_id: str) -> dict[str, Any] | None:
        return self.table.get_item(Key={"pk": f"RIGHTS#{request_id}", "sk": "REQUEST"}).get("Item")

    def scan(self) -> list[dict[str, Any]]:
        items, kwargs = [], {}
        while True:
            page = self.table.scan(**kwargs)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def put(self, item: dict[str, Any]) -> None:
        self.table.put_item(Item=json.loads(json.dumps(item), parse_float=Decimal))

    def subject_key(self, email: str) -> str:
        return self.local.subject_key(email)

    def bucket(self, hint: str) -> str:
        return next(
            name
            for logical, name in self.local.provisioned.names.items()
            if hint in logical and "Logs" not in logical
        )


@pytest.fixture
def rights(local: LocalStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rights]:
    driver = Rights(local)
    # The professionals' documents bucket comes from the template when that slice is merged;
    # until then the test provides one and tells the functions through DOCUMENTS_BUCKET.
    documents = next(
        (n for lg, n in local.provisioned.names.items() if "Documents" in lg and "Logs" not in lg), None
    )
    if documents is None:
        documents = "test-documents"
        boto3.client("s3").create_bucket(
            Bucket=documents, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
        )
        monkeypatch.setenv("DOCUMENTS_BUCKET", documents)
    driver.documents_bucket = documents
    yield driver
    clock.reset()  # executions still waiting for a callback are stopped by the `local` fixture


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]
