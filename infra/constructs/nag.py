"""Per-resource cdk-nag acknowledgements, each with its reason (never stack-wide).

`rule` is the finding id after `AwsSolutions-`, e.g. `APIG4` or `IAM5[Resource::*]`
(cdk-nag 3 reports wildcard findings one by one).
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct


def acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    Validations.of(construct).acknowledge(Acknowledgment(id=f"AwsSolutions-{rule}", reason=reason))
