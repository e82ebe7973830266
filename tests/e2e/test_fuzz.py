"""Schemathesis against the OpenAPI document the handlers generate, driving the local server.

Every route of the document: the public site's, the professionals' app (a Cognito ID token of a
seeded professional, from `/_local/login`), and the operators' (`X-Local-Operator`). No 5xx and no
answer outside the document (status, content type, schema) on any route. `FUZZ_EXAMPLES` sets the
cases per route: 25 in `make test` (every route, in CI), 1000 with `make fuzz` (a route with fewer possible inputs,
such as `GET /v1/pro/me`, gets them all); `FUZZ_ROUTES` picks routes. Routes are fuzzed by `FUZZ_WORKERS` client threads
(3 by default) against one server; each route's time is printed.

Then the hostile shapes, on every route of the same document, each once (a few seconds in all):
3,000 nested brackets, `text/plain`, a body over the size limit; and on the routes that read a JSON
body, thousands of unknown keys and CR/LF in every text field. Each gets a 4xx problem document of
a few KB at most, never a 5xx.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from jaqe.platform.api import MAX_BODY_BYTES, MAX_PROBLEM_ERRORS
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from jaqe_dev.seed_professionals import SEED_PASSWORD
from jaqe_dev.template import SynthesizedStack

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
WORKERS = int(os.environ.get("FUZZ_WORKERS", "3"))
# `FUZZ_ROUTES="POST /v1/contact-messages"`: only the routes whose label holds one of these (comma-separated).
ROUTES = [part.strip() for part in os.environ.get("FUZZ_ROUTES", "").split(",") if part.strip()]
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
        # Hypothesis groups what failed (a flaky case): name each cause, not only the group.
        causes = [error, *getattr(error, "exceptions", ())]
        return time.monotonic() - started, " | ".join(f"{type(e).__name__}: {e}" for e in causes)[:2000]
    return time.monotonic() - started, None


@pytest.fixture(scope="module")
def route_headers(server: Any, cdk_out: Any) -> dict[tuple[str, str], dict[str, str]]:
    """What API Gateway wants of each route's caller: an operator (IAM) or a professional's token
    (taken once: fuzzing `/delist` deletes the delisted professional's login)."""
    client, _ = server
    tokens = {PRO: id_token(client, PRO), DELISTED_PRO: id_token(client, DELISTED_PRO)}
    headers = {}
    for route in SynthesizedStack(cdk_out).routes():
        if route.authorization == "AWS_IAM":
            headers[(route.method, route.path)] = {"X-Local-Operator": "fuzz"}
        elif route.authorization == "COGNITO_USER_POOLS":
            pro = DELISTED_PRO if route.path.endswith("/delist") else PRO
            headers[(route.method, route.path)] = {"Authorization": tokens[pro]}
        else:
            headers[(route.method, route.path)] = {}
    return headers


def test_no_route_answers_5xx_or_outside_its_schema(server, route_headers):
    client, _ = server
    status, document = client.call("GET", "/_local/openapi.json")
    assert status == 200
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every route API Gateway serves is in the document, and is fuzzed.
    routes = route_headers
    assert {(o.method.upper(), o.path) for o in operations} == set(routes)

    def headers_for(operation: Any) -> dict[str, str]:
        return routes[(operation.method.upper(), operation.path)]

    if ROUTES:
        operations = [o for o in operations if any(part in o.label for part in ROUTES)]
    started = time.monotonic()
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = {o.label: pool.submit(fuzz_operation, o, client.base, headers_for(o)) for o in operations}
        results = {label: future.result() for label, future in futures.items()}
    for label, (seconds, failure) in sorted(results.items(), key=lambda kv: -kv[1][0]):
        print(f"{seconds:6.1f} s  {label}" + (f"  FAILED\n{failure}" if failure else ""))
    print(f"{len(operations)} routes, {EXAMPLES} cases each, {time.monotonic() - started:.0f} s")
    assert {label: failure for label, (_, failure) in results.items() if failure} == {}


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def line_breaks_everywhere(schema: dict[str, Any], document: dict[str, Any], depth: int = 0) -> Any:
    """A value of `schema` whose every text (in every property, item and alternative) holds a CR/LF."""
    schema = _resolve(schema, document)
    for alternative in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        if _resolve(alternative, document).get("type") != "null":
            return line_breaks_everywhere(alternative, document, depth)
    kind = schema.get("type")
    if kind == "object" and depth < 5:
        properties = schema.get("properties", {})
        return {name: line_breaks_everywhere(sub, document, depth + 1) for name, sub in properties.items()}
    if kind == "array" and depth < 5:
        return [line_breaks_everywhere(schema.get("items", {}), document, depth + 1)]
    return "Jeanne\r\nBcc: victime@example.fr"


def hostile_requests(operation: dict[str, Any], document: dict[str, Any]) -> list[tuple[str, bytes, str]]:
    """(shape, body, content type) to send to one route."""
    shapes = [
        ("3,000 nested brackets", b"[" * 3000, "application/json"),
        ("text/plain", b"token=x&name=x", "text/plain"),
        ("over the size limit", b'{"k": "' + b"x" * MAX_BODY_BYTES + b'"}', "application/json"),
    ]
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        unknown = {f"k{i}": 1 for i in range(3000)}  # about 30 KB: parsed, then refused
        shapes.append(("3,000 unknown keys", json.dumps(unknown).encode(), "application/json"))
        value = line_breaks_everywhere(content["application/json"].get("schema", {}), document)
        shapes.append(("CR/LF in every text", json.dumps(value).encode(), "application/json"))
    return shapes


def send_raw(
    base_url: str, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, str, bytes]:
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def refusal_failures(status: int, content_type: str, answer: bytes) -> list[str]:
    """What is wrong with an answer to a hostile request (nothing, for a small 4xx problem document)."""
    failures = []
    if not 400 <= status < 500:
        failures.append(f"status {status}")
    if content_type != "application/problem+json":
        failures.append(f"content type {content_type!r}")
        return failures
    document = json.loads(answer)
    if {"type", "title", "status", "detail"} - set(document) or document["status"] != status:
        failures.append(f"not a problem document: {answer[:200]!r}")
    if len(document.get("errors", [])) > MAX_PROBLEM_ERRORS or len(answer) > 8192:
        failures.append(f"{len(document.get('errors', []))} errors, {len(answer)} bytes")
    return failures


def test_every_route_answers_hostile_requests_with_a_small_4xx_problem_document(server, route_headers):
    client, _ = server
    _, document = client.call("GET", "/_local/openapi.json")
    headers = route_headers
    requests = [
        (
            method.upper(),
            re.sub(r"\{[^}]+\}", "hostile", path),
            shape,
            body,
            content_type,
            headers[(method.upper(), path)],
            set(operation["responses"]),
        )
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for shape, body, content_type in hostile_requests(operation, document)
    ]
    assert len(requests) > 3 * len(headers)

    def failures_of(request: tuple[str, str, str, bytes, str, dict[str, str], set[str]]) -> list[str]:
        method, path, shape, body, content_type, auth, documented = request
        answer = send_raw(client.base, method, path, body, {"Content-Type": content_type, **auth})
        failures = refusal_failures(*answer)
        if str(answer[0]) not in documented:
            failures.append(f"status {answer[0]} not in the route's documented answers")
        return [f"{method} {path} {shape}: {failure}" for failure in failures]

    started = time.monotonic()
    with ThreadPoolExecutor(WORKERS) as pool:
        failures = [failure for found in pool.map(failures_of, requests) for failure in found]
    print(f"{len(requests)} hostile requests, {time.monotonic() - started:.1f} s")
    assert failures == []
