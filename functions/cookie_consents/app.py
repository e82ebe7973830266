"""Cookie consents of a visitor: record a choice (13 months), read the current one (404 once expired)."""

import uuid
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from jaqe.marketing.cookies import current_choice, record_choice
from jaqe.marketing.model import CookieConsentIn, CookieConsentOut
from jaqe.platform.api import api_handler, create_app, json_response, run_idempotent
from jaqe.platform.settings import (
    ApiSettings,
    DataSettings,
    IdempotencySettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store


class Settings(ApiSettings, DataSettings, IdempotencySettings, SubjectKeySettings):
    """What cookie_consents reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


@app.post(
    "/v1/cookie-consents",
    responses={201: {"description": "Choice recorded (advertising refused when `Sec-GPC: 1` says so)"}},
)
def post_cookie_consent(choice: Annotated[CookieConsentIn, Body()]) -> Response[CookieConsentOut]:
    # Global Privacy Control: browsers send it on every request; only "1" is the signal.
    gpc = (app.current_event.headers.get("Sec-GPC") or "").strip() == "1"  # case-insensitive in Powertools v3

    def accept() -> dict:
        return record_choice(Store(), choice, gpc=gpc).model_dump(mode="json")

    payload = {**choice.model_dump(mode="json"), "gpc": gpc}
    recorded = CookieConsentOut(**run_idempotent(app, "record_cookie_choice", accept, payload))
    return json_response(201, recorded)


@app.get("/v1/cookie-consents/<visitor_id>")
def get_cookie_consent(visitor_id: Annotated[uuid.UUID, Path()]) -> Response[CookieConsentOut]:
    return json_response(200, current_choice(Store(), visitor_id))


handler = api_handler(app)
