"""Operators (IAM): export, for one commercial partner, the people who consented to it (C4-05)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from jaqe.leads.model import PartnerExport, PartnerExportRequest
from jaqe.leads.partners import export_for_partner
from jaqe.platform.api import api_handler, create_app, json_response, operator_of
from jaqe.platform.settings import ApiSettings, DataSettings, get_settings
from jaqe.platform.store import Store


class Settings(ApiSettings, DataSettings):
    """What admin_exports reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


@app.post(
    "/v1/admin/commercial-partners/exports", responses={201: {"description": "Export made and recorded"}}
)
def post_export(request: Annotated[PartnerExportRequest, Body()]) -> Response[PartnerExport]:
    operator = operator_of(app)
    export = export_for_partner(Store(), request.partner, operator)
    return json_response(
        201, PartnerExport(export_id=export.export_id, count=len(export.rows), rows=export.rows)
    )


handler = api_handler(app)
