"""Daily (EventBridge Scheduler): purge what is past expiry that TTL has not removed yet, and orphan objects.

A run larger than one invocation's budget goes on from its continuation queue (SQS), one message
at a time, each invocation handing on the rest until the last day is done."""

import time
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from jaqe.platform import aws
from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import DataSettings, DocumentsSettings, ReconciliationSettings, get_settings
from jaqe.platform.store import Store
from jaqe.privacy.retention import Budget, Continuation, reconcile
from jaqe.professionals.records import profile_exists


class Settings(DataSettings, DocumentsSettings, ReconciliationSettings):
    """What reconciliation reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

processor = BatchProcessor(event_type=EventType.SQS)
# Time left for the last page and the hand-on when an invocation stops on its deadline.
STOP_BEFORE_TIMEOUT_SECONDS = 60


def hand_on(continuation: Continuation) -> None:
    aws.client("sqs").send_message(
        QueueUrl=get_settings(Settings).reconciliation_queue_url, MessageBody=continuation.model_dump_json()
    )


def run(resume: Continuation | None, context: Any) -> dict[str, Any]:
    settings = get_settings(Settings)
    seconds_left = context.get_remaining_time_in_millis() / 1000 - STOP_BEFORE_TIMEOUT_SECONDS
    report = reconcile(
        Store(),
        S3Objects(),
        settings.documents_bucket,
        profile_exists,
        budget=Budget(settings.reconciliation_item_budget, time.monotonic() + seconds_left),
        resume=resume,
        continue_later=hand_on,
    )
    metrics.add_metric(name="ReconciliationItemsPurged", unit="Count", value=report.items_purged)
    metrics.add_metric(
        name="ReconciliationOrphanObjectsDeleted", unit="Count", value=report.orphan_objects_deleted
    )
    logger.info("reconciliation done", extra=report.__dict__)
    return report.__dict__


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> Any:
    if "Records" not in event:  # the daily schedule
        return run(None, context)

    def continue_run(record: SQSRecord) -> None:
        run(Continuation.model_validate_json(record.body), context)

    return process_partial_response(
        event=event, record_handler=continue_run, processor=processor, context=context
    )
