"""Reads the synthesised CloudFormation template: one source of truth for local resources."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CDK_OUT = ROOT / "cdk.out"
MAIN_STACK = "JaqeMain"
INBOUND_STACK = "JaqeInbound"


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    name: str
    code_dir: Path
    handler: str
    environment: dict[str, Any]
    timeout: int


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str
    authorization: str

    def matches(self, method: str, path: str) -> dict[str, str] | None:
        """Path parameters when `path` fits this route's template (`/v1/x/{id}`), else None."""
        if method != self.method:
            return None
        pattern, actual = self.path.strip("/").split("/"), path.strip("/").split("/")
        if len(pattern) != len(actual):
            return None
        params: dict[str, str] = {}
        for expected, value in zip(pattern, actual, strict=True):
            if expected.startswith("{") and expected.endswith("}"):
                params[expected[1:-1]] = value
            elif expected != value:
                return None
        return params


class SynthesizedStack:
    def __init__(self, outdir: Path = CDK_OUT, stack: str = MAIN_STACK) -> None:
        self.outdir = outdir
        self.template: dict[str, Any] = _parsed(outdir / f"{stack}.template.json")
        self.resources: dict[str, dict[str, Any]] = self.template["Resources"]
        # Indexed once: every local stack asks for some twenty types of a template of ~500 resources.
        self._by_type: dict[str, dict[str, dict[str, Any]]] = {}
        for logical_id, resource in self.resources.items():
            self._by_type.setdefault(resource["Type"], {})[logical_id] = resource.get("Properties", {})

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return dict(self._by_type.get(resource_type, {}))

    def functions(self) -> dict[str, FunctionSpec]:
        specs = {}
        for logical_id, props in self.of_type("AWS::Lambda::Function").items():
            code = props.get("Code", {})
            if "S3Key" not in code:
                continue  # inline helper functions CDK adds (none run locally)
            asset = code["S3Key"].removesuffix(".zip")
            variables = props.get("Environment", {}).get("Variables", {})
            specs[logical_id] = FunctionSpec(
                logical_id=logical_id,
                name=variables.get("POWERTOOLS_SERVICE_NAME", logical_id),
                code_dir=self.outdir / f"asset.{asset}",
                handler=props["Handler"],
                environment=variables,
                timeout=int(props.get("Timeout", 3)),
            )
        return specs

    def resource_path(self, resource_ref: Any) -> str:
        """The path of an API resource (`Ref` to an AWS::ApiGateway::Resource), "/" for the root."""
        resources = self.of_type("AWS::ApiGateway::Resource")

        def path_of(ref: Any) -> str:
            if isinstance(ref, dict) and "Ref" in ref:
                props = resources[ref["Ref"]]
                return path_of(props["ParentId"]) + "/" + props["PathPart"]
            return ""  # the API root (Fn::GetAtt RootResourceId)

        return path_of(resource_ref) or "/"

    def routes(self) -> list[Route]:
        routes = []
        for props in self.of_type("AWS::ApiGateway::Method").values():
            integration = props.get("Integration", {})
            if integration.get("Type") != "AWS_PROXY":
                continue
            function = self._function_of(integration["Uri"])
            routes.append(
                Route(
                    method=props["HttpMethod"],
                    path=self.resource_path(props["ResourceId"]),
                    function=function,
                    authorization=props.get("AuthorizationType", "NONE"),
                )
            )
        return routes

    def _function_of(self, uri: Any) -> str:
        """The function an integration invokes: through its alias (SnapStart), or named directly."""
        aliases = self.of_type("AWS::Lambda::Alias")
        alias = next((aliases[ref] for ref in _refs(uri) if ref in aliases), None)
        return str(alias["FunctionName"]["Ref"]) if alias else find_get_att(uri)


def _parsed(path: Path) -> dict[str, Any]:
    """The template as read last, unless synthesis rewrote it since (every local stack reads both)."""
    return _parsed_version(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _parsed_version(path: Path, _mtime_ns: int) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


def _refs(value: Any) -> list[str]:
    if isinstance(value, dict):
        return (
            [str(value["Ref"])] if "Ref" in value else [r for inner in value.values() for r in _refs(inner)]
        )
    if isinstance(value, list):
        return [r for inner in value for r in _refs(inner)]
    return []


def find_get_att(value: Any) -> str:
    if isinstance(value, dict):
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
        for inner in value.values():
            found = find_get_att(inner)
            if found:
                return found
    if isinstance(value, list):
        for inner in value:
            found = find_get_att(inner)
            if found:
                return found
    return ""
