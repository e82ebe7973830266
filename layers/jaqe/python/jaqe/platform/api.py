"""HTTP plumbing shared by every API function: the resolver, problem documents, idempotency.

One place maps domain errors to HTTP (RFC 9457 `application/problem+json`); handlers only
parse, call a use case and shape the answer.

Before Powertools reads a body (its validation middleware parses the JSON first), `admit_body`
refuses what no route should parse: a body over `MAX_BODY_BYTES` (413), a media type the route
does not document (415), JSON nested deeper than `MAX_JSON_DEPTH` (400; Python's parser would
raise RecursionError near 1,000 levels). A problem document lists at most `MAX_PROBLEM_ERRORS`
field errors and says how many there were, so that it stays far below Lambda's 6 MB answer limit.

The operators' functions pass `create_app` their access trail: one middleware (`_trail_middleware`)
then refuses a read of personal data without a reason (422) and, once an operator's action or such
a read has answered, appends its entry (routes as `jaqe.platform.staff` marks them); a route that
knows whose data it touched says so with `trail_subject`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Protocol

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.api_gateway import ResponseBuilder, Route
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict, Field

from jaqe.platform.controller import SITE_URL
from jaqe.platform.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    NestingTooDeep,
    PayloadTooLarge,
    TemporarilyUnavailable,
    UnsupportedMediaType,
)
from jaqe.platform.keyed_hash import keyed_digest, secret
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.restore import on_restore
from jaqe.platform.settings import ApiSettings, IdempotencySettings, SiteSettings, get_settings
from jaqe.platform.staff import AccessEvent, staff_route
from jaqe.platform.validation import json_nesting_exceeds

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://jaqe.fr/problems/"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Operators' routes: IAM at the gateway, and the handler checks the caller again (a route wired
# without IAM by mistake, or a direct invocation, must not act).
OPERATOR_PATHS = "/v1/admin"
OPERATORS_ONLY = "Réservé au personnel habilité de JAQE (IAM)."
SITE_ORIGIN = SITE_URL
JSON = "application/json"
# The biggest legitimate body (a breach declaration: about 14,000 characters of text at most, a
# contact message 5,300) fits with room to spare even at 4 bytes a character; API Gateway would
# pass up to 10 MB and Lambda 6 MB, and AWS WAF's common rules block bodies over 8 KB in front.
MAX_BODY_BYTES = 64 * 1024
# The deepest body nests three levels (a rights request's directives.designated_person).
MAX_JSON_DEPTH = 10
MAX_PROBLEM_ERRORS = 20
# A field name is the client's key: an unknown one is echoed back this long at most.
MAX_FIELD_NAME = 100


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    **headers: str,
) -> Response[str]:
    document: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        document["errors"] = errors[:MAX_PROBLEM_ERRORS]
    if errors and len(errors) > MAX_PROBLEM_ERRORS:
        document["error_count"] = len(errors)
        document["detail"] = f"{detail} ({MAX_PROBLEM_ERRORS} premières erreurs sur {len(errors)})"
    return Response(
        status_code=status,
        content_type=PROBLEM_JSON,
        body=json.dumps(document, ensure_ascii=False),
        headers=headers or None,
    )


# Pydantic's own messages are English; the site shows these next to the fields. Our validators
# (`ValueError`s in jaqe.platform.validation and the models) already speak French.
_MESSAGES_FR = {
    "missing": "champ obligatoire",
    "string_too_short": "au moins {min_length} caractères",
    "string_too_long": "{max_length} caractères au plus",
    "too_short": "au moins {min_length} élément(s)",
    "too_long": "{max_length} éléments au plus",
    "string_type": "texte attendu",
    "bool_type": "vrai ou faux attendu",
    "list_type": "liste attendue",
    "extra_forbidden": "champ inconnu",
    "uuid_parsing": "identifiant invalide",
}


def _message_fr(error: dict[str, Any]) -> str:
    context = error.get("ctx") or {}
    kind = str(error.get("type"))
    if kind in ("too_short", "too_long") and isinstance(error.get("input"), str):
        kind = "string_" + kind  # lengths of a text type checked after its own validator
    if kind == "string_too_short" and context.get("min_length") == 1:
        return _MESSAGES_FR["missing"]
    template = _MESSAGES_FR.get(kind)
    if template:
        return template.format(**context)
    return str(error.get("msg", "valeur invalide")).removeprefix("Value error, ")


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Pydantic error locations as dotted field names, without the `body` prefix."""
    result = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        field = ".".join(location)[:MAX_FIELD_NAME] or "body"
        result.append({"field": field, "message": _message_fr(error)})
    return result


