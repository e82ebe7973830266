"""The professionals' app (Cognito): /v1/pro/me, its leads, its documents, delisting.

The professional is always the one the Cognito authorizer vouches for (`custom:pro_id` claim of
the ID token): no route takes a professional id, so one professional cannot name another's data.
"""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from jaqe.leads import disclosures
from jaqe.platform.api import api_handler, create_app, json_response
from jaqe.platform.cognito import CognitoLogins
from jaqe.platform.errors import Forbidden
from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import metrics
from jaqe.platform.settings import (
    ApiSettings,
    DataSettings,
    DocumentsSettings,
    LoginSettings,
    OutboxSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer
from jaqe.professionals import accounts as professionals
from jaqe.professionals import documents
from jaqe.professionals.model import DocumentIn, ProfilePatch


class Settings(
    ApiSettings, DataSettings, OutboxSettings, SubjectKeySettings, DocumentsSettings, LoginSettings
):
    """What pro_app reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


def current_pro_id() -> str:
    claims = (app.current_event.request_context.authorizer.claims or {}) if app.current_event else {}
    pro_id = claims.get("custom:pro_id")
    if not pro_id:
        raise Forbidden("Cette session n'est pas celle d'un professionnel.")
    return str(pro_id)


@app.get("/v1/pro/me")
def get_me() -> Response[Any]:
    return json_response(
        200, professionals.profile_view(professionals.load_profile(Store(), current_pro_id()))
    )


@app.patch("/v1/pro/me")
def patch_me(patch: Annotated[ProfilePatch, Body()]) -> Response[Any]:
    return json_response(200, professionals.update_profile(Store(), current_pro_id(), patch))


@app.get("/v1/pro/me/leads")
def get_leads(
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> Response[Any]:
    return json_response(200, disclosures.list_leads(Store(), current_pro_id(), limit=limit, cursor=cursor))


@app.post("/v1/pro/me/leads/<lead_id>/accept")
def post_accept_lead(lead_id: Annotated[str, Path(min_length=1, max_length=80)]) -> Response[Any]:
    return json_response(200, disclosures.accept_lead(Store(), current_pro_id(), lead_id))


@app.post("/v1/pro/me/documents", responses={201: {"description": "Presigned POST for the upload"}})
def post_document(document: Annotated[DocumentIn, Body()]) -> Response[Any]:
    upload = documents.request_upload(
        Store(), S3Objects(), get_settings(Settings).documents_bucket, current_pro_id(), document
    )
    metrics.add_metric(name="DocumentUploadRequested", unit="Count", value=1)
    return json_response(201, upload)


@app.get("/v1/pro/me/documents")
def get_documents() -> Response[Any]:
    return json_response(200, {"items": documents.list_documents(Store(), current_pro_id())})


@app.post("/v1/pro/me/delist")
def post_delist() -> Response[Any]:
    result = professionals.delist(Store(), OutboxMailer(), CognitoLogins(), current_pro_id())
    metrics.add_metric(name="ProfessionalDelisted", unit="Count", value=1)
    return json_response(200, result)


handler = api_handler(app)
