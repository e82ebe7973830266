"""The rights workflow as deployed: the ASL file itself, its logging, tracing, alarms, the exports
bucket and the operators' routes (asserted on the synthesised template, one synthesis per session)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from infra.constructs.rights import ASL_FILE
from infra.constructs.state_machines import STATE_MACHINES

pytestmark = pytest.mark.infra
ASL = json.loads(ASL_FILE.read_text())


def of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in template["Resources"].items() if v["Type"] == resource_type}


def test_every_task_of_the_asl_has_retry_and_catch_and_failures_reach_needs_operator():
    tasks = {name: state for name, state in ASL["States"].items() if state["Type"] == "Task"}
    assert len(tasks) >= 15
    for name, state in tasks.items():
        assert state.get("Retry"), name
        assert state.get("Catch"), name
        assert state["Catch"][-1]["ErrorEquals"] == ["States.ALL"], name
        assert state["Catch"][-1]["Next"] in ("RecordFailure", "NeedsOperator"), name
    assert ASL["States"]["NeedsOperator"]["Type"] == "Fail"
    by_type = {c["StringEquals"] for c in ASL["States"]["ByType"]["Choices"]}
    assert by_type == {
        "withdraw_consent",
        "access",
        "rectification",
        "erasure",
        "restriction",
        "portability",
        "objection",
        "post_mortem_directives",
    }
    wait = ASL["States"]["AwaitVerification"]
    assert wait["Resource"].endswith(".waitForTaskToken") and "TimeoutSecondsPath" in wait


@pytest.mark.parametrize(
    ("prefix", "asl_file"), [("Rights", "rights_request.asl.json"), ("Breach", "breach_response.asl.json")]
)
def test_each_deployed_state_machine_is_its_asl_file_with_its_substitutions(
    template, cdk_out, prefix, asl_file
):
    [machine] = [
        m
        for logical, m in of_type(template, "AWS::StepFunctions::StateMachine").items()
        if logical.startswith(prefix)
    ]
    assert machine["StateMachineType"] == "STANDARD"
    deployed = (cdk_out / f"asset.{machine['DefinitionS3Location']['Key']}").read_text()
    assert json.loads(deployed) == json.loads((STATE_MACHINES / asl_file).read_text())
    used = set(re.findall(r"\$\{(\w+)\}", deployed))
    assert set(machine["DefinitionSubstitutions"]) == used and "WorkflowFunctionArn" in used
    assert machine["TracingConfiguration"] == {"Enabled": True}
    logging = machine["LoggingConfiguration"]
    assert logging["Level"] == "ALL" and logging["IncludeExecutionData"] is False  # no email in logs
    log_group_id = logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    log_group = template["Resources"][log_group_id]["Properties"]
    assert log_group["KmsKeyId"] and log_group["RetentionInDays"] <= 396


def test_failed_timed_out_or_aborted_executions_and_overdue_requests_raise_alarms(template):
    alarms = of_type(template, "AWS::CloudWatch::Alarm").values()
    text = json.dumps(list(alarms))
    assert "ExecutionsFailed" in text and "ExecutionsTimedOut" in text
    assert "RightsRequestsOverdue" in text and "RightsRequestsDueSoon" in text
    assert all(
        a.get("AlarmActions") for a in alarms if "Rights" in json.dumps(a) or "Executions" in json.dumps(a)
    )
    rules = of_type(template, "AWS::Events::Rule").values()
    assert any(r.get("ScheduleExpression", "").startswith("cron(") for r in rules)


def test_exports_bucket_is_kms_encrypted_versioned_tls_only_private_logged_and_expires_quickly(template):
    buckets = of_type(template, "AWS::S3::Bucket")
    [(logical_id, exports)] = [(k, v) for k, v in buckets.items() if "ExportsBucket" in k]
    rule = exports["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"
    ]
    assert rule["SSEAlgorithm"] == "aws:kms" and rule["KMSMasterKeyID"]
    assert exports["VersioningConfiguration"] == {"Status": "Enabled"}
    assert exports["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert exports["LoggingConfiguration"]["DestinationBucketName"]
    [lifecycle] = exports["LifecycleConfiguration"]["Rules"]
    assert (
        lifecycle["ExpirationInDays"] <= 8 and lifecycle["NoncurrentVersionExpiration"]["NoncurrentDays"] <= 1
    )
    policies = [
        p for p in of_type(template, "AWS::S3::BucketPolicy").values() if p["Bucket"] == {"Ref": logical_id}
    ]
    assert '"aws:SecureTransport": "false"' in json.dumps(policies)


def test_operator_routes_use_iam_and_public_routes_are_the_documented_ones(template):
    resources = of_type(template, "AWS::ApiGateway::Resource")

    def path(ref: Any) -> str:
        if isinstance(ref, dict) and "Ref" in ref:
            return path(resources[ref["Ref"]]["ParentId"]) + "/" + resources[ref["Ref"]]["PathPart"]
        return ""

    methods = [
        (m["HttpMethod"], path(m["ResourceId"]), m.get("AuthorizationType"))
        for m in of_type(template, "AWS::ApiGateway::Method").values()
    ]
    methods = [m for m in methods if m[0] != "OPTIONS"]  # CORS preflight
    admin = [m for m in methods if m[1].startswith("/v1/admin/rights-requests")]
    assert len(admin) == 11 and all(auth == "AWS_IAM" for _, _, auth in admin)
    public = sorted((m, p) for m, p, _ in methods if p.startswith("/v1/rights-requests"))
    assert public == [
        ("GET", "/v1/rights-requests/confirm-address"),  # the new address of an email rectification
        ("GET", "/v1/rights-requests/post-mortem-confirmation"),  # a designated person's page (issue 20)
        ("GET", "/v1/rights-requests/verify"),
        ("GET", "/v1/rights-requests/{request_id}"),
        ("GET", "/v1/rights-requests/{request_id}/export"),
        ("POST", "/v1/rights-requests"),
        ("POST", "/v1/rights-requests/confirm-address"),
        ("POST", "/v1/rights-requests/post-mortem-confirmation"),
        ("POST", "/v1/rights-requests/verify"),
    ]


def _role_statements(template: dict[str, Any], service: str) -> list[dict[str, Any]]:
    functions = of_type(template, "AWS::Lambda::Function")
    [role_id] = [
        f["Role"]["Fn::GetAtt"][0]
        for f in functions.values()
        if f.get("Environment", {}).get("Variables", {}).get("POWERTOOLS_SERVICE_NAME") == service
    ]
    return [
        s
        for p in of_type(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Roles"]
        for s in p["PolicyDocument"]["Statement"]
    ]


def test_rights_functions_have_explicit_actions_only(template):
    for service in (
        "rights_requests",
        "rights_workflow",
        "rights_actions",
        "admin_rights",
        "rights_deadlines",
    ):
        for statement in _role_statements(template, service):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not [a for a in actions if a.endswith("*")], (service, actions)
    public = {
        a
        for s in _role_statements(template, "rights_requests")
        for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    }
    assert (
        "dynamodb:Query" not in public and "s3:DeleteObject" not in public and "dynamodb:Scan" not in public
    )


def _granted(template: dict[str, Any], service: str) -> set[tuple[str, str]]:
    """(action, resource as JSON) pairs of the service's role."""
    return {
        (action, json.dumps(resource))
        for s in _role_statements(template, service)
        for action in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
        for resource in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
    }


