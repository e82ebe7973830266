"""Schemathesis against the OpenAPI document the handlers generate, driving the local server.

Every route of the document: the public site's, the professionals' app (a Cognito ID token of a
seeded professional, from `/_local/login`), and the operators' (`X-Local-Operator`). No 5xx and no
answer outside the document (status, content type, schema) on any route. `FUZZ_EXAMPLES` sets the
cases per route: 40 in `make test` (every route, in CI), 1000 with `make fuzz` (a route with fewer possible inputs,
such as `GET /v1/pro/me`, gets them all). Routes are fuzzed by `FUZZ_WORKERS` client threads
(3 by default) against one server; each route's time is printed.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from jaqe_dev.seed_professionals import SEED_PASSWORD
from jaqe_dev.template import SynthesizedStack

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
WORKERS = int(os.environ.get("FUZZ_WORKERS", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The app's routes act as a seeded professional; delisting deletes the login, so it gets its own.
PRO = "pro.peinture@example.fr"
DELISTED_PRO = "pro.jardinage@example.fr"


def id_token(client: Any, email: str) -> str:
    status, answer = client.call("POST", "/_local/login", {"email": email, "password": SEED_PASSWORD})
    assert status == 200, answer
    return str(answer["id_token"])


def fuzz_operation(operation: Any, base_url: str, headers: dict[str, str]) -> tuple[float, str | None]:
    """(seconds, failure or None) after `EXAMPLES` generated cases on one route."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=base_url, checks=CHECKS, headers=headers, timeout=20)

    started = time.monotonic()
    try:
        fuzz()
    except Exception as error:  # report every failing route, not only the first
        return time.monotonic() - started, str(error)[:2000]
    return time.monotonic() - started, None


def test_no_route_answers_5xx_or_outside_its_schema(server, cdk_out):
    client, _ = server
    status, document = client.call("GET", "/_local/openapi.json")
    assert status == 200
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every route API Gateway serves is in the document, and is fuzzed.
    routes = {(r.method, r.path): r.authorization for r in SynthesizedStack(cdk_out).routes()}
    assert {(o.method.upper(), o.path) for o in operations} == set(routes)
    tokens = {PRO: id_token(client, PRO), DELISTED_PRO: id_token(client, DELISTED_PRO)}

    def headers_for(operation: Any) -> dict[str, str]:
        authorization = routes[(operation.method.upper(), operation.path)]
        if authorization == "AWS_IAM":
            return {"X-Local-Operator": "fuzz"}
        if authorization == "COGNITO_USER_POOLS":
            return {"Authorization": tokens[DELISTED_PRO if operation.path.endswith("/delist") else PRO]}
        return {}

    started = time.monotonic()
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = {o.label: pool.submit(fuzz_operation, o, client.base, headers_for(o)) for o in operations}
        results = {label: future.result() for label, future in futures.items()}
    for label, (seconds, failure) in sorted(results.items(), key=lambda kv: -kv[1][0]):
        print(f"{seconds:6.1f} s  {label}{'  FAILED' if failure else ''}")
    print(f"{len(operations)} routes, {EXAMPLES} cases each, {time.monotonic() - started:.0f} s")
    assert {label: failure for label, (_, failure) in results.items() if failure} == {}
