"""Operators' retention report (IAM-authorised): counts by purpose and day, no personal data; and the
access trail (who did or read what, about whom, why), read by the DPO."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from jaqe.platform.api import api_handler, create_app, json_response, operator_of, trail_subject
from jaqe.platform.settings import (
    AccessTrailSettings,
    ApiSettings,
    DataSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.access_trail import AccessTrail
from jaqe.privacy.model import AccessTrailSearch
from jaqe.privacy.retention_report import (
    DEFAULT_DAYS,
    DEFAULT_LOOKBACK_DAYS,
    MAX_DAYS,
    MAX_LOOKBACK_DAYS,
    retention_report,
)
from jaqe.privacy.subject_keys import subject_key


class Settings(AccessTrailSettings, ApiSettings, DataSettings, SubjectKeySettings):
    """What admin_retention reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app(access_trail=AccessTrail())


@app.get("/v1/admin/retention-report")
def get_retention_report(
    days: Annotated[int, Query(ge=0, le=MAX_DAYS)] = DEFAULT_DAYS,
    lookback_days: Annotated[int, Query(ge=0, le=MAX_LOOKBACK_DAYS)] = DEFAULT_LOOKBACK_DAYS,
) -> Response[Any]:
    """What expires within `days`, and what expired up to `lookback_days` ago but is still held."""
    operator_of(app)
    return json_response(200, retention_report(Store(), days=days, lookback_days=lookback_days))


@app.post("/v1/admin/access-trail/search")
def search_access_trail(body: Annotated[AccessTrailSearch, Body()]) -> Response[Any]:
    """Entries about one person (`subject_email`), by one operator, or from a date, oldest first."""
    trail = AccessTrail()
    if body.subject_email is not None:
        key = subject_key(body.subject_email)
        trail_subject(app, key)
        entries = trail.by_subject(key)
    elif body.operator is not None:
        entries = trail.by_operator(body.operator)
    else:
        assert body.since is not None  # the model requires exactly one criterion
        entries = trail.since(body.since)
    return json_response(200, {"entries": entries})


handler = api_handler(app)
