"""Similar-services mailing (legitimate interest), run by an operator or a schedule: {"trade", "months"}."""

from typing import Any

from jaqe.marketing.model import SimilarServicesMailing
from jaqe.marketing.similar_services import send_similar_services
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import (
    DataSettings,
    LinkSettings,
    OutboxSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer


class Settings(DataSettings, OutboxSettings, SubjectKeySettings, LinkSettings):
    """What similar_services reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = SimilarServicesMailing.model_validate(event)
    sent = send_similar_services(Store(), OutboxMailer(), request.trade, request.months)
    metrics.add_metric(name="SimilarServicesSent", unit="Count", value=sent)
    return {"trade": request.trade, "sent": sent}
