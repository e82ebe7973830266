"""The outside scanners' acknowledgements (docs/scanners.md): well-formed, true where they claim a
fact, documented; and honoured by checkov itself when `make scan` has installed it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, CfnResource, Stack

from infra.app import ROOT
from infra.constructs.checkov import ASYNC_ON_FAILURE, malformed_skips, skip
from infra.scan_report import DOC, templates, with_table

pytestmark = pytest.mark.infra

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
# Services that invoke a function asynchronously (Lambda retries, then drops, unless told where to send it).
ASYNC_PRINCIPALS = {"s3.amazonaws.com", "events.amazonaws.com", "sns.amazonaws.com", "ses.amazonaws.com"}


@pytest.fixture(scope="module")
def stacks(cdk_out: Path) -> dict[str, dict[str, Any]]:
    return templates(cdk_out)


def function_id(reference: Any) -> str | None:
    """The logical id a `Ref` or `Fn::GetAtt [id, Arn]` names."""
    if isinstance(reference, dict):
        if "Ref" in reference:
            return str(reference["Ref"])
        if "Fn::GetAtt" in reference:
            return str(reference["Fn::GetAtt"][0])
    return None


def asynchronously_invoked(template: dict[str, Any]) -> set[str]:
    resources = template["Resources"]
    invoked = {
        function_id(r["Properties"]["FunctionName"])
        for r in resources.values()
        if r["Type"] == "AWS::Lambda::Permission" and r["Properties"].get("Principal") in ASYNC_PRINCIPALS
    }
    invoked |= {
        function_id(r["Properties"]["Target"]["Arn"])
        for r in resources.values()
        if r["Type"] == "AWS::Scheduler::Schedule"
    }
    return {i for i in invoked if i and resources.get(i, {}).get("Type") == "AWS::Lambda::Function"}


def with_on_failure_destination(template: dict[str, Any]) -> set[str]:
    return {
        str(function_id(r["Properties"]["FunctionName"]))
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::EventInvokeConfig"
        and r["Properties"].get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
    }


def test_every_checkov_skip_has_a_check_id_and_a_one_line_reason(stacks):
    for name, template in stacks.items():
        assert malformed_skips(template) == [], name


def test_a_checkov_skip_without_a_reason_fails_the_check():
    template = {
        "Resources": {
            "Queue": {
                "Type": "AWS::SQS::Queue",
                "Metadata": {
                    "checkov": {"skip": [{"id": "CKV_AWS_27"}, {"id": "CKV_AWS_28", "comment": " "}]}
                },
            }
        }
    }
    assert malformed_skips(template) == [
        "Queue: the skip of CKV_AWS_27 has no one-line reason",
        "Queue: the skip of CKV_AWS_28 has no one-line reason",
    ]


def test_the_skip_helper_refuses_a_missing_reason_and_writes_checkov_s_metadata():
    queue = CfnResource(Stack(App(), "Probe"), "Queue", type="AWS::SQS::Queue")
    with pytest.raises(ValueError, match="one-line reason"):
        skip(queue, "CKV_AWS_27", "")
    with pytest.raises(ValueError, match="check id"):
        skip(queue, "AwsSolutions-SQS3", "a reason")
    skip(queue, "CKV_AWS_27", "first reason")
    skip(queue, "CKV_AWS_27", "second reason")  # replaces, never duplicates
    skip(queue, "CKV_AWS_28", "another check")
    assert queue.get_metadata("checkov") == {
        "skip": [
            {"id": "CKV_AWS_27", "comment": "second reason"},
            {"id": "CKV_AWS_28", "comment": "another check"},
        ]
    }


def test_every_function_an_async_source_invokes_sends_its_failures_to_a_dead_letter_queue(stacks):
    """What the aspect's CKV_AWS_116 reasons claim: async invocations end in an on-failure destination."""
    for name, template in stacks.items():
        invoked = asynchronously_invoked(template)
        assert invoked, f"{name}: no async source found: the walk above is broken"
        missing = invoked - with_on_failure_destination(template)
        assert missing == set(), f"{name}: use Monitoring.dead_letter_async_invokes for {sorted(missing)}"


def test_the_dlq_acknowledgement_says_async_only_where_an_on_failure_destination_exists(stacks):
    for name, template in stacks.items():
        claimed = {
            logical_id
            for logical_id, resource in template["Resources"].items()
            for entry in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
            if entry["id"] == "CKV_AWS_116" and entry["comment"] == ASYNC_ON_FAILURE
        }
        assert claimed == with_on_failure_destination(template), name


def test_the_scanners_doc_lists_every_acknowledgement_of_the_templates(stacks):
    document = DOC.read_text()
    assert document == with_table(document, stacks), (
        "docs/scanners.md is stale: run `.venv/bin/python -m infra.scan_report` after `make synth`"
    )


@pytest.mark.skipif(not CHECKOV.exists(), reason="checkov is installed by `make scan` (CI runs it first)")
def test_checkov_fails_on_an_unacknowledged_finding_and_honours_a_metadata_skip(tmp_path):
    unencrypted = {"Type": "AWS::SQS::Queue", "Properties": {}}
    acknowledged = {
        **unencrypted,
        "Metadata": {"checkov": {"skip": [{"id": "CKV_AWS_27", "comment": "why"}]}},
    }
    template = tmp_path / "probe.template.json"
    template.write_text(json.dumps({"Resources": {"Unencrypted": unencrypted, "Acknowledged": acknowledged}}))
    command = [str(CHECKOV), "-f", str(template), "--framework", "cloudformation", "--check", "CKV_AWS_27"]
    result = subprocess.run(
        [*command, "--skip-download", "--compact", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    report = json.loads(result.stdout)["results"]
    assert result.returncode == 1
    assert [c["resource"] for c in report["failed_checks"]] == ["AWS::SQS::Queue.Unencrypted"]
    assert [c["resource"] for c in report["skipped_checks"]] == ["AWS::SQS::Queue.Acknowledged"]
