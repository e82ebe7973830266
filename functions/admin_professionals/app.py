"""Operators (IAM-authorised, C4-01): approve or reject a professional."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from jaqe import professionals
from jaqe.api import api_handler, create_app, json_response, operator_of
from jaqe.mail import OutboxMailer
from jaqe.observability import metrics
from jaqe.store import Store

app = create_app()


def operator() -> str:
    return operator_of(app)


@app.post("/v1/admin/professionals/<id>/approve")
def post_approve(id: str) -> Response[Any]:
    by = operator()
    result = professionals.approve(Store(), OutboxMailer(), id, by)
    metrics.add_metric(name="ProfessionalApproved", unit="Count", value=1)
    return json_response(200, result)


@app.post("/v1/admin/professionals/<id>/reject")
def post_reject(
    id: str, decision: Annotated[professionals.RejectionIn | None, Body()] = None
) -> Response[Any]:
    by = operator()
    result = professionals.reject(Store(), OutboxMailer(), id, by, decision.reason if decision else None)
    metrics.add_metric(name="ProfessionalRejected", unit="Count", value=1)
    return json_response(200, result)


handler = api_handler(app)
