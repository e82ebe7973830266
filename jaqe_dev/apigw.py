"""API Gateway, locally: routes from the template, REST proxy events, the function's answer."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jaqe_dev.lambdas import LocalLambdas
from jaqe_dev.template import Route


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Caller:
    """Who calls: anonymous, a professional (Cognito claims) or an operator (IAM)."""

    claims: dict[str, str] = field(default_factory=dict)
    iam_user: str | None = None


def proxy_event(
    route: Route,
    path: str,
    path_params: dict[str, str],
    method: str,
    query: dict[str, str],
    headers: dict[str, str],
    body: str | None,
    caller: Caller,
) -> dict[str, Any]:
    request_id = str(uuid.uuid4())
    authorizer = {"claims": caller.claims} if caller.claims else None
    return {
        "resource": route.path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} or None,
        "pathParameters": path_params or None,
        "stageVariables": None,
        "requestContext": {
            "requestId": request_id,
            "resourcePath": route.path,
            "httpMethod": method,
            "path": f"/prod{path}",
            "stage": "prod",
            "accountId": "123456789012",
            "identity": {"sourceIp": "127.0.0.1", "userArn": caller.iam_user},
            "authorizer": authorizer,
        },
        "body": body,
        "isBase64Encoded": False,
    }


class LocalApi:
    def __init__(self, lambdas: LocalLambdas) -> None:
        self.lambdas = lambdas
        self.routes = lambdas.provisioned.stack.routes()

    def request(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        caller: Caller | None = None,
    ) -> ApiResponse:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        headers = {"Content-Type": "application/json", **(headers or {})}
        if json_body is not None:
            body = json.dumps(json_body)
        for route in self.routes:
            params = route.matches(method, parts.path)
            if params is not None:
                break
        else:
            problem = {
                "type": "https://jaqe.fr/problems/not-found",
                "title": "Ressource introuvable",
                "status": 404,
            }
            return ApiResponse(404, {"Content-Type": "application/problem+json"}, json.dumps(problem))
        if route.authorization == "AWS_IAM":
            caller = _iam_caller(headers, caller)
            if caller is None:
                problem = {
                    "type": "https://jaqe.fr/problems/forbidden",
                    "title": "Accès refusé",
                    "status": 403,
                    "detail": "Route IAM : en local, passez l'en-tête X-Local-Operator: <nom>.",
                }
                return ApiResponse(403, {"Content-Type": "application/problem+json"}, json.dumps(problem))
        event = proxy_event(route, parts.path, params, method, query, headers, body, caller or Caller())
        result = self.lambdas.invoke(route.function, event)
        response_headers = dict(result.get("headers") or {})
        for key, values in (result.get("multiValueHeaders") or {}).items():
            response_headers[key] = ", ".join(values)
        text = result.get("body") or ""
        if result.get("isBase64Encoded"):
            text = base64.b64decode(text).decode()
        return ApiResponse(int(result["statusCode"]), response_headers, text)


def _iam_caller(headers: dict[str, str], caller: Caller | None) -> Caller | None:
    """IAM-authorised routes, locally: `X-Local-Operator: <name>` stands for a SigV4-signed IAM user."""
    if caller is not None and caller.iam_user:
        return caller
    name = next((v for k, v in headers.items() if k.lower() == "x-local-operator"), "").strip()
    if not name:
        return None
    return Caller(iam_user=f"arn:aws:iam::123456789012:user/{name}")
