"""POST /v1/professionals: a professional's registration (C2-02, C3-06)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from jaqe.platform.api import api_handler, create_app, json_response, run_idempotent
from jaqe.platform.cognito import CognitoLogins
from jaqe.platform.observability import metrics
from jaqe.platform.settings import (
    ApiSettings,
    DataSettings,
    IdempotencySettings,
    LoginSettings,
    OutboxSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.subject_keys import subject_key
from jaqe.professionals.accounts import register_professional
from jaqe.professionals.model import ProfessionalIn, RegistrationAccepted


class Settings(
    ApiSettings, DataSettings, IdempotencySettings, SubjectKeySettings, OutboxSettings, LoginSettings
):
    """What professionals reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


@app.post("/v1/professionals", responses={201: {"description": "Registration received, pending review"}})
def post_professional(registration: Annotated[ProfessionalIn, Body()]) -> Response[Any]:
    def register() -> dict:
        result = register_professional(
            registration,
            store=Store(),
            mailer=OutboxMailer(),
            logins=CognitoLogins(),
            subject_key=subject_key,
        )
        return result.model_dump()

    accepted = RegistrationAccepted(
        **run_idempotent(app, "register_professional", register, registration.model_dump(mode="json"))
    )
    metrics.add_metric(name="ProfessionalRegistered", unit="Count", value=1)
    return json_response(201, accepted.model_dump())


handler = api_handler(app)