def documented_media_types(route: Route) -> frozenset[str]:
    """What a route's OpenAPI document says its body may be: its pydantic body's media type and what
    `openapi_extensions` declares (the link pages' form-encoded POST). JSON is the API's language: a
    route without a body accepts (and ignores) a JSON one."""
    declared = ((route.openapi_extensions or {}).get("requestBody") or {}).get("content") or {}
    from_model = [getattr(p.field_info, "media_type", JSON) for p in route.dependant.body_params]
    return frozenset({JSON, *declared, *from_model})


def admit_body(body: str | None, content_type: str | None, documented: frozenset[str]) -> None:
    """Refuse (413, 415, 400) a body no route should parse; checked before anything reads it."""
    if not body:
        return
    if len(body) > MAX_BODY_BYTES or len(body.encode()) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"Le corps de la requête dépasse {MAX_BODY_BYTES // 1024} Ko.")
    # API Gateway and Powertools read a body without Content-Type as JSON.
    media_type = (content_type or JSON).split(";", 1)[0].strip().lower()
    if media_type not in documented:
        raise UnsupportedMediaType(
            f"Type de contenu « {media_type[:100]} » non accepté ici ; "
            f"types acceptés : {', '.join(sorted(documented))}."
        )
    if media_type == JSON and json_nesting_exceeds(body, MAX_JSON_DEPTH):
        raise NestingTooDeep(f"Le JSON est imbriqué sur plus de {MAX_JSON_DEPTH} niveaux.")


class AccessRecorder(Protocol):
    """Where operators' actions and reads of personal data are recorded (`jaqe.privacy.access_trail`)."""

    def record(self, entry: AccessEvent) -> str: ...


# The resolver context key under which a route names the subject key of the person it concerns.
TRAIL_SUBJECT = "trail_subject_key"
# `?reason=` of a GET that reads personal data: why the operator reads it (kept in the access trail).
Reason = Annotated[str, Query(min_length=1, max_length=5000)]
REASON_REQUIRED = "Indiquez le motif de cette consultation de données personnelles (reason)."


def trail_subject(app: APIGatewayRestResolver, subject_key: str) -> None:
    """Name the person this operator's call concerns, for its access-trail entry."""
    app.append_context(**{TRAIL_SUBJECT: subject_key})


def _reason(app: APIGatewayRestResolver) -> str | None:
    """The operator's reason: `reason` in the JSON body, or `?reason=` (GET)."""
    event = app.current_event
    reason: Any = (event.query_string_parameters or {}).get("reason")
    if not reason and event.body:
        try:
            body = event.json_body
        except ValueError:
            body = None
        reason = body.get("reason") if isinstance(body, dict) else None
    return reason.strip() if isinstance(reason, str) and reason.strip() else None


