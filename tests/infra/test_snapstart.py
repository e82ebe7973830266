"""API functions run on SnapStart: published versions, a `live` alias, API Gateway integrated on the alias."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.constructs.functions import LIVE_ALIAS

pytestmark = pytest.mark.infra


def of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in template["Resources"].items() if v["Type"] == resource_type}


def proxy_integrations(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        m["Integration"]
        for m in of_type(template, "AWS::ApiGateway::Method").values()
        if m.get("Integration", {}).get("Type") == "AWS_PROXY"
    ]


def invoked(uri: dict[str, Any]) -> str:
    """The logical id an integration URI names (`Fn::Join` of the invocation path around one Ref)."""
    [ref] = [part["Ref"] for part in uri["Fn::Join"][1] if isinstance(part, dict) and "Ref" in part][1:]
    return str(ref)


def test_every_api_method_integration_invokes_a_live_alias(template):
    aliases = of_type(template, "AWS::Lambda::Alias")
    integrations = proxy_integrations(template)
    assert integrations
    for integration in integrations:
        assert invoked(integration["Uri"]) in aliases
        assert "Fn::GetAtt" not in json.dumps(integration["Uri"])  # never the function's $LATEST


def test_every_api_function_has_snapstart_on_published_versions_a_version_and_its_live_alias(template):
    functions = of_type(template, "AWS::Lambda::Function")
    versions = of_type(template, "AWS::Lambda::Version")
    aliases = of_type(template, "AWS::Lambda::Alias")
    api_functions = {aliases[invoked(i["Uri"])]["FunctionName"]["Ref"] for i in proxy_integrations(template)}
    assert len(api_functions) >= 10
    for logical_id in api_functions:
        function = functions[logical_id]
        assert function["SnapStart"] == {"ApplyOn": "PublishedVersions"}
        runtime = function["Runtime"]
        assert runtime.startswith("python3.") and int(runtime.split(".")[1]) >= 12  # SnapStart's minimum
        [alias] = [a for a in aliases.values() if a["FunctionName"] == {"Ref": logical_id}]
        assert alias["Name"] == LIVE_ALIAS
        version = versions[alias["FunctionVersion"]["Fn::GetAtt"][0]]
        assert version["FunctionName"] == {"Ref": logical_id}
    # Only API functions are published: the others are invoked on $LATEST by queues, streams, schedules.
    assert {a["FunctionName"]["Ref"] for a in aliases.values()} == api_functions


def test_api_gateway_may_invoke_each_alias_from_the_stage_only_and_nothing_else(template):
    aliases = of_type(template, "AWS::Lambda::Alias")
    permissions = [
        p
        for p in of_type(template, "AWS::Lambda::Permission").values()
        if p["Principal"] == "apigateway.amazonaws.com"
    ]
    targets = [p["FunctionName"]["Ref"] for p in permissions]
    assert sorted(targets) == sorted(aliases)  # one each, on the alias, none on a function's $LATEST
    for permission in permissions:
        source = json.dumps(permission["SourceArn"])
        assert ":execute-api:" in source and "DeploymentStageprod" in source and source.endswith('"/*/*"]]}')
