"""API functions run on SnapStart: published versions, a `live` alias, API Gateway integrated on the alias."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.constructs.functions import LIVE_ALIAS
from infra.constructs.memory import API_FLOOR_MB, ASYNC_FLOOR_MB, BATCH_FLOOR_MB, MEASURED_PEAK_MB, memory_mb

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
    parts = uri["Fn::Join"][1]
    [ref] = [p["Ref"] for p in parts if isinstance(p, dict) and not p.get("Ref", "AWS::").startswith("AWS::")]
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


def test_every_functions_memory_size_follows_the_rule_from_its_measured_peak(cdk_out, template):
    inbound = json.loads((cdk_out / "JaqeInbound.template.json").read_text())
    aliased = {a["FunctionName"]["Ref"] for a in of_type(template, "AWS::Lambda::Alias").values()}
    sized = {}
    for stack in (template, inbound):
        for logical_id, function in of_type(stack, "AWS::Lambda::Function").items():
            if "S3Key" not in function["Code"]:
                continue  # CDK's inline helpers
            name = function["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
            expected = memory_mb(name, api=logical_id in aliased, timeout_seconds=function["Timeout"])
            assert function["MemorySize"] == expected, name
            sized[name] = function["MemorySize"]
    assert set(sized) == set(MEASURED_PEAK_MB)  # every function measured, no stale entry
    assert sized["quote_requests"] == API_FLOOR_MB and sized["mail_feedback"] == ASYNC_FLOOR_MB


def test_the_sizing_rule_doubles_the_peak_in_64_mb_steps_above_each_kind_of_floor(monkeypatch):
    monkeypatch.setitem(MEASURED_PEAK_MB, "trades", 300)
    assert memory_mb("trades", api=True, timeout_seconds=10) == 640
    assert memory_mb("mail_feedback", api=False, timeout_seconds=10) == ASYNC_FLOOR_MB
    assert memory_mb("reconciliation", api=False, timeout_seconds=900) == BATCH_FLOOR_MB
    with pytest.raises(KeyError, match=r"bench\.memory"):
        memory_mb("unmeasured", api=False, timeout_seconds=10)
