"""DynamoDB stream (REMOVE records): when an item goes, by TTL or by erasure, what hangs from it goes too."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from jaqe.leads import records as leads_records
from jaqe.platform.cognito import CognitoLogins
from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import DataSettings, DocumentsSettings, LoginSettings, get_settings
from jaqe.platform.store import Store
from jaqe.privacy.retention import cascade, is_ttl_deletion
from jaqe.professionals import records as professionals_records


class Settings(DataSettings, DocumentsSettings, LoginSettings):
    """What retention_cascade reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
# Whose records know what hangs from their items.
DEPENDENTS = (leads_records.dependents, professionals_records.dependents)


def handle_record(record: DynamoDBRecord) -> None:
    if record.event_name is not DynamoDBRecordEventName.REMOVE or record.dynamodb is None:
        return
    deleted = record.dynamodb.old_image
    result = cascade(deleted, Store(), DEPENDENTS, S3Objects(), get_settings(Settings).documents_bucket)
    if login := professionals_records.login_of_removed(deleted):
        CognitoLogins().delete(login)  # e.g. an expired registration: no login outlives its profile
    cause = "ttl" if is_ttl_deletion(record.user_identity) else "deletion"
    metrics.add_metric(name="CascadeItemsDeleted", unit="Count", value=result.items_deleted)
    metrics.add_metric(name="CascadeObjectsDeleted", unit="Count", value=result.objects_deleted)
    logger.info(
        "cascade done",
        extra={
            "cause": cause,
            "item_type": deleted.get("item_type"),
            "subject_key": deleted.get("subject_key"),
            "items_deleted": result.items_deleted,
            "objects_deleted": result.objects_deleted,
        },
    )


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> Any:
    return process_partial_response(
        event=event, record_handler=handle_record, processor=processor, context=context
    )
