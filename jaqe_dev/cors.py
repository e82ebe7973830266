"""CORS preflight as the deployed API answers it: the OPTIONS methods of the synthesised template.

CDK's `default_cors_preflight_options` gives every resource an OPTIONS method with a MOCK
integration: its integration response sets fixed headers (the first allowed origin, methods,
headers, max age if any, `Vary: Origin`) and, with several allowed origins, a mapping template
that answers the caller's own origin when it is one of them. This replays exactly that, so what
a browser is told locally is what the stage tells it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jaqe_dev.template import Route, SynthesizedStack

RESPONSE_HEADER = "method.response.header."
# The template CDK writes for several origins compares the Origin header with each allowed one.
ORIGIN_TEST = re.compile(r'\$origin == "([^"]+)"')


@dataclass(frozen=True)
class Preflight:
    route: Route  # the resource's path, method OPTIONS
    status: int
    headers: dict[str, str]  # the integration response's fixed headers
    echoed_origins: frozenset[str]  # origins answered with themselves (mapping template)

    def answer(self, origin: str | None) -> tuple[int, dict[str, str]]:
        headers = dict(self.headers)
        if origin in self.echoed_origins:
            headers["Access-Control-Allow-Origin"] = origin
        return self.status, headers


def read_preflights(stack: SynthesizedStack) -> list[Preflight]:
    found = []
    for props in stack.of_type("AWS::ApiGateway::Method").values():
        integration = props.get("Integration", {})
        if props.get("HttpMethod") != "OPTIONS" or integration.get("Type") != "MOCK":
            continue
        [response] = integration["IntegrationResponses"]
        headers = {
            name.removeprefix(RESPONSE_HEADER): _literal(value)
            for name, value in response.get("ResponseParameters", {}).items()
        }
        templates = " ".join((response.get("ResponseTemplates") or {}).values())
        route = Route("OPTIONS", stack.resource_path(props["ResourceId"]), "", "NONE")
        found.append(
            Preflight(route, int(response["StatusCode"]), headers, frozenset(ORIGIN_TEST.findall(templates)))
        )
    return found


def _literal(value: Any) -> str:
    """A static response parameter is a quoted string ('https://jaqe.fr')."""
    return str(value).strip("'")


def preflight_answer(
    found: list[Preflight], path: str, origin: str | None
) -> tuple[int, dict[str, str]] | None:
    """The stage's answer to OPTIONS `path`, or None when no resource has a preflight method there."""
    for preflight in found:
        if preflight.route.matches("OPTIONS", path) is not None:
            return preflight.answer(origin)
    return None
