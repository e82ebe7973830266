"""Professionals' resources as the policy promises them, on the synthesised template."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra.test_main_stack import grants, resources

pytestmark = pytest.mark.infra


def one(template: dict[str, Any], resource_type: str, prefix: str) -> tuple[str, dict[str, Any]]:
    [(logical_id, resource)] = [
        (k, v) for k, v in resources(template, resource_type).items() if k.startswith(prefix)
    ]
    return logical_id, resource["Properties"]


def methods(template: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    api_resources = resources(template, "AWS::ApiGateway::Resource")

    def path_of(ref: Any) -> str:
        if isinstance(ref, dict) and "Ref" in ref:
            props = api_resources[ref["Ref"]]["Properties"]
            return path_of(props["ParentId"]) + "/" + props["PathPart"]
        return ""

    return {
        (m["Properties"]["HttpMethod"], path_of(m["Properties"]["ResourceId"])): m["Properties"]
        for m in resources(template, "AWS::ApiGateway::Method").values()
    }


def test_c3_05_documents_bucket_is_kms_encrypted_versioned_private_tls_only_and_logged(template):
    logical_id, bucket = one(template, "AWS::S3::Bucket", "ProfessionalsDocuments")
    [rule] = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert "StorageDataKey" in json.dumps(rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"])
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert "ProfessionalsAccessLogs" in json.dumps(bucket["LoggingConfiguration"])
    [policy] = [
        p["Properties"]
        for p in resources(template, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": logical_id}
    ]
    deny_http = [
        s
        for s in policy["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny"
        and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
    ]
    assert deny_http


def test_cognito_pool_is_admin_only_with_a_strong_password_policy_and_an_immutable_pro_id(template):
    _, pool = one(template, "AWS::Cognito::UserPool", "ProfessionalsUserPool")
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    assert {"Name": "pro_id", "Mutable": False}.items() <= next(
        a for a in pool["Schema"] if a["Name"] == "pro_id"
    ).items()


def test_c4_01_pro_routes_need_cognito_and_admin_routes_need_iam(template):
    routes = methods(template)
    for path in ("/v1/pro/me", "/v1/pro/me/leads", "/v1/pro/me/documents"):
        assert routes[("GET", path)]["AuthorizationType"] == "COGNITO_USER_POOLS"
    for method, path in (
        ("PATCH", "/v1/pro/me"),
        ("POST", "/v1/pro/me/documents"),
        ("POST", "/v1/pro/me/delist"),
    ):
        assert routes[(method, path)]["AuthorizationType"] == "COGNITO_USER_POOLS"
    for action in ("approve", "reject"):
        assert routes[("POST", f"/v1/admin/professionals/{{id}}/{action}")]["AuthorizationType"] == "AWS_IAM"
    assert routes[("GET", "/v1/admin/professionals")]["AuthorizationType"] == "AWS_IAM"
    for method, path in (
        ("GET", "/v1/admin/professionals/documents"),
        ("GET", "/v1/admin/professionals/{id}/documents/{document_id}"),
        ("POST", "/v1/admin/professionals/{id}/documents/{document_id}/decision"),
    ):
        assert routes[(method, path)]["AuthorizationType"] == "AWS_IAM"
    assert routes[("POST", "/v1/professionals")]["AuthorizationType"] == "NONE"


def test_every_async_path_of_professionals_ends_in_a_failure_queue(template):
    _, check = one(template, "AWS::Lambda::EventInvokeConfig", "FunctionsDocumentCheck")
    assert "ProfessionalsAsyncFailures" in json.dumps(check["DestinationConfig"]["OnFailure"])
    _, rule = one(template, "AWS::Events::Rule", "ProfessionalsDailyInsuranceWatch")
    [target] = rule["Targets"]
    assert "ProfessionalsAsyncFailures" in json.dumps(target["DeadLetterConfig"])
    _, notifications = one(template, "Custom::S3BucketNotifications", "ProfessionalsDocuments")
    [config] = notifications["NotificationConfiguration"]["LambdaFunctionConfigurations"]
    assert config["Events"] == ["s3:ObjectCreated:*"]
    assert "FunctionsDocumentCheck" in json.dumps(config["LambdaFunctionArn"])
    alarms = {
        k: v["Properties"]
        for k, v in resources(template, "AWS::CloudWatch::Alarm").items()
        if any(n in k for n in ("ProfessionalsAsyncFailures", "DocumentCheckErrors", "InsuranceWatchErrors"))
    }
    assert len(alarms) == 3
    assert all("MonitoringAlarmTopic" in json.dumps(a["AlarmActions"]) for a in alarms.values())


def test_professional_functions_get_least_privilege(template):
    check = grants(template, "FunctionsDocumentCheckRole")
    assert {a for a in check if a.startswith("s3:")} == {
        "s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion",
    }  # fmt: skip
    assert all("/professionals/*" in t for a in check if a.startswith("s3:") for t in check[a])
    app = grants(template, "FunctionsProAppRole")
    assert {a for a in app if a.startswith("s3:")} == {"s3:PutObject"}
    assert "cognito-idp:AdminCreateUser" not in app
    registration = grants(template, "FunctionsProfessionalsRole")
    # AdminGetUser: a known address is told by email instead of getting a second account.
    assert {a for a in registration if a.startswith("cognito-idp:")} == {
        "cognito-idp:AdminGetUser",
        "cognito-idp:AdminCreateUser",
        "cognito-idp:AdminDeleteUser",
    }
    assert not any(a.startswith("s3:") for a in registration)
    admin = grants(template, "FunctionsAdminProfessionalsRole")
    assert not any(a.startswith("cognito-idp:") for a in admin)
    # Document review: read (the presigned link), keep the reviewed version current, delete a rejected file.
    assert {a for a in admin if a.startswith("s3:")} == {
        "s3:ListBucketVersions", "s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion",
    }  # fmt: skip
    assert all(
        "/professionals/*" in t
        for a in admin
        if a.startswith("s3:") and a != "s3:ListBucketVersions"
        for t in admin[a]
    )
    # A removed profile (an expired registration) takes its login with it.
    cascade = grants(template, "FunctionsRetentionCascadeRole")
    assert {a for a in cascade if a.startswith("cognito-idp:")} == {
        "cognito-idp:AdminGetUser",
        "cognito-idp:AdminDeleteUser",
    }
    # The review queue is read through the segment index only (no Scan, no other index).
    indexes = {t for t in admin["dynamodb:Query"] if "/index/" in t}
    assert len(indexes) == 1 and "/index/by_segment" in indexes.pop()
    assert "dynamodb:Scan" not in admin
    for role in (check, app, registration, admin):
        assert not any(a.endswith("*") for a in role)


def test_c4_01_every_operator_route_needs_iam(template):
    admin = {
        key: m
        for key, m in methods(template).items()
        if key[1].startswith("/v1/admin") and key[0] != "OPTIONS"
    }
    assert ("GET", "/v1/admin/retention-report") in admin and ("GET", "/v1/admin/professionals") in admin
    assert {key: m["AuthorizationType"] for key, m in admin.items()} == dict.fromkeys(admin, "AWS_IAM")
