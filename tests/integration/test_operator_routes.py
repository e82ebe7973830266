"""Operators' routes check the operator in the handler too, not only at the gateway (C4-01).

IAM guards `/v1/admin` at API Gateway when deployed; a route wired without it by mistake, or a
function invoked directly, must still refuse a caller with no operator identity.
"""

from __future__ import annotations

import json
import re

from jaqe_dev.apigw import Caller, proxy_event
from jaqe_dev.stack import LocalStack

SAMPLE_ID = "00000000000000000000000000000000"


def _admin_routes(local: LocalStack) -> list:
    return [route for route in local.api.routes if route.path.startswith("/v1/admin")]


def test_every_operator_route_is_iam_authorised_at_the_gateway(local: LocalStack) -> None:
    """C4-01: the template puts IAM on each `/v1/admin` route, and only operators' routes use IAM."""
    iam = {(r.method, r.path) for r in local.api.routes if r.authorization == "AWS_IAM"}
    admin = {(r.method, r.path) for r in _admin_routes(local) if r.method != "OPTIONS"}
    assert admin and iam == admin


def test_every_operator_route_refuses_a_caller_without_operator_identity_in_its_handler(
    local: LocalStack,
) -> None:
    """C4-01: each `/v1/admin` route of the template, invoked without an IAM identity: 403, nothing done."""
    routes = [r for r in _admin_routes(local) if r.method != "OPTIONS"]
    assert len(routes) >= 20, "the walk must reach every operators' route of the template"
    for route in routes:
        params = dict.fromkeys(re.findall(r"{(\w+)}", route.path), SAMPLE_ID)
        path = route.path.format(**params)
        event = proxy_event(
            route, path, params, route.method, {}, {"Content-Type": "application/json"}, "{}", Caller()
        )
        result = local.lambdas.invoke(route.function, event)
        where = f"{route.method} {route.path}"
        assert result["statusCode"] == 403, where
        assert result["headers"]["Content-Type"] == "application/problem+json", where
        assert json.loads(result["body"])["type"].endswith("/forbidden"), where
