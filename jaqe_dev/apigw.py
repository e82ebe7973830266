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
        authorized = authorize(route, headers, caller or Caller())
        if isinstance(authorized, ApiResponse):
            return authorized
        event = proxy_event(route, parts.path, params, method, query, headers, body, authorized)
        result = self.lambdas.invoke(route.function, event)
        response_headers = dict(result.get("headers") or {})
        for key, values in (result.get("multiValueHeaders") or {}).items():
            response_headers[key] = ", ".join(values)
        text = result.get("body") or ""
        if result.get("isBase64Encoded"):
            text = base64.b64decode(text).decode()
        return ApiResponse(int(result["statusCode"]), response_headers, text)


OPERATOR_HEADER = "X-Local-Operator"


def _refusal(status: int, slug: str, title: str) -> ApiResponse:
    problem = {"type": f"https://jaqe.fr/problems/{slug}", "title": title, "status": status}
    return ApiResponse(status, {"Content-Type": "application/problem+json"}, json.dumps(problem))


def authorize(route: Route, headers: dict[str, str], caller: Caller) -> Caller | ApiResponse:
    """What API Gateway checks before the function runs.

    COGNITO_USER_POOLS: an ID token of the local pool in `Authorization` (401 otherwise), its
    claims passed on. AWS_IAM (operators): locally, `X-Local-Operator: <name>` stands for a SigV4
    signature (403 otherwise). A `Caller` given by in-process tests is taken as already verified.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    if route.authorization == "COGNITO_USER_POOLS" and not caller.claims:
        from jaqe_dev.cognito import verify_id_token

        claims = verify_id_token(lowered.get("authorization", ""))
        if claims is None:
            return _refusal(401, "unauthorized", "Jeton de connexion absent, invalide ou expiré")
        return Caller(claims=claims)
    if route.authorization == "AWS_IAM" and not caller.iam_user:
        operator = lowered.get(OPERATOR_HEADER.lower(), "").strip()
        if not operator:
            return _refusal(403, "forbidden", "Réservé au personnel habilité (signature IAM requise)")
        return Caller(iam_user=f"arn:aws:iam::123456789012:user/{operator}")
    return caller
