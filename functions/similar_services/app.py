"""Similar-services mailing (legitimate interest), run by an operator or a schedule: {"trade", "months"}."""

from typing import Any

from jaqe.marketing.similar_services import send_similar_services
from jaqe.platform.mail import OutboxMailer
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.store import Store
from jaqe.platform.trades import TRADES
from pydantic import BaseModel, Field


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
