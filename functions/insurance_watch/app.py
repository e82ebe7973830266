"""Daily (EventBridge schedule): professionals whose insurance has ended leave the listing and are told."""

from aws_lambda_powertools.utilities.typing import LambdaContext
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import DataSettings, OutboxSettings, SubjectKeySettings, get_settings
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer
from jaqe.professionals.insurance import unlist_expired_insurance


class Settings(DataSettings, OutboxSettings, SubjectKeySettings):
    """What insurance_watch reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict, context: LambdaContext) -> dict:
    unlisted = unlist_expired_insurance(Store(), OutboxMailer())
    metrics.add_metric(name="ProfessionalsUnlistedForInsurance", unit="Count", value=unlisted)
    return {"unlisted": unlisted}
