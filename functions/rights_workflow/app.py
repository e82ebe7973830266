"""The task handler of the rights-request state machine: one step per invocation.

Event: {"step": <name>, "state": <execution state>, "task_token"?: ..., "execution"?: <execution id>}.
Returns the new state (Lambda tasks use `OutputPath: $.Payload`).
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from jaqe.mail import OutboxMailer
from jaqe.observability import logger, metrics, tracer
from jaqe.rights.exports import S3Objects
from jaqe.rights.workflow import Collaborators, RightsWorkflow
from jaqe.settings import (
    DataSettings,
    DocumentsSettings,
    ExportsSettings,
    LinkSettings,
    OutboxSettings,
    get_settings,
)
from jaqe.store import Store


class Settings(DataSettings, OutboxSettings, ExportsSettings, DocumentsSettings, LinkSettings):
    """What rights_workflow reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

STATE_STEPS = {
    "verified",
    "close_unverified",
    "act_access",
    "act_portability",
    "act_rectification",
    "act_erasure",
    "act_restriction",
    "act_objection",
    "act_withdraw_consent",
    "act_post_mortem_directives",
    "refuse",
    "notify_recipients",
    "answer",
    "close",
    "needs_operator",
}
CALLBACK_STEPS = {"send_verification", "request_review"}


def workflow() -> RightsWorkflow:
    settings = get_settings(Settings)
    return RightsWorkflow(
        Collaborators(
            store=Store(),
            mailer=OutboxMailer(),
            objects=S3Objects(),
            public_api_url=settings.public_api_url,
            exports_bucket=settings.exports_bucket,
            documents_bucket=settings.documents_bucket,
        )
    )


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    step, state = event["step"], event["state"]
    logger.append_keys(request_id=state.get("request_id"), step=step, subject_key=state.get("subject_key"))
    steps = workflow()
    if step == "record":
        return steps.record(state, event.get("execution", ""))
    if step in CALLBACK_STEPS:
        getattr(steps, step)(state, event["task_token"])
        return {}
    if step not in STATE_STEPS:
        raise ValueError(f"unknown step {step}")
    result = getattr(steps, step)(state)
    if step == "needs_operator":
        metrics.add_metric(name="RightsRequestNeedsOperator", unit="Count", value=1)
    elif step == "close":
        metrics.add_metric(name="RightsRequestClosed", unit="Count", value=1)
    logger.info("rights workflow step done")
    return result
