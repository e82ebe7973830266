"""Monthly (EventBridge schedule, the 1st): the previous month's DPO report, emailed to the DPO.
The event may name another month (`{"month": "2026-11"}`), e.g. to send one again."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from jaqe.dpo.model import Month
from jaqe.dpo.reports import send_monthly_report
from jaqe.platform import clock
from jaqe.platform.observability import logger, tracer
from jaqe.platform.settings import DataSettings, DpoSettings, OutboxSettings, SubjectKeySettings, get_settings
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer


class Settings(DataSettings, SubjectKeySettings, OutboxSettings, DpoSettings):
    """What dpo_report reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    asked = Month(str(event["month"])) if event.get("month") else None
    month = send_monthly_report(Store(), OutboxMailer(), get_settings(Settings).dpo_email, clock.now(), asked)
    logger.info("monthly DPO report sent", extra={"month": month.value})
    return {"month": month.value, "sent": True}
