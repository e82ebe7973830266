"""Partner exports queue consumer: each message names an export (`{"export_id"}`) that an operator
recorded; the file is written to the partner-exports bucket as the people are read, in parts, and
each person in it recorded as a disclosure (jaqe.leads.partners.PartnerExports.run).

A failure leaves the message in the queue (partial batch failure): SQS retries it (the export starts
again), then moves it to the dead-letter queue, which raises an alarm; the DLQ holds the id only.
"""

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from jaqe.leads.partners import PartnerExports
from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import DataSettings, PartnerExportsSettings, get_settings
from jaqe.platform.store import Store
from pydantic import BaseModel, ConfigDict


class Settings(DataSettings, PartnerExportsSettings):
    """What partner_exports reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

processor = BatchProcessor(event_type=EventType.SQS)


class ExportMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    export_id: str


def handle_record(record: SQSRecord) -> None:
    export_id = ExportMessage.model_validate(json.loads(record.body)).export_id
    done = PartnerExports(Store(), S3Objects(), get_settings(Settings).partner_exports_bucket).run(export_id)
    if done is not None:
        metrics.add_metric(name="PartnerExportRows", unit="Count", value=int(done.get("count", 0)))


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> Any:
    return process_partial_response(
        event=event, record_handler=handle_record, processor=processor, context=context
    )