def _trail_middleware(recorder: AccessRecorder) -> Callable[..., Response[Any]]:
    def middleware(
        app: APIGatewayRestResolver, next_middleware: Callable[..., Response[Any]]
    ) -> Response[Any]:
        event = app.current_event
        route = staff_route(event.http_method, event.resource)
        if route is None or not route.trailed:
            return next_middleware(app)
        reason = _reason(app)
        if route.needs_reason and reason is None:
            raise InvalidInput(REASON_REQUIRED, errors=[{"field": "reason", "message": "motif obligatoire"}])
        response = next_middleware(app)
        if response.status_code < 400:
            # Recorded before the answer leaves: a read whose entry cannot be written is not answered.
            recorder.record(
                AccessEvent(
                    operator_arn=operator_of(app),
                    method=route.method,
                    route=route.path,
                    ids=dict(event.path_parameters or {}),
                    status=response.status_code,
                    subject_key=app.context.get(TRAIL_SUBJECT),
                    reason=reason,
                )
            )
        return response

    return middleware


class _GuardedResolver(APIGatewayRestResolver):
    """The resolver, with `admit_body` run once a route matches and before its middlewares (the
    first of which, Powertools' validation, parses the body)."""

    def _call_route(self, route: Route, route_arguments: dict[str, str]) -> ResponseBuilder:
        event = self.current_event
        try:
            admit_body(event.body, event.headers.get("Content-Type"), documented_media_types(route))
        except DomainError as refusal:
            answer = self._call_exception_handler(refusal, route)
            if answer is not None:
                return answer
            raise
        return super()._call_route(route, route_arguments)


def create_app(access_trail: AccessRecorder | None = None) -> APIGatewayRestResolver:
    """The resolver of an API function; the operators' functions give their `access_trail`."""
    origins = get_settings(ApiSettings).partner_origins
    cors = CORSConfig(
        allow_origin=SITE_ORIGIN,
        extra_origins=[o for o in origins if o != SITE_ORIGIN] or None,
        allow_headers=[IDEMPOTENCY_HEADER, "Content-Type"],
        max_age=600,
    )
    app = _GuardedResolver(enable_validation=True, cors=cors)
    if access_trail is not None:
        app.use([_trail_middleware(access_trail)])

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response[str]:
        errors = list(error.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(
                400, "malformed-json", "JSON illisible", "Le corps de la requête n'est pas un JSON valide."
            )
        return problem(
            422,
            InvalidInput.type_slug,
            InvalidInput.title,
            "Certains champs sont invalides ; rien n'a été enregistré.",
            _field_errors(errors),
        )

    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError) -> Response[str]:
        headers = {}
        if isinstance(error, TemporarilyUnavailable):
            headers["Retry-After"] = str(error.retry_after_seconds)
        return problem(error.status, error.type_slug, error.title, error.detail, error.errors, **headers)

    @app.not_found
    def _not_found(_: Exception) -> Response[str]:
        return problem(
            404, "not-found", "Ressource introuvable", "Aucune route ne correspond à cette adresse."
        )

    return app


def api_handler(app: APIGatewayRestResolver) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda entry point of an API function: logger context, metrics, tracer, then the resolver."""
    from aws_lambda_powertools.logging import correlation_paths

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    @metrics.log_metrics
    @tracer.capture_lambda_handler
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if _is_operator_route(event) and not _iam_caller(event):
            logger.warning("operator route called without an IAM identity")
            return _proxy_result(
                problem(Forbidden.status, Forbidden.type_slug, Forbidden.title, OPERATORS_ONLY)
            )
        return app.resolve(event, context)

    return handler


def _is_operator_route(event: dict[str, Any]) -> bool:
    return any(str(event.get(part) or "").startswith(OPERATOR_PATHS) for part in ("resource", "path"))


def _iam_caller(event: dict[str, Any]) -> str:
    identity = (event.get("requestContext") or {}).get("identity") or {}
    return str(identity.get("userArn") or "").strip()


def _proxy_result(response: Response[str]) -> dict[str, Any]:
    """A Lambda proxy answer for what is refused before the resolver runs."""
    return {
        "statusCode": response.status_code,
        "headers": {"Content-Type": response.content_type or PROBLEM_JSON},
        "body": response.body,
        "isBase64Encoded": False,
    }


def operator_of(app: APIGatewayRestResolver) -> str:
    """The IAM principal API Gateway authenticated on an operators' route (SigV4); its ARN."""
    user_arn = (app.current_event.request_context.identity.user_arn or "").strip()
    if not user_arn:
        raise Forbidden(OPERATORS_ONLY)
    return user_arn


