"""S3 ObjectCreated on the documents bucket: check the real content, delete and record bad files;
a later upload to a key already checked is deleted (the checked version stays the document).

Invoked asynchronously by S3: a failure is retried, then lands in the on-failure queue.
"""

from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext
from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import DataSettings, get_settings
from jaqe.platform.store import Store
from jaqe.professionals import documents


class Settings(DataSettings):
    """What document_check reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
@event_source(data_class=S3Event)
def handler(event: S3Event, context: LambdaContext) -> dict:
    outcomes: dict[str, int] = {}
    for record in event.records:
        key = unquote_plus(record.s3.get_object.key)
        version = record.s3.get_object.version_id
        outcome = documents.check_upload(Store(), S3Objects(), record.s3.bucket.name, key, version)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        name = "".join(word.capitalize() for word in outcome.split("_"))
        metrics.add_metric(name=f"Document{name}", unit="Count", value=1)
    return outcomes
