"""POST /v1/rights-requests through the real handler with the sample events: bad input writes nothing,
a retried submission starts one workflow."""

from __future__ import annotations

import json

import boto3

from tests.conftest import header, load_event
from tests.workflow.conftest import rights  # noqa: F401 - fixture


def invoke(local, name):
    return local.lambdas.invoke_by_name("rights_requests", load_event(f"rights_requests/{name}"))


def executions(rights):  # noqa: F811
    return boto3.client("stepfunctions").list_executions(stateMachineArn=rights.machine_arn)["executions"]


def test_a_request_is_accepted_with_its_due_date_and_status_link_and_starts_one_workflow(rights):  # noqa: F811
    response = invoke(rights.local, "post_erasure.json")

    assert response["statusCode"] == 202
    accepted = json.loads(response["body"])
    assert set(accepted) == {"request_id", "status", "due_at", "status_url"}
    assert accepted["status_url"].startswith(
        f"https://api.jaqe.fr/v1/rights-requests/{accepted['request_id']}?token="
    )
    assert [e["name"] for e in executions(rights)] == [accepted["request_id"]]
    rights.wait_for_status(accepted["request_id"], "awaiting_verification")


def test_invalid_type_fields_are_a_422_problem_naming_the_fields_and_nothing_is_written(rights):  # noqa: F811
    response = invoke(rights.local, "post_invalid_type_fields.json")

    assert response["statusCode"] == 422
    assert header(response, "Content-Type") == "application/problem+json"
    assert rights.scan() == [] and executions(rights) == []


def test_malformed_json_is_a_400_problem(rights):  # noqa: F811
    response = invoke(rights.local, "post_malformed_json.json")

    assert response["statusCode"] == 400
    assert rights.scan() == [] and executions(rights) == []


def test_a_retry_with_the_same_idempotency_key_starts_no_second_workflow(rights):  # noqa: F811
    first = invoke(rights.local, "post_access_with_idempotency_key.json")
    second = invoke(rights.local, "post_access_with_idempotency_key.json")

    assert first["statusCode"] == second["statusCode"] == 202
    assert json.loads(first["body"]) == json.loads(second["body"])
    assert len(executions(rights)) == 1
    rights.wait_for_status(json.loads(first["body"])["request_id"], "awaiting_verification")


def test_c7_03_the_rectification_sample_reaches_the_operator_review(rights):  # noqa: F811
    accepted = json.loads(invoke(rights.local, "post_rectification.json")["body"])
    rights.get(rights.verification_link("camille.exemple@example.fr"))

    record = rights.wait_for_status(accepted["request_id"], "awaiting_operator")
    assert "Exemple-Martin" not in json.dumps(record, default=str)  # corrections travel in the execution only