def operator_name(app: APIGatewayRestResolver) -> str:
    """The operator's name for records and emails: the last part of their IAM ARN."""
    return operator_of(app).rsplit("/", 1)[-1]


def source_site(app: APIGatewayRestResolver) -> str:
    """The site a form was posted from (C2-01): an allowed partner origin, else JAQE's own site."""
    settings = get_settings(SiteSettings)
    origin = app.current_event.headers.get("Origin")
    allowed = {SITE_ORIGIN, settings.site_url, *settings.partner_origins}
    return origin if origin in allowed else settings.site_url


def json_response(status: int, body: Any) -> Response[Any]:
    """A JSON answer; `body` is a pydantic model (or a list of them), as the route's annotation declares."""
    return Response(status_code=status, content_type="application/json", body=body)


class StatusOut(BaseModel):
    model_config = ConfigDict(defer_build=True)

    status: str


class FieldError(BaseModel):
    model_config = ConfigDict(defer_build=True)

    field: str
    message: str


class ProblemDocument(BaseModel):
    """RFC 9457 problem details, the body of every 4xx/5xx answer (`application/problem+json`)."""

    model_config = ConfigDict(defer_build=True)

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(None, description=f"the first {MAX_PROBLEM_ERRORS} at most")
    error_count: int | None = Field(None, description=f"how many errors, when over {MAX_PROBLEM_ERRORS}")


@cache
def _idempotency_store() -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(table_name=get_settings(IdempotencySettings).idempotency_table)


on_restore(_idempotency_store.cache_clear)  # its DynamoDB client would keep the snapshot's connections


def payload_fingerprint(payload: dict[str, Any], key: bytes) -> str:
    """What the idempotency record keeps of a request's payload: an HMAC of its canonical JSON under
    the subject-key secret. Powertools would store an unsalted MD5 of the payload itself, which a
    list of addresses reverses; this digest reveals nothing without the key."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return keyed_digest(key, canonical.encode())


def run_idempotent(
    app: APIGatewayRestResolver,
    operation: str,
    use_case: Callable[[], dict[str, Any]],
    payload: dict[str, Any],
) -> dict[str, Any]:
    """Run `use_case` once per `Idempotency-Key`: a retry with the same key returns the first answer.

    Reusing a key with a different payload is refused (422) rather than silently ignored. The
    record holds the key's hash, the answer and a keyed fingerprint of the payload, never the
    payload or an unkeyed hash of it.
    """
    key = app.current_event.headers.get(IDEMPOTENCY_HEADER)  # case-insensitive in Powertools v3
    if not key:
        return use_case()
    if len(key) > 200:
        raise InvalidInput("L'en-tête Idempotency-Key est trop long (200 caractères au plus).")

    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    def run(request: dict[str, Any]) -> dict[str, Any]:
        return use_case()

    run.__qualname__ = operation
    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="payload",
        expires_after_seconds=24 * 3600,
    )
    if app.lambda_context is not None:
        config.register_lambda_context(app.lambda_context)
    guarded = idempotent_function(
        data_keyword_argument="request", persistence_store=_idempotency_store(), config=config
    )(run)
    try:
        return guarded(request={"key": key, "payload": payload_fingerprint(payload, secret())})
    except IdempotencyValidationError as error:
        raise InvalidInput("Cette clé d'idempotence a déjà servi pour une autre requête.") from error
    except IdempotencyAlreadyInProgressError as error:
        logger.info("idempotent request still in progress", extra={"operation": operation})
        raise TemporarilyUnavailable("La même requête est en cours de traitement.") from error