def test_the_workflow_steps_run_in_two_roles_each_with_only_what_its_steps_need(template):
    """#16: the conversation (verification, answer, notices) cannot reach a person's data through
    the subject index, the buckets or the logins; the acts (erasure, exports) cannot send mail."""
    conversation = _granted(template, "rights_workflow")
    actions = _granted(template, "rights_actions")
    reach = ("s3:", "cognito-idp:")
    assert not [a for a, _ in conversation if a.startswith(reach)]
    assert not [r for _, r in conversation if "by_subject" in r]
    assert not [a for a, _ in actions if a.startswith("sqs:")]
    assert any("by_subject" in r for _, r in actions)
    assert {"s3:DeleteObjectVersion", "cognito-idp:AdminDeleteUser"} <= {a for a, _ in actions}
    # Issue 20: an email rectification moves the login to the new address and computes its subject key.
    assert {"cognito-idp:AdminUpdateUserAttributes", "secretsmanager:GetSecretValue"} <= {
        a for a, _ in actions
    }
    assert "cognito-idp:AdminUpdateUserAttributes" not in {a for a, _ in conversation}
    assert "sqs:SendMessage" in {a for a, _ in conversation}
    # Nothing reads an execution's input back: it holds ids only (issue 17).
    assert "states:DescribeExecution" not in {a for a, _ in _granted(template, "admin_rights")}
