"""The task handler of the breach-response state machine, and its hourly deadline check.

Event: a `BreachTask` ({"step": <BreachStep>, "incident_id", "execution"?, "task_token"?, "batch"?,
"notified"?, "error"?}); the EventBridge schedule sends {"step": "check_deadlines"}.
"""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from jaqe.breach.workflow import BreachStep, BreachTask, BreachWorkflow
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import DataSettings, OutboxSettings, SubjectKeySettings, get_settings
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer


class Settings(DataSettings, OutboxSettings, SubjectKeySettings):
    """What breach_workflow reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    task = BreachTask.model_validate(event)
    if task.step is not BreachStep.CHECK_DEADLINES:
        logger.append_keys(incident_id=task.incident_id, step=task.step.value)
    result = BreachWorkflow(Store(), OutboxMailer()).run(task)
    if task.step is BreachStep.CHECK_DEADLINES:
        # CNIL notifications overdue or due within 24 hours raise the alarm (Art. 33(1): 72 hours).
        metrics.add_metric(
            name="IncidentNotificationsOverdue", unit=MetricUnit.Count, value=result["overdue"]
        )
        metrics.add_metric(
            name="IncidentNotificationsDueSoon", unit=MetricUnit.Count, value=result["due_soon"]
        )
    elif task.step is BreachStep.NOTIFY_BATCH:
        metrics.add_metric(name="BreachNoticesSent", unit=MetricUnit.Count, value=result["notified"])
    elif task.step is BreachStep.NEEDS_OPERATOR:
        logger.error(
            "breach response needs an operator", extra={"error": (task.error or {}).get("Error", "unknown")}
        )
    return result
