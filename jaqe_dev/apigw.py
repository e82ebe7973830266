"""API Gateway, locally: routes from the template, REST proxy events, the function's answer."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jaqe.platform.staff import StaffRole, parse_operator, staff_route

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
                "detail": "Aucune route ne correspond à cette adresse.",
            }
            return ApiResponse(404, {"Content-Type": "application/problem+json"}, json.dumps(problem))
        caller = caller or Caller()
        if route.authorization == "AWS_IAM" and not caller.iam_user:
            operator = _iam_caller(headers)
            if operator is None:
                return _forbidden(
                    "Operators' API: sign the request (IAM); locally, send X-Local-Operator: <name>[:<role>]."
                )
            name, role = operator
            staff = staff_route(method, route.path)
            if role is None or staff is None or role not in staff.roles:
                # As IAM would refuse a staff role's call outside its routes (jaqe.platform.staff).
                return _forbidden(
                    f"Le rôle « {role or 'inconnu'} » ne permet pas d'appeler {method} {route.path}."
                )
            caller.iam_user = f"arn:aws:iam::123456789012:user/{name}"
        elif route.authorization == "COGNITO_USER_POOLS":
            verified = cognito_caller(headers, caller)
            if isinstance(verified, ApiResponse):
                return verified
            caller = verified
        event = proxy_event(route, parts.path, params, method, query, headers, body, caller)
        result = self.lambdas.invoke(route.function, event)
        response_headers = dict(result.get("headers") or {})
        for key, values in (result.get("multiValueHeaders") or {}).items():
            response_headers[key] = ", ".join(values)
        text = result.get("body") or ""
        if result.get("isBase64Encoded"):
            text = base64.b64decode(text).decode()
        return ApiResponse(int(result["statusCode"]), response_headers, text)


OPERATOR_HEADER = "X-Local-Operator"


def _iam_caller(headers: dict[str, str]) -> tuple[str, StaffRole | None] | None:
    """Locally, an IAM-signed operator is whoever names themselves in X-Local-Operator: `name:role`
    (`alice:support`), a bare name meaning `dpo`; the role None when it is not a staff role."""
    value = next((v for k, v in headers.items() if k.lower() == "x-local-operator"), None)
    return parse_operator(value) if value and value.strip() else None


def _forbidden(detail: str) -> ApiResponse:
    problem = {
        "type": "https://jaqe.fr/problems/forbidden",
        "title": "Accès refusé",
        "status": 403,
        "detail": detail,
    }
    return ApiResponse(
        403, {"Content-Type": "application/problem+json"}, json.dumps(problem, ensure_ascii=False)
    )


def cognito_caller(headers: dict[str, str], caller: Caller) -> Caller | ApiResponse:
    """COGNITO_USER_POOLS routes: an ID token of the local pool in `Authorization` (401 otherwise),
    its claims passed on as API Gateway does. Claims given by in-process tests are taken as verified."""
    if caller.claims:
        return caller
    from jaqe_dev.cognito import verify_id_token

    token = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    claims = verify_id_token(token)
    if claims is None:
        problem = {
            "type": "https://jaqe.fr/problems/unauthorized",
            "title": "Jeton de connexion absent, invalide ou expiré",
            "status": 401,
            "detail": "Connectez-vous à l'application JAQE Pro (jeton d'identité Cognito dans Authorization).",
        }
        return ApiResponse(401, {"Content-Type": "application/problem+json"}, json.dumps(problem))
    return Caller(claims=claims)
