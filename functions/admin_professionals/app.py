"""Operators (IAM-authorised, C4-01): list professionals by status, approve or reject one."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from jaqe.platform.api import api_handler, create_app, json_response, operator_of
from jaqe.platform.observability import metrics
from jaqe.platform.settings import ApiSettings, DataSettings, OutboxSettings, SubjectKeySettings, get_settings
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer
from jaqe.professionals import accounts as professionals
from jaqe.professionals.model import RejectionIn, Status


class Settings(ApiSettings, DataSettings, OutboxSettings, SubjectKeySettings):
    """What admin_professionals reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


def operator() -> str:
    return operator_of(app)


@app.get("/v1/admin/professionals")
def list_professionals(
    status: Annotated[Status, Query()] = Status.PENDING_REVIEW,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response[Any]:
    """Profiles by status (default: awaiting review), oldest first; `next_cursor` continues."""
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


handler = api_handler(app)
