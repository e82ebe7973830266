"""Operators (IAM-authorised, C4-01): list professionals by status, approve or reject one; review
the documents that count (insurance, certifications): list those awaiting review, read one through a
short-lived link, accept or reject it. Every route checks the operator identity here too."""

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from jaqe.platform.api import Reason, api_handler, create_app, json_response, operator_of, trail_subject
from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import metrics
from jaqe.platform.settings import (
    AccessTrailSettings,
    ApiSettings,
    DataSettings,
    DocumentsSettings,
    OutboxSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.access_trail import AccessTrail
from jaqe.privacy.outbox import OutboxMailer
from jaqe.professionals import accounts as professionals
from jaqe.professionals import documents
from jaqe.professionals.model import DocumentDecisionIn, RejectionIn, Status


class Settings(
    AccessTrailSettings, ApiSettings, DataSettings, OutboxSettings, SubjectKeySettings, DocumentsSettings
):
    """What admin_professionals reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app(access_trail=AccessTrail())

ProId = Annotated[str, Path(min_length=1, max_length=80)]
DocId = Annotated[str, Path(min_length=1, max_length=80)]


def operator() -> str:
    return operator_of(app)


@app.get("/v1/admin/professionals")
def list_professionals(
    status: Annotated[Status, Query()] = Status.PENDING_REVIEW,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response[Any]:
    """Profiles by status (default: awaiting review), oldest first; `next_cursor` continues. Each says
    whether another account already holds its SIRET (`siret_used_by_another_account`)."""
    operator()
    return json_response(200, professionals.list_by_status(Store(), status, limit=limit, cursor=cursor))


@app.post("/v1/admin/professionals/<id>/approve")
def post_approve(id: str) -> Response[Any]:
    by = operator()
    result = professionals.approve(Store(), OutboxMailer(), id, by)
    metrics.add_metric(name="ProfessionalApproved", unit="Count", value=1)
    return json_response(200, result)


@app.post("/v1/admin/professionals/<id>/reject")
def post_reject(id: str, decision: Annotated[RejectionIn | None, Body()] = None) -> Response[Any]:
    by = operator()
    result = professionals.reject(Store(), OutboxMailer(), id, by, decision.reason if decision else None)
    metrics.add_metric(name="ProfessionalRejected", unit="Count", value=1)
    return json_response(200, result)


@app.get("/v1/admin/professionals/documents")
def list_documents(
    status: Annotated[Literal["pending_review"], Query()] = "pending_review",
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response[Any]:
    """Documents awaiting an operator's review (insurance, certifications), oldest first, with
    their professional's company and SIRET; `next_cursor` continues."""
    operator()
    return json_response(200, documents.list_awaiting_review(Store(), limit=limit, cursor=cursor))


@app.get("/v1/admin/professionals/<id>/documents/<document_id>")
def get_document(id: ProId, document_id: DocId, reason: Reason) -> Response[Any]:
    """One document and `download_url`: a presigned GET of the checked version, valid a few minutes;
    read for a `reason` (kept in the access trail)."""
    operator()
    bucket = get_settings(Settings).documents_bucket
    document = documents.download(Store(), S3Objects(), bucket, id, document_id)
    trail_subject(app, document["subject_key"])
    return json_response(200, document)


@app.post("/v1/admin/professionals/<id>/documents/<document_id>/decision")
def post_document_decision(
    id: ProId, document_id: DocId, decision: Annotated[DocumentDecisionIn, Body()]
) -> Response[Any]:
    """Accept (insurance: `expires_on`, the last day of cover read on the certificate) or reject a
    document awaiting review; the professional is told by email."""
    by = operator()
    bucket = get_settings(Settings).documents_bucket
    result = documents.decide(Store(), S3Objects(), OutboxMailer(), bucket, id, document_id, decision, by)
    metrics.add_metric(name="DocumentDecided", unit="Count", value=1)
    return json_response(200, result)


handler = api_handler(app)
