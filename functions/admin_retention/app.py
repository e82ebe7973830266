"""Operators' reports (IAM-authorised), no personal data: retention (counts by purpose and day) and the
DPO's monthly report (rights requests, consents, breach register, retention health, processors)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from jaqe.dpo.model import MONTH_PATTERN, Month, ReportFormat
from jaqe.platform import clock
from jaqe.platform.api import api_handler, create_app, json_response, operator_of
from jaqe.platform.settings import ApiSettings, DataSettings, get_settings
from jaqe.platform.store import Store
from jaqe.privacy.retention_report import (
    DEFAULT_DAYS,
    DEFAULT_LOOKBACK_DAYS,
    MAX_DAYS,
    MAX_LOOKBACK_DAYS,
    retention_report,
)


class Settings(ApiSettings, DataSettings):
    """What admin_retention reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


@app.get("/v1/admin/retention-report")
def get_retention_report(
    days: Annotated[int, Query(ge=0, le=MAX_DAYS)] = DEFAULT_DAYS,
    lookback_days: Annotated[int, Query(ge=0, le=MAX_LOOKBACK_DAYS)] = DEFAULT_LOOKBACK_DAYS,
) -> Response[Any]:
    """What expires within `days`, and what expired up to `lookback_days` ago but is still held."""
    operator_of(app)
    return json_response(200, retention_report(Store(), days=days, lookback_days=lookback_days))


@app.get(
    "/v1/admin/reports/monthly",
    responses={
        200: {
            "description": "The month's report in the format asked for",
            "content": {
                ReportFormat.JSON.media_type: {"schema": {"type": "object"}},
                "text/markdown": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
def get_monthly_report(
    month: Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM")],
    format: Annotated[ReportFormat, Query()] = ReportFormat.JSON,
) -> Response[Any]:
    """The DPO's report of one month: JSON, markdown or CSV."""
    # Reads every capability's records (rights, breaches, consents): loaded by this route only.
    from jaqe.dpo.reports import monthly_report

    operator_of(app)
    report = monthly_report(Store(), Month(month), clock.now())
    if format is ReportFormat.JSON:
        return json_response(200, report.as_dict())
    return Response(status_code=200, content_type=format.media_type, body=report.render(format))


handler = api_handler(app)
