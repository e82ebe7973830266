"""POST /v1/contact-messages: the site's contact form."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from jaqe.inbound.contact import submit_contact_message
from jaqe.inbound.model import ContactMessageAccepted, ContactMessageIn
from jaqe.platform.api import api_handler, create_app, json_response, run_idempotent
from jaqe.platform.observability import metrics
from jaqe.platform.settings import (
    ApiSettings,
    DataSettings,
    IdempotencySettings,
    OutboxSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.subject_keys import subject_key


class Settings(ApiSettings, DataSettings, IdempotencySettings, SubjectKeySettings, OutboxSettings):
    """What contact_messages reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


@app.post("/v1/contact-messages", responses={202: {"description": "Message accepted"}})
def post_contact_message(message: Annotated[ContactMessageIn, Body()]) -> Response[ContactMessageAccepted]:
    def accept() -> dict:
        result = submit_contact_message(
            message, store=Store(), mailer=OutboxMailer(), subject_key=subject_key
        )
        return result.model_dump()

    accepted = ContactMessageAccepted(
        **run_idempotent(app, "submit_contact_message", accept, message.model_dump())
    )
    metrics.add_metric(name="ContactMessageAccepted", unit="Count", value=1)
    return json_response(202, accepted)


handler = api_handler(app)
