"""Daily (EventBridge Scheduler): purge what is past expiry that TTL has not removed yet, and orphan objects."""

from typing import Any

from jaqe.observability import logger, metrics, tracer
from jaqe.retention import S3Objects, reconcile
from jaqe.settings import get_settings
from jaqe.store import Store


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    bucket = get_settings().documents_bucket
    report = reconcile(Store(), S3Objects(bucket) if bucket else None)
    metrics.add_metric(name="ReconciliationItemsPurged", unit="Count", value=report.items_purged)
    metrics.add_metric(
        name="ReconciliationOrphanObjectsDeleted", unit="Count", value=report.orphan_objects_deleted
    )
    logger.info("reconciliation done", extra=report.__dict__)
    return report.__dict__
