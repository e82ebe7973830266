"""POST /v1/professionals: a professional's registration (C2-02, C3-06).

Every valid registration gets the same answer, 202 {"status": "received"}, whether or not the
address already has an account: what follows goes by email to that address (no enumeration)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from jaqe.platform.api import api_handler, create_app, json_response, run_idempotent
from jaqe.platform.cognito import CognitoLogins
from jaqe.platform.observability import metrics
from jaqe.platform.settings import (
    DataSettings,
    IdempotencySettings,
    LoginSettings,
    OutboxSettings,
    SiteSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.subject_keys import subject_key
from jaqe.professionals.accounts import register_professional
from jaqe.professionals.model import ProfessionalIn, RegistrationReceived


class Settings(
    SiteSettings, DataSettings, IdempotencySettings, SubjectKeySettings, OutboxSettings, LoginSettings
):
    """What professionals reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


@app.post(
    "/v1/professionals",
    responses={
        202: {
            "description": "Registration received (the same answer for every valid registration): "
            "the reference and the login, or a reminder that an account exists, go by email"
        }
    },
)
def post_professional(registration: Annotated[ProfessionalIn, Body()]) -> Response[Any]:
    def register() -> dict:
        register_professional(
            registration,
            store=Store(),
            mailer=OutboxMailer(),
            logins=CognitoLogins(),
            subject_key=subject_key,
            login_url=f"{get_settings(Settings).site_url}/professionnels.html",
        )
        return RegistrationReceived().model_dump()

    received = RegistrationReceived(
        **run_idempotent(app, "register_professional", register, registration.model_dump(mode="json"))
    )
    metrics.add_metric(name="ProfessionalRegistrationReceived", unit="Count", value=1)
    return json_response(202, received.model_dump())


handler = api_handler(app)
