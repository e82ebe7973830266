"""One OpenAPI document for the whole API, generated from the handlers' models.

Each API function's resolver describes its own routes; this merges them and declares the
error answers as they really are: RFC 9457 problem documents (`application/problem+json`); who
may call each route, as the synthesised template authorises it (IAM SigV4 for operators, the
Cognito user pool for professionals); the servers; the `Idempotency-Key` header where a route
runs its use case once per key. Built here, in the local stack only: nothing of it is imported
by a Lambda function.
"""

from __future__ import annotations

import json
from typing import Any

from jaqe_dev.lambdas import LocalLambdas

SIGN_IN_REQUIRED = "401"
ERROR_STATUSES = {
    "400": "Malformed request (JSON unreadable or nested too deep)",
    "401": "Sign-in required (professionals' app: no valid Cognito ID token)",
    "403": "Not allowed (unsigned operator request, WAF)",
    "404": "Not found",
    "409": "Conflict",
    "410": "Link expired or used",
    "413": "Body over the size limit (64 KB; 10 MB at API Gateway)",
    "415": "Media type this route does not document",
    "422": "Invalid fields",
    "503": "Temporarily unavailable",
}


PRODUCTION_URL = "https://api.jaqe.fr"  # infra's default public_api_url
SECURITY_SCHEMES: dict[str, Any] = {
    "sigv4": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "Operators' API: requests signed with AWS Signature Version 4 (IAM). "
        "Locally, send X-Local-Operator instead.",
        "x-amazon-apigateway-authtype": "awsSigv4",
    },
    "localOperator": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Local-Operator",
        "description": "make dev only: the operator's name stands for an IAM signature.",
    },
    "cognito": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "Professionals' app: an ID token of the Cognito user pool "
        "(locally from POST /_local/login).",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
    },
}
# Each alternative is enough (OpenAPI: a list of requirement objects is an OR).
SECURITY_BY_AUTHORIZATION: dict[str, list[dict[str, list[str]]]] = {
    "AWS_IAM": [{"sigv4": []}, {"localOperator": []}],
    "COGNITO_USER_POOLS": [{"cognito": []}],
    "NONE": [],
}
IDEMPOTENCY_KEY = {
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 200},
    "description": "A retry with the same key (same body) gets the first answer; nothing is done twice.",
}


def _idempotent_operations(resolver: Any) -> set[tuple[str, str]]:
    """(method, path) of the routes whose function runs its use case through run_idempotent."""
    routes = [*resolver._static_routes, *resolver._dynamic_routes]
    return {
        (route.method.lower(), route.openapi_path)
        for route in routes
        if "run_idempotent" in route.func.__code__.co_names
    }


def combined_openapi(lambdas: LocalLambdas, local_url: str = "http://127.0.0.1:3000") -> dict[str, Any]:
    from jaqe.platform.api import IDEMPOTENCY_HEADER, ProblemDocument

    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "JAQE API",
            "version": "1",
            "description": "Public site, professionals' app and operators.",
        },
        "servers": [
            {"url": local_url, "description": "make dev (this local stack)"},
            {"url": PRODUCTION_URL, "description": "production (the deployment's public_api_url)"},
        ],
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": SECURITY_SCHEMES},
    }
    routes = lambdas.provisioned.stack.routes()
    idempotent: set[tuple[str, str]] = set()
    for logical_id in sorted({route.function for route in routes}):
        resolver = lambdas.resolver_of(logical_id)
        idempotent |= _idempotent_operations(resolver)
        part = json.loads(resolver.get_openapi_json_schema())
        document["paths"].update(part.get("paths", {}))
        document["components"]["schemas"].update(part.get("components", {}).get("schemas", {}))
    problem_schema = ProblemDocument.model_json_schema(ref_template="#/components/schemas/{model}")
    document["components"]["schemas"].update(problem_schema.pop("$defs", {}))
    document["components"]["schemas"]["ProblemDocument"] = problem_schema
    problem = {
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDocument"}}}
    }
    authorization = {(route.method.lower(), route.path): route.authorization for route in routes}
    idempotency_key = {"name": IDEMPOTENCY_HEADER, **IDEMPOTENCY_KEY}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            authorised_by = authorization.get((method, path), "NONE")
            operation["security"] = SECURITY_BY_AUTHORIZATION[authorised_by]
            if (method, path) in idempotent:
                operation.setdefault("parameters", []).append(idempotency_key)
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                if status == SIGN_IN_REQUIRED and authorised_by != "COGNITO_USER_POOLS":
                    continue  # only the Cognito authoriser answers 401
                # A route's own error answers stay (a link's page says it is dead); problem documents join them.
                own = responses.get(status, {})
                responses[status] = {
                    "description": own.get("description", description),
                    "content": {**problem["content"], **own.get("content", {})},
                }
    for name in ("HTTPValidationError", "ValidationError"):
        document["components"]["schemas"].pop(name, None)
    return document
