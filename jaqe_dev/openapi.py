"""One OpenAPI document for the whole API, generated from the handlers' models.

Each API function's resolver describes its own routes; this merges them and declares the
error answers as they really are: RFC 9457 problem documents (`application/problem+json`).
"""

from __future__ import annotations

import json
from typing import Any

from jaqe_dev.lambdas import LocalLambdas

ERROR_STATUSES = {
    "400": "Malformed request (JSON unreadable or nested too deep)",
    "401": "Sign-in required (professionals' app)",
    "403": "Not allowed (unsigned operator request, WAF)",
    "404": "Not found",
    "409": "Conflict",
    "410": "Link expired or used",
    "413": "Body over the size limit (64 KB; 10 MB at API Gateway)",
    "415": "Media type this route does not document",
    "422": "Invalid fields",
    "503": "Temporarily unavailable",
}


def combined_openapi(lambdas: LocalLambdas) -> dict[str, Any]:
    from jaqe.platform.api import ProblemDocument

    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "JAQE API",
            "version": "1",
            "description": "Public site, professionals' app and operators.",
        },
        "paths": {},
        "components": {"schemas": {}},
    }
    functions = sorted({route.function for route in lambdas.provisioned.stack.routes()})
    for logical_id in functions:
        part = json.loads(lambdas.resolver_of(logical_id).get_openapi_json_schema())
        document["paths"].update(part.get("paths", {}))
        document["components"]["schemas"].update(part.get("components", {}).get("schemas", {}))
    problem_schema = ProblemDocument.model_json_schema(ref_template="#/components/schemas/{model}")
    document["components"]["schemas"].update(problem_schema.pop("$defs", {}))
    document["components"]["schemas"]["ProblemDocument"] = problem_schema
    problem = {
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDocument"}}}
    }
    for operations in document["paths"].values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                # A route's own error answers stay (a link's page says it is dead); problem documents join them.
                own = responses.get(status, {})
                responses[status] = {
                    "description": own.get("description", description),
                    "content": {**problem["content"], **own.get("content", {})},
                }
    for name in ("HTTPValidationError", "ValidationError"):
        document["components"]["schemas"].pop(name, None)
    return document
