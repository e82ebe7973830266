"""SES bounce and complaint notifications (SNS): hard bounces and complaints block the address."""

import json
from typing import Any

from jaqe.inbound.bounces import Bounces, undeliverable
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import DataSettings, SubjectKeySettings, get_settings
from jaqe.platform.store import Store
from jaqe.privacy.subject_keys import subject_key


class Settings(DataSettings, SubjectKeySettings):
    """What mail_feedback reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    blocked = 0
    for record in event.get("Records", []):
        for address, reason in undeliverable(json.loads(record["Sns"]["Message"])):
            key = subject_key(address)
            Bounces(Store()).block(key, reason)
            logger.info("address blocked", extra={"subject_key": key, "reason": reason})
            blocked += 1
    metrics.add_metric(name="AddressesBlocked", unit="Count", value=blocked)
    return {"blocked": blocked}
