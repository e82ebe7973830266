"""The task handler of the breach-response state machine, and its hourly deadline check.

Event: {"step": <name>, "incident_id": ..., "execution"?, "task_token"?, "batch"?, "notified"?};
the EventBridge schedule sends {"step": "check_deadlines"}.
"""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from jaqe.breach import Incidents
from jaqe.mail import OutboxMailer
from jaqe.observability import logger, metrics, tracer
from jaqe.settings import DataSettings, OutboxSettings, get_settings
from jaqe.store import Store


class Settings(DataSettings, OutboxSettings):
    """What breach_workflow reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request


def check_deadlines(incidents: Incidents) -> dict[str, int]:
    """CNIL notifications overdue or due within 24 hours raise the alarm (Art. 33(1): 72 hours)."""
    overdue, due_soon = incidents.deadlines()
    metrics.add_metric(name="IncidentNotificationsOverdue", unit=MetricUnit.Count, value=overdue)
    metrics.add_metric(name="IncidentNotificationsDueSoon", unit=MetricUnit.Count, value=due_soon)
    return {"overdue": overdue, "due_soon": due_soon}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    step = event["step"]
    incidents = Incidents(Store(), OutboxMailer())
    if step == "check_deadlines":
        return check_deadlines(incidents)
    incident_id = event["incident_id"]
    logger.append_keys(incident_id=incident_id, step=step)
    if step == "record":
        incidents.record_execution(incident_id, event["execution"])
        return None
    if step == "find_people":
        return incidents.find_people(incident_id)
    if step == "park_decision":
        incidents.park_decision(incident_id, event["task_token"])
        return None
    if step == "start_notifying":
        incidents.start_notifying(incident_id)
        return None
    if step == "notify_batch":
        sent = incidents.notify_batch(incident_id, event["batch"])
        metrics.add_metric(name="BreachNoticesSent", unit=MetricUnit.Count, value=sent["notified"])
        return sent
    if step == "close":
        return incidents.close(incident_id, notified=bool(event["notified"]))
    if step == "needs_operator":
        error = str((event.get("error") or {}).get("Error", "unknown"))
        incidents.needs_operator(incident_id, error)
        logger.error("breach response needs an operator", extra={"error": error})
        return None
    raise ValueError(f"unknown step {step}")
