"""Public rights-request routes: submit, follow the verification link, status, export download."""

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from jaqe.platform.api import api_handler, create_app, json_response, run_idempotent
from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import metrics
from jaqe.platform.settings import (
    ApiSettings,
    DataSettings,
    ExportsSettings,
    IdempotencySettings,
    LinkSettings,
    RightsWorkflowSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.platform.workflows import StepFunctionsWorkflows
from jaqe.privacy.subject_keys import subject_key
from jaqe.rights.intake import read_export, submit_rights_request, verify
from jaqe.rights.model import RightsRequestAccepted, RightsRequestIn
from jaqe.rights.records import RightsRequestRecords


class Settings(
    ApiSettings,
    DataSettings,
    IdempotencySettings,
    SubjectKeySettings,
    RightsWorkflowSettings,
    ExportsSettings,
    LinkSettings,
):
    """What rights_requests reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()
Token = Annotated[str, Query(min_length=20, max_length=200)]


def workflows() -> StepFunctionsWorkflows:
    return StepFunctionsWorkflows(get_settings(Settings).rights_state_machine_arn)


@app.post(
    "/v1/rights-requests", responses={202: {"description": "Request received; a verification email is sent"}}
)
def post_rights_request(request: Annotated[RightsRequestIn, Body()]) -> Response[Any]:
    def accept() -> dict:
        result = submit_rights_request(
            request,
            store=Store(),
            workflows=workflows(),
            subject_key=subject_key,
            public_api_url=get_settings(Settings).public_api_url,
        )
        return result.model_dump(mode="json")

    accepted = RightsRequestAccepted(
        **run_idempotent(app, "submit_rights_request", accept, request.model_dump(mode="json"))
    )
    metrics.add_metric(name="RightsRequestReceived", unit="Count", value=1)
    return json_response(202, accepted.model_dump(mode="json"))


@app.get("/v1/rights-requests/verify")
def get_verify(token: Token) -> Response[Any]:
    request_id = verify(token, store=Store(), workflows=workflows())
    return json_response(
        200,
        {
            "request_id": request_id,
            "status": "verified",
            "message": "Votre demande est confirmée. Nous vous répondrons par email.",
        },
    )


@app.get("/v1/rights-requests/<request_id>")
def get_status(request_id: str, token: Token) -> Response[Any]:
    status = RightsRequestRecords(Store()).status_view(request_id, token)
    return json_response(200, status.model_dump(mode="json"))


@app.get("/v1/rights-requests/<request_id>/export")
def get_export(
    request_id: str, token: Token, format: Annotated[Literal["json", "csv", "summary"], Query()] = "json"
) -> Response[Any]:
    body, content_type = read_export(
        request_id,
        token,
        format,
        store=Store(),
        objects=S3Objects(),
        bucket=get_settings(Settings).exports_bucket,
    )
    return Response(
        status_code=200,
        content_type=content_type,
        body=body.decode(),
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


handler = api_handler(app)
