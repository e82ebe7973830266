"""Daily (EventBridge Scheduler): purge what is past expiry that TTL has not removed yet, and orphan objects."""

from typing import Any

from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import DataSettings, DocumentsSettings, get_settings
from jaqe.platform.store import Store
from jaqe.privacy.retention import reconcile
from jaqe.professionals.records import profile_exists


class Settings(DataSettings, DocumentsSettings):
    """What reconciliation reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    report = reconcile(Store(), S3Objects(), get_settings(Settings).documents_bucket, profile_exists)
    metrics.add_metric(name="ReconciliationItemsPurged", unit="Count", value=report.items_purged)
    metrics.add_metric(
        name="ReconciliationOrphanObjectsDeleted", unit="Count", value=report.orphan_objects_deleted
    )
    logger.info("reconciliation done", extra=report.__dict__)
    return report.__dict__
