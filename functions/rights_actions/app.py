"""The rights-request state machine's `act_*` steps: access and portability exports, rectification,
erasure, restriction, objection, consent withdrawal, post-mortem directives. This function reaches
everything held about a person (subject index, buckets, logins) and sends no mail; the
conversation steps run in `rights_workflow`, whose role reaches none of it.
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from jaqe.platform.cognito import CognitoLogins
from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import logger, metrics, tracer
from jaqe.platform.settings import (
    DataSettings,
    DocumentsSettings,
    ExportsSettings,
    LinkSettings,
    LoginSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.rights.workflow import Collaborators, PersonalStores, RightsWorkflow, task_for


class Settings(
    DataSettings, ExportsSettings, DocumentsSettings, LinkSettings, LoginSettings, SubjectKeySettings
):
    """What rights_actions reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    task = task_for(event, actions=True)
    settings = get_settings(Settings)
    stores = PersonalStores(S3Objects(), CognitoLogins(), settings.exports_bucket, settings.documents_bucket)
    result = RightsWorkflow(Collaborators(Store(), settings.public_api_url, stores=stores)).run(task)
    logger.info("rights workflow action done")
    return result
