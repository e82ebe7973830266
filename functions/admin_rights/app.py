"""Operators' rights-request routes (IAM-authorised): list, register (post, phone), qualify, close,
decide, extend, lift, resume, post-mortem; privacy scans, holds (legal claims, disputes) and the
access trail (who did or read what, about whom, why)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from jaqe.platform.api import (
    Reason,
    api_handler,
    create_app,
    json_response,
    operator_name,
    operator_of,
    trail_subject,
)
from jaqe.platform.objects import S3Objects
from jaqe.platform.settings import (
    AccessTrailSettings,
    ApiSettings,
    DataSettings,
    DocumentsSettings,
    LinkSettings,
    LoginSettings,
    OutboxSettings,
    RightsWorkflowSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.platform.workflows import StepFunctionsWorkflows
from jaqe.privacy.access_trail import AccessTrail
from jaqe.privacy.holds import Holds, holds_entry, view
from jaqe.privacy.model import AccessTrailSearch, HoldLift, HoldRequest, PrivacyScanRequest
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.subject_keys import subject_key
from jaqe.rights.model import (
    Closure,
    DeadlineExtension,
    PostalOrPhoneRequest,
    PostMortemExecution,
    RequestStatus,
    RestrictionLift,
    ReviewDecision,
    RightsRequestFields,
)
from jaqe.rights.operations import RightsOperations


class Settings(
    AccessTrailSettings,
    ApiSettings,
    DataSettings,
    SubjectKeySettings,
    OutboxSettings,
    RightsWorkflowSettings,
    DocumentsSettings,
    LinkSettings,
    LoginSettings,
):
    """What admin_rights reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app(access_trail=AccessTrail())


def holds() -> Holds:
    """Holds reach the person's documents (legal hold on their versions) as well as their items."""
    return Holds(Store(), S3Objects(), {"documents": get_settings(Settings).documents_bucket})


def operations() -> RightsOperations:
    settings = get_settings(Settings)
    return RightsOperations(
        Store(),
        StepFunctionsWorkflows(settings.rights_state_machine_arn),
        OutboxMailer(),
        subject_key=subject_key,
        public_api_url=settings.public_api_url,
        holds=holds(),
    )


@app.post("/v1/admin/privacy-scans")
def post_privacy_scan(body: Annotated[PrivacyScanRequest, Body()]) -> Response[Any]:
    """Everything held about one person, by store and purpose (keys and types, not the values).
    POST, so the address never sits in a URL or an access log."""
    # Only this route reads every store and the login pool: imported on its first call.
    from jaqe.platform.cognito import CognitoLogins
    from jaqe.privacy.scan import scan_subject

    key = subject_key(body.email)
    trail_subject(app, key)
    settings = get_settings(Settings)
    scan = scan_subject(
        Store(), key, buckets={"documents": settings.documents_bucket}, logins=CognitoLogins()
    )
    return json_response(
        200,
        {
            "subject_key": key,
            **scan.summary(),
            "by_purpose": scan.by_purpose(),
            "inventory": scan.by_inventory(),
            "holds": holds_entry(scan.items),
            "held": scan.held(),
        },
    )


@app.post(
    "/v1/admin/holds",
    responses={201: {"description": "Placed: the person's data is kept past its retention until lifted"}},
)
def place_hold(body: Annotated[HoldRequest, Body()]) -> Response[Any]:
    """A hold during a dispute: the expiry of everything held about the person (items and documents)
    is set aside until an operator lifts it. POST, so the address never sits in a URL."""
    key = subject_key(body.email)
    trail_subject(app, key)
    placed = holds().place(key, reason=body.reason, placed_by=operator_name(app))
    return json_response(201, placed.as_dict())


@app.get("/v1/admin/holds")
def list_holds() -> Response[Any]:
    """The active holds, oldest first (one index query)."""
    operator_of(app)  # operators only (IAM)
    return json_response(200, {"holds": [view(h) for h in holds().active()]})


@app.post("/v1/admin/holds/<hold_id>/lift")
def lift_hold(hold_id: str, body: Annotated[HoldLift, Body()]) -> Response[Any]:
    """The person's retention clock starts again (unless another hold is active); what is past its
    period goes at the next reconciliation. 404 unknown hold, 409 already lifted."""
    lifted = holds().lift(hold_id, reason=body.reason, lifted_by=operator_name(app))
    return json_response(200, lifted.as_dict())


@app.post("/v1/admin/access-trail/search")
def search_access_trail(body: Annotated[AccessTrailSearch, Body()]) -> Response[Any]:
    """Entries about one person (`subject_email`), by one operator, or from a date, oldest first.
    POST, so the address never sits in a URL; this read is itself trailed."""
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


