"""The API's stage URL, read at run time from the SSM parameter the stack writes once the API exists.

Given in the functions' environment instead, it would make every function depend on the API's
deployment, which depends on them (a cycle CloudFormation refuses). Read once per container,
on the first link built, not at import: most invocations send no link.
"""

from __future__ import annotations

from functools import cache
from typing import Any


def ssm_client(region: str) -> Any:
    """Its own client, not `jaqe.platform.aws`'s: settings read this module, and that one reads settings."""
    import boto3

    return boto3.client("ssm", region_name=region)


@cache
def stage_url(parameter: str, region: str) -> str:
    """`https://<id>.execute-api.<region>.amazonaws.com/<stage>`, without the trailing slash."""
    value: str = ssm_client(region).get_parameter(Name=parameter)["Parameter"]["Value"]
    return value.rstrip("/")
