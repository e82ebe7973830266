"""Mail queue consumer: each queue message names a stored email (`{"mail_id"}`) or the records an
email is rendered from (`{"mail": <template>, <ids>}`: a quote request's emails, `jaqe.leads.mails`);
it is sent once through SES unless the address is blocked (or suppressed, for marketing mail), and a
stored email is then deleted.

A message whose stored email or records are gone (erased with the person it is about, expired,
already sent) is done: nothing is sent, nothing fails. A failure leaves the message in the queue
(partial batch failure): SQS retries it, then moves it to the dead-letter queue, which raises an
alarm; what the DLQ holds is the id only.
"""

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from jaqe.inbound.bounces import Bounces
from jaqe.leads.mails import RENDERERS
from jaqe.platform.mail import QueuedMail, SesSender
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import (
    DataSettings,
    IdempotencySettings,
    LinkSettings,
    SenderSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxDelivery, Outcome

METRICS = {
    Outcome.SENT: "MailSent",
    Outcome.BLOCKED: "MailSkippedBlockedAddress",
    Outcome.SUPPRESSED: "MailSkippedSuppressedAddress",
    Outcome.GONE: "MailSkippedMessageGone",
}


class Settings(DataSettings, SubjectKeySettings, IdempotencySettings, SenderSettings, LinkSettings):
    """What mail_sender reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

processor = BatchProcessor(event_type=EventType.SQS)
# A message delivered twice (at-least-once queues) is sent once. The record is keyed on the SQS
# message id and holds the outcome only ("sent", "gone", ...): no personal data.
once = IdempotencyConfig(event_key_jmespath="messageId", expires_after_seconds=24 * 3600)


def send(message: dict[str, Any]) -> str:
    queued = QueuedMail.of(message["body"])
    store = Store()
    delivery = OutboxDelivery(store, SesSender(), Bounces(store).is_blocked, renderers=RENDERERS).deliver(
        queued
    )
    metrics.add_metric(name=METRICS[delivery.outcome], unit="Count", value=1)
    logger.info(
        "mail handled",
        extra={
            "outcome": delivery.outcome.value,
            "template": delivery.template,
            "purpose": delivery.purpose,
            "mail": queued.mail,
            **queued.ids,
            "message_id": message["messageId"],
        },
    )
    return delivery.outcome.value


@cache
def send_once() -> Any:
    persistence = DynamoDBPersistenceLayer(table_name=get_settings(Settings).idempotency_table)
    return idempotent_function(data_keyword_argument="message", persistence_store=persistence, config=once)(
        send
    )


def handle_record(record: SQSRecord) -> None:
    send_once()(message=record.raw_event)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> Any:
    once.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=handle_record, processor=processor, context=context
    )
