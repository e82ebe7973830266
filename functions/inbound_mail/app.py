"""SES receipt (Lambda action after the S3 action): read the raw MIME, intake it, then delete it.

Once the intake has stored what the request or message needs (under the sender's subject key),
the raw message goes with every version: it is in no subject's reach, so it must not outlive its
use (data inventory: `raw_mail`). A failed intake leaves it for the retry (30 days at most).
"""

from typing import Any

from jaqe.inbound.parsing import parse
from jaqe.inbound.rights_requests import WorkflowRightsIntake
from jaqe.inbound.routing import EmailIntake, Verdicts
from jaqe.platform import aws
from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import (
    DataSettings,
    InboundSettings,
    LinkSettings,
    OutboxSettings,
    RightsWorkflowSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.platform.workflows import StepFunctionsWorkflows
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.subject_keys import subject_key


class Settings(
    DataSettings, SubjectKeySettings, OutboxSettings, RightsWorkflowSettings, InboundSettings, LinkSettings
):
    """What inbound_mail reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

RAW_MAIL_PREFIX = "inbound/"


def raw_message(message_id: str) -> bytes:
    settings = get_settings(Settings)
    s3 = aws.client("s3", settings.region)  # the raw mail stays in this (inbound) region
    return bytes(
        s3.get_object(Bucket=settings.inbound_bucket, Key=f"{RAW_MAIL_PREFIX}{message_id}")["Body"].read()
    )


def delete_raw_message(message_id: str) -> None:
    """Every version of the raw message. A failure is counted and alarmed, not retried: the intake
    is done, and a retry would file the request twice (the bucket's lifecycle still removes it)."""
    settings = get_settings(Settings)
    try:
        S3Objects(settings.region).delete(settings.inbound_bucket, f"{RAW_MAIL_PREFIX}{message_id}")
    except Exception:
        logger.exception("raw inbound message not deleted", extra={"message_id": message_id})
        metrics.add_metric(name="InboundRawMailNotDeleted", unit="Count", value=1)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, list[str]]:
    outcomes = []
    for record in event.get("Records", []):
        mail, receipt = record["ses"]["mail"], record["ses"]["receipt"]
        verdicts = Verdicts.from_receipt(receipt)
        if verdicts.rejected:
            metrics.add_metric(name="InboundDroppedSpamOrVirus", unit="Count", value=1)
            logger.info(
                "inbound email dropped",
                extra={"message_id": mail["messageId"], "verdicts": verdicts.__dict__},
            )
            outcomes.append("dropped")
            delete_raw_message(mail["messageId"])
            continue
        settings = get_settings(Settings)
        rights = WorkflowRightsIntake(
            Store(),
            StepFunctionsWorkflows(settings.rights_state_machine_arn),
            subject_key,
            settings.public_api_url,
        )
        intake = EmailIntake(Store(), OutboxMailer(), subject_key, rights)
        outcome = intake.process(
            parse(raw_message(mail["messageId"])),
            verdicts,
            mail["timestamp"],
            mail["messageId"],
            envelope_sender=str(mail.get("source") or ""),
            recipients=[str(r) for r in mail.get("destination", [])],
        )
        metrics.add_metric(name=f"Inbound_{outcome.kind}", unit="Count", value=1)
        outcomes.append(outcome.kind)
        delete_raw_message(mail["messageId"])
    return {"outcomes": outcomes}
