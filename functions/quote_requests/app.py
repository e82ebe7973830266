"""POST /v1/quote-requests: a consumer's project, contact and consents; matched and shared."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from jaqe.leads.model import QuoteRequestAccepted, QuoteRequestIn
from jaqe.leads.quotes import QuoteRequests
from jaqe.platform.api import api_handler, create_app, json_response, run_idempotent, source_site
from jaqe.platform.observability import metrics
from jaqe.platform.settings import (
    DataSettings,
    IdempotencySettings,
    LinkSettings,
    MatchingSettings,
    OutboxSettings,
    SiteSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.subject_keys import subject_key


class Settings(
    SiteSettings,
    DataSettings,
    IdempotencySettings,
    SubjectKeySettings,
    OutboxSettings,
    MatchingSettings,
    LinkSettings,  # the newsletter box of the form starts the double opt-in (a confirmation link)
):
    """What quote_requests reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


@app.post("/v1/quote-requests", responses={201: {"description": "Lead stored and shared"}})
def post_quote_request(request: Annotated[QuoteRequestIn, Body()]) -> Response[QuoteRequestAccepted]:
    origin = source_site(app)

    def accept() -> dict:
        use_case = QuoteRequests(
            Store(), OutboxMailer(), subject_key, max_matches=get_settings(Settings).max_matches
        )
        return use_case.submit(request, source_site=origin).model_dump()

    accepted = QuoteRequestAccepted(
        **run_idempotent(app, "submit_quote_request", accept, request.model_dump())
    )
    metrics.add_metric(name="QuoteRequestAccepted", unit="Count", value=1)
    metrics.add_metric(name="ProfessionalsMatched", unit="Count", value=accepted.matched_professionals)
    return json_response(201, accepted)


handler = api_handler(app)
