"""checkov acknowledgements, written where checkov reads them: the resource's template metadata
(`Metadata: {"checkov": {"skip": [{"id": ..., "comment": ...}]}}`), each with its one-line reason.

Two ways, like the cdk-nag acknowledgements of `infra.constructs.nag`:
- `skip(construct, "CKV_AWS_18", "reason")` next to the construct the reason is about;
- `ScannerAcknowledgements`, an aspect the app adds, for the findings whose reason holds for every
  resource of a type (every function: no VPC, ...), so a function added tomorrow gets them too.
`make scan` runs checkov and cfn-lint on cdk.out; docs/scanners.md lists what is acknowledged and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsii
from aws_cdk import CfnResource, IAspect
from aws_cdk import aws_lambda as lambda_
from constructs import IConstruct

CHECK_ID = re.compile(r"^CKV2?_AWS_\d+$")

NO_VPC = (
    "No VPC: the functions reach only AWS APIs (IAM-authorised, TLS); a VPC would add NAT or "
    "endpoints and cold starts for no network to protect."
)
ENVIRONMENT_WITHOUT_SECRETS = (
    "Environment holds resource names and settings only; secrets are read from Secrets Manager "
    "(tested: tests/infra/test_function_settings.py), and Lambda encrypts it at rest with its own key."
)
SYNCHRONOUS_ONLY = (
    "Invoked synchronously only (API Gateway, Step Functions, event-source mappings with their own "
    "DLQ): the caller gets the error; a function DLQ serves async invokes only."
)
ASYNC_ON_FAILURE = (
    "Async invokes: failures go to the on-failure SQS destination of its EventInvokeConfig "
    "(which checkov does not read), alarmed by the queue's depth."
)
UNRESERVED = (
    "Not reserved: the stage throttle and WAF bound the API's, schedules and queues the others; "
    "reserving takes from the account's unreserved pool (100 must stay): a young account's deploy fails."
)

CDK_HELPER = "CDK's deploy-time helper, invoked by CloudFormation only while a stack deploys."


def skip(construct: IConstruct, check_id: str, comment: str) -> None:
    """Acknowledge checkov's `check_id` on the resource behind `construct` (an L1 or its L2)."""
    if not CHECK_ID.match(check_id):
        raise ValueError(f"{check_id!r} is not a checkov AWS check id (CKV_AWS_<n> or CKV2_AWS_<n>)")
    if not comment.strip() or "\n" in comment:
        raise ValueError(f"A checkov skip of {check_id} needs a one-line reason")
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to carry a checkov skip")
    current: dict[str, Any] = resource.get_metadata("checkov") or {}
    others = [entry for entry in current.get("skip", []) if entry["id"] != check_id]
    resource.add_metadata("checkov", {"skip": [*others, {"id": check_id, "comment": comment}]})


@jsii.implements(IAspect)
class ScannerAcknowledgements:
    """The acknowledgements whose reason holds for every function of the app (CDK's own included),
    each added only while the finding exists (a function given a VPC or a DLQ loses the skip)."""

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, CfnResource) or node.cfn_resource_type != "AWS::Lambda::Function":
            return
        if not isinstance(node, lambda_.CfnFunction):
            # CDK's own singletons (the bucket-notifications handler): plain CfnResources.
            for check_id in ("CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117"):
                skip(node, check_id, CDK_HELPER)
            return
        if node.vpc_config is None:
            skip(node, "CKV_AWS_117", NO_VPC)
        if node.kms_key_arn is None:
            skip(node, "CKV_AWS_173", ENVIRONMENT_WITHOUT_SECRETS)
        if node.reserved_concurrent_executions is None:
            skip(node, "CKV_AWS_115", UNRESERVED)
        if node.dead_letter_config is None:
            # tests/infra/test_scanners.py checks that every function an async source invokes has one.
            has_async_config = node.node.scope.node.try_find_child("EventInvokeConfig") is not None
            skip(node, "CKV_AWS_116", ASYNC_ON_FAILURE if has_async_config else SYNCHRONOUS_ONLY)


def checkov_skips(template: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(logical id, resource type, skip entry) for every checkov skip of a synthesised template."""
    for logical_id, resource in template.get("Resources", {}).items():
        for entry in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            yield logical_id, resource["Type"], entry


def malformed_skips(template: dict[str, Any]) -> list[str]:
    """The skips checkov would honour but this project refuses: no one-line reason, or no check id."""
    problems = []
    for logical_id, _, entry in checkov_skips(template):
        comment = str(entry.get("comment") or "").strip()
        if not CHECK_ID.match(str(entry.get("id", ""))):
            problems.append(f"{logical_id}: {entry.get('id')!r} is not a checkov check id")
        if not comment or "\n" in comment:
            problems.append(f"{logical_id}: the skip of {entry.get('id')} has no one-line reason")
    return problems


def acknowledgement_rows(templates: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(check id, resource type, reason): each acknowledgement once, however many resources share it."""
    return sorted(
        {
            (entry["id"], resource_type, entry["comment"])
            for template in templates.values()
            for _, resource_type, entry in checkov_skips(template)
        }
    )
