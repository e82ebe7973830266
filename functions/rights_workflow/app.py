"""The rights-request state machine's conversation steps: record, verification, operator review,
recipients' notices, answer, close (every step but `act_*`, which `rights_actions` runs).

Event: {"step": <RightsStep>, "state": <RightsState>, "task_token"?: ..., "execution"?: <execution id>},
validated as a `RightsTask`. Returns the new state (Lambda tasks use `OutputPath: $.Payload`).
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import (
    DataSettings,
    LinkSettings,
    OutboxSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer
from jaqe.rights.workflow import Collaborators, RightsStep, RightsWorkflow, task_for


class Settings(DataSettings, OutboxSettings, SubjectKeySettings, LinkSettings):
    """What rights_workflow reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

COUNTED = {RightsStep.NEEDS_OPERATOR: "RightsRequestNeedsOperator", RightsStep.CLOSE: "RightsRequestClosed"}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    task = task_for(event, actions=False)
    deps = Collaborators(Store(), get_settings(Settings).public_api_url, mailer=OutboxMailer())
    result = RightsWorkflow(deps).run(task)
    if task.step in COUNTED:
        metrics.add_metric(name=COUNTED[task.step], unit="Count", value=1)
    logger.info("rights workflow step done")
    return result
