"""The task handler of the rights-request state machine: one step per invocation.

Event: {"step": <RightsStep>, "state": <RightsState>, "task_token"?: ..., "execution"?: <execution id>},
validated as a `RightsTask`. Returns the new state (Lambda tasks use `OutputPath: $.Payload`).
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import (
    DataSettings,
    DocumentsSettings,
    ExportsSettings,
    LinkSettings,
    OutboxSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer
from jaqe.rights.workflow import Collaborators, RightsStep, RightsTask, RightsWorkflow


class Settings(
    DataSettings, OutboxSettings, SubjectKeySettings, ExportsSettings, DocumentsSettings, LinkSettings
):
    """What rights_workflow reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

COUNTED = {RightsStep.NEEDS_OPERATOR: "RightsRequestNeedsOperator", RightsStep.CLOSE: "RightsRequestClosed"}


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
    task = RightsTask.model_validate(event)
    logger.append_keys(
        request_id=task.state.request_id, step=task.step.value, subject_key=task.state.subject_key
    )
    result = workflow().run(task)
    if task.step in COUNTED:
        metrics.add_metric(name=COUNTED[task.step], unit="Count", value=1)
    logger.info("rights workflow step done")
    return result
