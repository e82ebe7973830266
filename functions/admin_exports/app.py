"""Operators (IAM): export, for one commercial partner, the people who consented to it (C4-05); the
partners directory (the contact Art. 19 notices go to) and the notices left to operators."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from jaqe.leads.model import (
    Partner,
    PartnerContract,
    PartnerExport,
    PartnerExportRequest,
    PartnerIn,
    PartnerTask,
)
from jaqe.leads.partners import PartnerDirectory, export_for_partner
from jaqe.platform.api import api_handler, create_app, json_response, operator_of
from jaqe.platform.settings import AccessTrailSettings, ApiSettings, DataSettings, get_settings
from jaqe.platform.store import Store
from jaqe.privacy.access_trail import AccessTrail


class Settings(AccessTrailSettings, ApiSettings, DataSettings):
    """What admin_exports reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app(access_trail=AccessTrail())


@app.post(
    "/v1/admin/commercial-partners/exports", responses={201: {"description": "Export made and recorded"}}
)
def post_export(request: Annotated[PartnerExportRequest, Body()]) -> Response[PartnerExport]:
    operator = operator_of(app)
    export = export_for_partner(Store(), request.partner, operator)
    return json_response(
        201, PartnerExport(export_id=export.export_id, count=len(export.rows), rows=export.rows)
    )


def _view(model: Any, item: dict[str, Any]) -> dict[str, Any]:
    return dict(model.model_validate({k: item[k] for k in model.model_fields if k in item}).model_dump())


@app.post("/v1/admin/commercial-partners", responses={201: {"description": "Partner added or updated"}})
def post_partner(request: Annotated[PartnerIn, Body()]) -> Response[Partner]:
    contract = request.model_dump(mode="json", include=set(PartnerContract.model_fields), exclude_none=True)
    entry = PartnerDirectory(Store()).add(request.name, request.email, operator_of(app), contract)
    return json_response(201, _view(Partner, entry))


@app.get("/v1/admin/commercial-partners")
def list_partners() -> Response[Any]:
    operator_of(app)  # operators only (IAM)
    return json_response(200, {"partners": [_view(Partner, e) for e in PartnerDirectory(Store()).entries()]})


@app.get("/v1/admin/commercial-partners/tasks")
def list_partner_tasks() -> Response[Any]:
    """Art. 19 notices no directory contact could carry: an operator tells these partners."""
    operator_of(app)  # operators only (IAM)
    return json_response(200, {"tasks": [_view(PartnerTask, t) for t in PartnerDirectory(Store()).tasks()]})


handler = api_handler(app)
