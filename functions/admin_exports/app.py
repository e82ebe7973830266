"""Operators (IAM): export, for one commercial partner, the people who consented to it (C4-05); the
partners directory (the contact Art. 19 notices go to) and the notices left to operators."""

import json
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from jaqe.leads.model import (
    Partner,
    PartnerContract,
    PartnerExportAccepted,
    PartnerExportRequest,
    PartnerExportStatus,
    PartnerIn,
    PartnerTask,
)
from jaqe.leads.partners import PartnerDirectory, PartnerExports
from jaqe.platform import aws
from jaqe.platform.api import Reason, api_handler, create_app, json_response, operator_of
from jaqe.platform.errors import NotFound
from jaqe.platform.objects import S3Objects
from jaqe.platform.settings import (
    AccessTrailSettings,
    ApiSettings,
    DataSettings,
    PartnerExportsQueueSettings,
    PartnerExportsSettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.access_trail import AccessTrail


class Settings(
    AccessTrailSettings, ApiSettings, DataSettings, PartnerExportsSettings, PartnerExportsQueueSettings
):
    """What admin_exports reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app(access_trail=AccessTrail())


def _exports() -> PartnerExports:
    settings = get_settings(Settings)

    def enqueue(export_id: str) -> None:
        """The queue message names the export, nothing else (DLQ messages outlive erasures)."""
        aws.client("sqs").send_message(
            QueueUrl=settings.partner_exports_queue_url, MessageBody=json.dumps({"export_id": export_id})
        )

    return PartnerExports(Store(), S3Objects(), settings.partner_exports_bucket, enqueue)


@app.post(
    "/v1/admin/commercial-partners/exports",
    responses={202: {"description": "Export recorded and queued: its status gives the file's link"}},
)
def post_export(request: Annotated[PartnerExportRequest, Body()]) -> Response[PartnerExportAccepted]:
    record = _exports().request(request.partner, operator_of(app))
    return json_response(202, PartnerExportAccepted(export_id=record["export_id"], status=record["status"]))


@app.get("/v1/admin/commercial-partners/exports/<export_id>")
def get_export(export_id: str, reason: Reason) -> Response[PartnerExportStatus]:
    """The export's status and, once complete, the file's short-lived link: personal data, read for a
    `reason` (kept in the access trail)."""
    operator_of(app)  # operators only (IAM)
    status = _exports().status(export_id)
    if status is None:
        raise NotFound("Export inconnu.")
    return json_response(200, PartnerExportStatus.model_validate(status))


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
