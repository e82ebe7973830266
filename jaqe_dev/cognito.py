"""Cognito, locally: the API Gateway Cognito authorizer, and a login helper for `make dev`.

moto issues real RS256 JWTs for its user pools. A COGNITO_USER_POOLS route accepts only an ID
token that one of the provisioned pools issued (signature checked with the pool's key, issuer,
`token_use`, expiry, user still present), and hands its claims to the function as
`requestContext.authorizer.claims`, as API Gateway does.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import boto3

from jaqe_dev.provision import ACCOUNT, REGION, Provisioned


def _pools() -> dict[str, Any]:
    from moto.cognitoidp.models import cognitoidp_backends

    return dict(cognitoidp_backends[ACCOUNT][REGION].user_pools)


def _payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def verify_id_token(token: str) -> dict[str, str] | None:
    """The claims of a valid ID token of a local user pool, or None."""
    from joserfc import jwt
    from joserfc.errors import JoseError

    token = token.removeprefix("Bearer ").strip()
    try:
        claims = _payload(token)
    except (ValueError, IndexError):
        return None
    for pool_id, pool in _pools().items():
        if claims.get("iss") != f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}":
            continue
        try:
            jwt.decode(token, pool.json_web_key)
        except (JoseError, ValueError):
            return None
        issued = pool.id_tokens.get(token)
        if claims.get("token_use") != "id" or issued is None or int(claims.get("exp", 0)) <= time.time():
            return None
        if pool._get_user(issued[1]) is None:
            return None  # the login was deleted (delisted professional)
        return {k: str(v) for k, v in claims.items() if isinstance(v, str | int)}
    return None


def login(
    provisioned: Provisioned, email: str, password: str, new_password: str | None = None
) -> dict[str, Any]:
    """Signs in as a professional (answering the first-login new-password challenge if asked)."""
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool_id = provisioned.names[next(iter(provisioned.stack.of_type("AWS::Cognito::UserPool")))]
    client_id = provisioned.names[next(iter(provisioned.stack.of_type("AWS::Cognito::UserPoolClient")))]
    answer = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email.strip().lower(), "PASSWORD": password},
    )
    if answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        if not new_password:
            return {"challenge": "NEW_PASSWORD_REQUIRED", "detail": "first login: send new_password too"}
        answer = cognito.admin_respond_to_auth_challenge(
            UserPoolId=pool_id,
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=answer["Session"],
            ChallengeResponses={"USERNAME": email.strip().lower(), "NEW_PASSWORD": new_password},
        )
    result = answer["AuthenticationResult"]
    return {
        "id_token": result["IdToken"],
        "expires_in": result["ExpiresIn"],
        "use": "Authorization: <id_token>",
    }


def login_request(provisioned: Provisioned, body: str | None) -> tuple[int, dict[str, Any]]:
    """`POST /_local/login {"email", "password", "new_password"?}` -> (status, answer); a refusal is a
    problem document (application/problem+json), in French like the API's."""
    from botocore.exceptions import ClientError

    from jaqe_dev.problems import problem

    try:
        request = json.loads(body or "{}")
        email, password = str(request["email"]), str(request["password"])
    except (ValueError, KeyError, TypeError):
        return 422, problem(
            422,
            "validation-error",
            "Identifiants manquants",
            "Envoyez un objet JSON avec email et password (et new_password à la première connexion).",
        )
    try:
        return 200, login(provisioned, email, password, request.get("new_password"))
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("NotAuthorizedException", "UserNotFoundException"):
            return 401, problem(
                401,
                "unauthorized",
                "Connexion refusée",
                "Adresse email ou mot de passe incorrect.",
                code=code,
            )
        return 422, problem(
            422,
            "login-refused",
            "Connexion refusée",
            "Cognito a refusé cette connexion (voir code) : le nouveau mot de passe respecte-t-il la politique ?",
            code=code,
        )
