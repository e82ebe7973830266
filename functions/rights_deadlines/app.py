"""Daily check (EventBridge schedule): rights requests overdue or due within 7 days -> metrics -> alarm."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import DataSettings, get_settings
from jaqe.platform.store import Store
from jaqe.platform.workflows import StepFunctionsWorkflows
from jaqe.privacy.outbox import OutboxMailer
from jaqe.rights.operations import RightsOperations


class Settings(DataSettings):
    """What rights_deadlines reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request


@logger.inject_lambda_context
@metrics.log_metrics(capture_cold_start_metric=False)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The check only reads the data table: it starts no execution and sends no email.
    ops = RightsOperations(Store(), StepFunctionsWorkflows(state_machine_arn=""), OutboxMailer())
    report = ops.deadlines()
    metrics.add_metric(name="RightsRequestsOverdue", unit="Count", value=len(report["overdue"]))
    metrics.add_metric(name="RightsRequestsDueSoon", unit="Count", value=len(report["due_soon"]))
    logger.info(
        "rights deadlines checked",
        extra={
            "overdue": [r["request_id"] for r in report["overdue"]],
            "due_soon": [r["request_id"] for r in report["due_soon"]],
        },
    )
    return {"overdue_count": len(report["overdue"]), "due_soon_count": len(report["due_soon"]), **report}
