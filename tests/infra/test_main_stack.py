"""Properties the policy promises, asserted on the synthesised template (one synthesis per session)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from jaqe.platform.api import MAX_BODY_BYTES
from jaqe.platform.regions import NonEuRegionError

from infra.app import ROOT, build_app

pytestmark = pytest.mark.infra


@pytest.fixture(scope="module")
def stack(template: dict[str, Any]) -> Template:
    return Template.from_json(template)


def resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def test_c5_03_synthesising_outside_the_eu_fails_naming_the_eu_rule():
    with pytest.raises(NonEuRegionError, match="EU rule"):
        build_app(context={"region": "us-east-1"})


def test_c5_03_the_cli_entry_point_refuses_a_non_eu_region_with_a_clear_message(tmp_path):
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps({"region": "us-east-1"}), "CDK_OUTDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "infra.app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "European Union (EU rule)" in result.stderr


def test_data_table_expires_items_is_encrypted_with_our_key_and_recoverable(stack):
    stack.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": Match.any_value()},
            "DeletionProtectionEnabled": True,
            "GlobalSecondaryIndexes": Match.array_with(
                [
                    Match.object_like(
                        {
                            "IndexName": "by_subject",
                            "KeySchema": Match.array_with(
                                [{"AttributeName": "subject_key", "KeyType": "HASH"}]
                            ),
                        }
                    )
                ]
            ),
        },
    )


def test_kms_keys_rotate(template):
    keys = resources(template, "AWS::KMS::Key")
    assert keys and all(k["Properties"]["EnableKeyRotation"] for k in keys.values())


def test_c2_04_every_log_group_has_an_explicit_retention_of_at_most_13_months(template):
    groups = resources(template, "AWS::Logs::LogGroup")
    assert groups
    for group in groups.values():
        assert 0 < group["Properties"]["RetentionInDays"] <= 396
        assert "KmsKeyId" in group["Properties"]


def test_c2_04_api_access_logs_hold_no_query_string_body_or_ip(template):
    [stage] = resources(template, "AWS::ApiGateway::Stage").values()
    log_format = stage["Properties"]["AccessLogSetting"]["Format"]
    for forbidden in (
        "sourceIp",
        "querystring",
        "requestOverride",
        "$input",
        "$context.path",
        "caller",
        "user",
    ):
        assert forbidden.lower() not in log_format.lower()
    assert "$context.resourcePath" in log_format
    settings = stage["Properties"]["MethodSettings"][0]
    assert settings["DataTraceEnabled"] is False
    assert settings["ThrottlingRateLimit"] > 0


def test_functions_run_python_313_with_tracing_and_their_own_role(template):
    functions = {
        k: v
        for k, v in resources(template, "AWS::Lambda::Function").items()
        if "S3Key" in v["Properties"]["Code"]
    }
    assert functions
    roles = [json.dumps(f["Properties"]["Role"]) for f in functions.values()]
    assert len(set(roles)) == len(roles)
    for function in functions.values():
        assert function["Properties"]["Runtime"] == "python3.13"
        assert function["Properties"]["TracingConfig"] == {"Mode": "Active"}


def grants(template: dict[str, Any], role_prefix: str) -> dict[str, set[str]]:
    """Action -> resources (as JSON text) granted to the role whose logical id starts with `role_prefix`."""
    result: dict[str, set[str]] = {}
    for logical_id, policy in resources(template, "AWS::IAM::Policy").items():
        if not logical_id.startswith(role_prefix):
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            targets = (
                statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            )
            for action in actions:
                result.setdefault(action, set()).update(json.dumps(t) for t in targets)
    return result


def test_contact_function_may_only_put_items_queue_mail_and_read_its_secret(template):
    granted = grants(template, "FunctionsContactMessagesRole")
    on_data_table = {a for a, targets in granted.items() if any("StorageDataTable" in t for t in targets)}

    assert on_data_table == {"dynamodb:PutItem"}
    assert not any(a.endswith("*") and a.startswith(("dynamodb", "s3")) for a in granted)
    assert all("MailOutbox" in t for t in granted["sqs:SendMessage"])
    assert not any(a.startswith("ses:") for a in granted)  # only the mail sender talks to SES
    assert all("StorageIdempotencyTable" in t for t in granted["dynamodb:DeleteItem"])


def directory_only(template: dict[str, Any], role_prefix: str) -> bool:
    """The role's Query on the table itself (no index) is limited to the partners' directory."""
    on_table = [
        statement
        for logical_id, policy in resources(template, "AWS::IAM::Policy").items()
        if logical_id.startswith(role_prefix)
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Action"] == "dynamodb:Query" and "/index/" not in json.dumps(statement["Resource"])
    ]
    return len(on_table) == 1 and on_table[0]["Condition"] == {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["PARTNERS"]}
    }


def test_the_retention_report_function_reads_keys_by_expiry_and_purposes_only(template):
    """Expiry keys and purposes through by_expiry; the active hold records (their counts) through
    by_segment; the commercial partners' directory (their contract reviews, for the monthly report)
    and nothing else of the table; never the subject index, so no person's item."""
    granted = grants(template, "FunctionsAdminRetentionRole")
    data = {a for a in granted if a.startswith("dynamodb:")}
    assert data == {"dynamodb:GetItem", "dynamodb:Query"}
    by_expiry, by_segment = sorted(t for t in granted["dynamodb:Query"] if "/index/" in t)
    assert "StorageDataTable" in by_expiry and "/index/by_expiry" in by_expiry
    assert "StorageDataTable" in by_segment and "/index/by_segment" in by_segment
    assert directory_only(template, "FunctionsAdminRetentionRole")
    assert all("/index/" not in t for t in granted["dynamodb:GetItem"])
    assert not any(a.startswith(("s3:", "sqs:", "ses:", "states:", "secretsmanager:")) for a in granted)
    assert not any(a.endswith("*") for a in granted)