@app.get("/v1/admin/rights-requests")
def list_requests(
    status: Annotated[RequestStatus | None, Query()] = None,
    due_within_days: Annotated[int | None, Query(ge=0, le=400)] = None,
) -> Response[Any]:
    operator_of(app)  # operators only (IAM)
    return json_response(
        200, {"requests": operations().list_requests(status=status, due_within_days=due_within_days)}
    )


@app.post(
    "/v1/admin/rights-requests",
    responses={202: {"description": "Registered; the person is sent the acknowledgement and verification"}},
)
def register(body: Annotated[PostalOrPhoneRequest, Body()]) -> Response[Any]:
    """A request received by post or told on the phone; its deadline runs from `received_on`."""
    accepted = operations().register(body, operator=operator_name(app))
    return json_response(
        202, {"request_id": accepted.request_id, "status": accepted.status.value, "due_at": accepted.due_at}
    )


@app.post("/v1/admin/rights-requests/<request_id>/qualify")
def qualify(request_id: str, body: Annotated[RightsRequestFields, Body()]) -> Response[Any]:
    """The type and its fields of a request received by email (as `POST /v1/rights-requests` takes them)."""
    operations().qualify(request_id, body, operator=operator_name(app))
    return json_response(202, {"request_id": request_id, "type": body.type.value, "status": "qualified"})


@app.post("/v1/admin/rights-requests/<request_id>/close")
def close(request_id: str, body: Annotated[Closure, Body()]) -> Response[Any]:
    """Not a rights request after all: `answer` is emailed to the person and the request closes."""
    result = operations().close(
        request_id, reason=body.reason, answer=body.answer, operator=operator_name(app)
    )
    return json_response(200, result)


@app.get("/v1/admin/rights-requests/deadlines")
def deadlines() -> Response[Any]:
    operator_of(app)  # operators only (IAM)
    return json_response(200, operations().deadlines())


@app.get("/v1/admin/rights-requests/<request_id>")
def get_request(request_id: str, reason: Reason) -> Response[Any]:
    """The request, its history and what the person asked: personal data, read for a `reason`."""
    operator_of(app)  # operators only (IAM)
    details = operations().get(request_id)
    trail_subject(app, details["subject_key"])
    return json_response(200, details)


@app.post("/v1/admin/rights-requests/<request_id>/decision")
def decide(request_id: str, body: Annotated[ReviewDecision, Body()]) -> Response[Any]:
    operations().decide(
        request_id, approve=body.decision == "approve", reason=body.reason, operator=operator_name(app)
    )
    return json_response(202, {"request_id": request_id, "decision": body.decision})


@app.post("/v1/admin/rights-requests/<request_id>/extension")
def extend(request_id: str, body: Annotated[DeadlineExtension, Body()]) -> Response[Any]:
    result = operations().extend(
        request_id, months=body.months, reason=body.reason, operator=operator_name(app)
    )
    return json_response(200, result)


@app.post("/v1/admin/rights-requests/<request_id>/lift-restriction")
def lift(request_id: str, body: Annotated[RestrictionLift, Body()]) -> Response[Any]:
    operations().lift_restriction(request_id, reason=body.reason, operator=operator_name(app))
    return json_response(200, {"request_id": request_id, "restriction": "lifted"})


@app.post("/v1/admin/rights-requests/<request_id>/resume")
def resume(request_id: str) -> Response[Any]:
    operations().resume(request_id, operator=operator_name(app))
    return json_response(202, {"request_id": request_id, "status": "resumed"})


@app.post(
    "/v1/admin/rights-requests/post-mortem-executions",
    responses={
        202: {
            "description": "What was done: `status` erasure_started, kept, awaiting_designated_person or "
            "communicated; `designated_person_notified` is true only once the directives and the data "
            "reached the designated person"
        }
    },
)
def execute_post_mortem(body: Annotated[PostMortemExecution, Body()]) -> Response[Any]:
    """The death is reported: `erase` starts an erasure answered to the designated person, `keep`
    records, `communicate` emails the designated person a link whose confirmation sends the directives
    and the access export. Called again: where it stands (or a fresh link while unconfirmed)."""
    trail_subject(app, subject_key(body.email))
    result = operations().execute_post_mortem(
        body.email,
        operator=operator_name(app),
        subject_key=subject_key,
        public_api_url=get_settings(Settings).public_api_url,
    )
    return json_response(202, result)


handler = api_handler(app)
