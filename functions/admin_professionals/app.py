"""Operators (IAM-authorised, C4-01): approve or reject a professional."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from jaqe import professionals
from jaqe.api import create_app, json_response
from jaqe.errors import Forbidden
from jaqe.mail import OutboxMailer
from jaqe.observability import logger, metrics, tracer
from jaqe.store import Store

app = create_app()


def operator() -> str:
    """The IAM principal API Gateway authenticated (SigV4); absent means the route was misconfigured."""
    user_arn = app.current_event.request_context.identity.user_arn
    if not user_arn:
        raise Forbidden("Réservé au personnel habilité de JAQE.")
    return str(user_arn)


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


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
