"""Operators' routes check the operator in the handler too, not only at the gateway (C4-01).

IAM guards `/v1/admin` at API Gateway when deployed; a route wired without it by mistake, or a
function invoked directly, must still refuse a caller with no operator identity.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jaqe_dev.apigw import ApiResponse, Caller, proxy_event
from jaqe_dev.stack import LocalStack
from tests.integration.seeds import all_items

SAMPLE_ID = "00000000000000000000000000000000"
OPERATOR = Caller(iam_user="arn:aws:iam::123456789012:user/alice")


def unsigned(
    local: LocalStack, method: str, path: str, body: Any = None, caller: Caller | None = None
) -> ApiResponse:
    """The route's function called as API Gateway would call it if IAM were missing on the route: no
    IAM identity (or `caller`'s), straight to the handler, past the local gateway's own IAM check."""
    for route in local.api.routes:
        params = route.matches(method, path)
        if params is not None:
            break
    else:
        raise AssertionError(f"no route {method} {path}")
    headers = {"Content-Type": "application/json"}
    text = None if body is None else json.dumps(body)
    event = proxy_event(route, path, params, method, {}, headers, text, caller or Caller())
    result = local.lambdas.invoke(route.function, event)
    headers = dict(result.get("headers") or {})
    headers.update({k: ", ".join(v) for k, v in (result.get("multiValueHeaders") or {}).items()})
    return ApiResponse(int(result["statusCode"]), headers, result.get("body") or "")


def _admin_routes(local: LocalStack) -> list:
    return [route for route in local.api.routes if route.path.startswith("/v1/admin")]


def test_every_operator_route_is_iam_authorised_at_the_gateway(local: LocalStack) -> None:
    """C4-01: the template puts IAM on each `/v1/admin` route, and only operators' routes use IAM."""
    iam = {(r.method, r.path) for r in local.api.routes if r.authorization == "AWS_IAM"}
    admin = {(r.method, r.path) for r in _admin_routes(local) if r.method != "OPTIONS"}
    assert admin and iam == admin


def test_c4_01_every_operator_route_refuses_a_caller_without_operator_identity_in_its_handler(
    local: LocalStack,
) -> None:
    """C4-01: each `/v1/admin` route of the template, its function invoked without an IAM identity:
    403, and nothing written or sent; the same call signed by an operator is not refused (the 403 is
    the identity's, not the sample's)."""
    routes = [r for r in _admin_routes(local) if r.method != "OPTIONS"]
    assert len(routes) >= 20, "the walk must reach every operators' route of the template"
    before = (all_items(local), len(local.outbox()))
    for route in routes:
        path = route.path.format(**dict.fromkeys(re.findall(r"{(\w+)}", route.path), SAMPLE_ID))
        where = f"{route.method} {route.path}"

        refused = unsigned(local, route.method, path, {})

        assert refused.status == 403, where
        assert refused.headers["Content-Type"] == "application/problem+json", where
        assert json.loads(refused.body)["type"].endswith("/forbidden"), where
        assert (all_items(local), len(local.outbox())) == before, where
    for route in routes:
        path = route.path.format(**dict.fromkeys(re.findall(r"{(\w+)}", route.path), SAMPLE_ID))
        assert unsigned(local, route.method, path, {}, OPERATOR).status != 403, f"{route.method} {route.path}"
