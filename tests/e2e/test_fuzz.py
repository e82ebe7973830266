"""Schemathesis against the OpenAPI document the handlers generate, driving the local server.

No 5xx and no answer outside the document (status, content type, schema) on any route.
`FUZZ_EXAMPLES` sets the cases per route: 200 in `make test`, more with `make fuzz`.
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
# `FUZZ_ROUTES=all` (make fuzz) adds the professionals', rights and operators' routes.
PUBLIC_ONLY = os.environ.get("FUZZ_ROUTES", "public") == "public"
WORKFLOW_PREFIXES = ("/v1/pro/", "/v1/admin/", "/v1/rights-requests", "/v1/professionals")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_no_route_answers_5xx_or_outside_its_schema(server):
    client, _ = server
    status, document = client.call("GET", "/_local/openapi.json")
    assert status == 200 and len(document["paths"]) >= 8
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    if PUBLIC_ONLY:
        operations = [o for o in operations if not o.path.startswith(WORKFLOW_PREFIXES)]
    failures: dict[str, str] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
        )
        def fuzz(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=client.base, checks=CHECKS, headers={"X-Local-Operator": "fuzz"}, timeout=20
            )

        try:
            fuzz()
        except Exception as error:  # report every failing route, not only the first
            failures[operation.label] = str(error)[:2000]
    assert len(operations) >= (8 if PUBLIC_ONLY else 20)
    assert failures == {}
