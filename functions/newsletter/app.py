"""Newsletter: double opt-in subscription, confirmation link, one-click unsubscribe (RFC 8058)."""

import json
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from jaqe.marketing.model import SubscriptionIn, Unsubscribed
from jaqe.marketing.newsletter import Newsletter
from jaqe.marketing.similar_services import unsubscribe
from jaqe.platform.api import StatusOut, api_handler, create_app, json_response, run_idempotent
from jaqe.platform.errors import InvalidInput
from jaqe.platform.settings import (
    ApiSettings,
    DataSettings,
    IdempotencySettings,
    LinkSettings,
    OutboxSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.subject_keys import subject_key


class Settings(
    ApiSettings, DataSettings, IdempotencySettings, SubjectKeySettings, OutboxSettings, LinkSettings
):
    """What newsletter reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


Token = Annotated[str, Query(min_length=20, max_length=200)]


@app.post("/v1/newsletter/subscriptions", responses={202: {"description": "Confirmation link sent"}})
def post_subscription(subscription: Annotated[SubscriptionIn, Body()]) -> Response[StatusOut]:
    def accept() -> dict:
        Newsletter(Store(), OutboxMailer(), subject_key).subscribe(
            subscription.email, subscription.policy_version
        )
        # Same answer whether or not the address is already known: no enumeration.
        return {"status": "confirmation_sent"}

    return json_response(
        202, StatusOut(**run_idempotent(app, "subscribe_newsletter", accept, subscription.model_dump()))
    )


@app.get("/v1/newsletter/confirm")
def get_confirm(token: Token) -> Response[StatusOut]:
    Newsletter(Store(), OutboxMailer(), subject_key).confirm(token)
    return json_response(200, StatusOut(status="confirmed"))


@app.post("/v1/newsletter/unsubscribe")
def post_unsubscribe(token: Annotated[str | None, Query(max_length=200)] = None) -> Response[Unsubscribed]:
    # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the URL that carries the token;
    # the site may instead send {"token": ...} as JSON.
    if token is None:
        body = app.current_event.body or ""
        try:
            token = json.loads(body).get("token") if body.strip().startswith("{") else None
        except (json.JSONDecodeError, AttributeError):
            token = None
    if not token or not isinstance(token, str) or len(token) > 200:
        raise InvalidInput(
            "Le jeton de désinscription est manquant.", errors=[{"field": "token", "message": "requis"}]
        )
    purpose = unsubscribe(Store(), OutboxMailer(), token)
    return json_response(200, Unsubscribed(status="unsubscribed", purpose=purpose))


handler = api_handler(app)
