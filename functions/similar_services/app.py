"""Similar-services mailing (legitimate interest), run by an operator or a schedule: {"trade", "months"}."""

from typing import Any

from jaqe.mail import OutboxMailer
from jaqe.marketing import send_similar_services
from jaqe.observability import logger, metrics, tracer
from jaqe.settings import DataSettings, LinkSettings, OutboxSettings, get_settings
from jaqe.store import Store
from jaqe.trades import TRADES
from pydantic import BaseModel, Field


class Settings(DataSettings, OutboxSettings, LinkSettings):
    """What similar_services reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request


class MailingRequest(BaseModel):
    trade: str = Field(pattern="^(" + "|".join(TRADES) + ")$")
    months: int = Field(default=36, ge=1, le=36)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = MailingRequest.model_validate(event)
    sent = send_similar_services(Store(), OutboxMailer(), request.trade, request.months)
    metrics.add_metric(name="SimilarServicesSent", unit="Count", value=sent)
    return {"trade": request.trade, "sent": sent}