def test_only_the_mail_sender_may_send_through_ses_and_only_from_our_identity(template):
    senders = {
        logical_id.split("Role")[0]
        for logical_id, policy in resources(template, "AWS::IAM::Policy").items()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if any(
            str(a).startswith("ses:Send")
            for a in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
        )
    }
    assert senders == {"FunctionsMailSender"}


def test_the_outbox_queue_retries_then_dead_letters(template):
    queues = resources(template, "AWS::SQS::Queue")
    [outbox] = [q for k, q in queues.items() if k.startswith("MailOutbox")]
    assert outbox["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 5
    assert "KmsMasterKeyId" in outbox["Properties"]


def test_the_api_sits_behind_a_waf_with_a_rate_rule(template):
    [acl] = resources(template, "AWS::WAFv2::WebACL").values()
    assert any("RateBasedStatement" in rule["Statement"] for rule in acl["Properties"]["Rules"])
    assert resources(template, "AWS::WAFv2::WebACLAssociation")


def test_the_waf_lets_bodies_over_8_kb_reach_the_functions_which_refuse_them_over_64_kb(template):
    """A long breach declaration (up to 14,000 characters) passes WAF; the functions answer 413 past 64 KB."""
    [acl] = resources(template, "AWS::WAFv2::WebACL").values()
    [common] = [r for r in acl["Properties"]["Rules"] if r["Name"] == "AWSManagedRulesCommonRuleSet"]
    overrides = common["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"]
    assert overrides == [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]
    assert MAX_BODY_BYTES == 64 * 1024


def test_the_gateways_own_refusals_are_problem_documents_too(template):
    """WAF blocks, bodies over the gateway's limit, undocumented content types, throttling, missing
    authentication and 5xx: refused before a function runs, answered as problem documents all the same."""
    responses = {
        props["ResponseType"]: props
        for props in (
            r["Properties"]
            for r in template["Resources"].values()
            if r["Type"] == "AWS::ApiGateway::GatewayResponse"
        )
    }
    assert {"WAF_FILTERED", "REQUEST_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "THROTTLED", "DEFAULT_5XX"} <= set(
        responses
    )
    for kind, props in responses.items():
        assert props["ResponseParameters"] == {
            "gatewayresponse.header.Content-Type": "'application/problem+json'"
        }, kind
        document = props["ResponseTemplates"]["application/json"]
        assert (
            f'"status": {props["StatusCode"]},' in document
            and '"type": "https://jaqe.fr/problems/' in document
        )


def test_cdk_nag_reports_no_unacknowledged_finding(cdk_out):
    report = json.loads((cdk_out / "validation-report.json").read_text())
    assert all(r["conclusion"] == "success" for r in report["pluginReports"])


def test_the_app_synthesises_under_cdk_nag(tmp_path):
    # The same app with one non-compliant resource added must fail: nag is attached by build_app.
    from aws_cdk import aws_sqs as sqs

    app = build_app(outdir=str(tmp_path))
    sqs.Queue(app.node.find_child("JaqeMain"), "UnencryptedQueueWithoutDlq")
    with pytest.raises(Exception, match="AwsSolutions-SQS3"):
        app.synth()


def test_cdk_nag_blocks_synthesis_of_a_non_compliant_resource(tmp_path):
    from aws_cdk import App, Stack, Validations
    from aws_cdk import aws_sqs as sqs
    from cdk_nag import AwsSolutionsChecks

    app = App(outdir=str(tmp_path))
    sqs.Queue(Stack(app, "Bad"), "UnencryptedQueueWithoutDlq")
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    with pytest.raises(Exception, match="AwsSolutions-SQS3"):
        app.synth()


def test_c4_05_the_consent_confirmation_link_is_served_by_quote_requests_which_may_spend_its_token(
    template, cdk_out
):
    from jaqe_dev.template import SynthesizedStack

    routes = {(r.method, r.path): r for r in SynthesizedStack(cdk_out).routes()}
    for method in ("GET", "POST"):
        route = routes[(method, "/v1/consents/confirm")]
        assert route.function.startswith("FunctionsQuoteRequests") and route.authorization == "NONE"
    granted = grants(template, "FunctionsQuoteRequestsRole")
    # The token is used once by a conditional delete on the data table (never an index, never a Scan).
    assert any("StorageDataTable" in t for t in granted["dynamodb:DeleteItem"])
    assert all("/index/" not in t for t in granted["dynamodb:DeleteItem"])
    assert "dynamodb:Scan" not in granted


def test_each_stack_keeps_room_under_cloudformations_500_resources(cdk_out):
    """CloudFormation refuses a stack over 500 resources (synth fails first). Issue 20 reached 507: API
    routes' console test-invoke permissions went; issue 23's SnapStart aliases brought one stage-scoped
    permission per API function instead of one per route (445 with the partner exports). Past 475,
    split the stack before the next route does."""
    for stack in ("JaqeMain", "JaqeInbound"):
        template = json.loads((cdk_out / f"{stack}.template.json").read_text())
        assert len(template["Resources"]) <= 475, stack
