"""Operators (IAM): declare a personal-data breach, follow it, decide on the risk, record the CNIL notification.

Declaring starts the breach-response workflow (people concerned found, CNIL draft with its
72-hour deadline); the decision on a high risk resumes it (Art. 34 notices, in batches).
"""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from jaqe.breach.incidents import Incidents, cnil_form_text
from jaqe.breach.model import INCIDENT_ID, CnilSubmission, Incident, IncidentDecision
from jaqe.platform.api import api_handler, create_app, json_response, operator_name, operator_of
from jaqe.platform.settings import (
    AccessTrailSettings,
    ApiSettings,
    BreachWorkflowSettings,
    DataSettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.platform.workflows import StepFunctionsWorkflows
from jaqe.privacy.access_trail import AccessTrail


class Settings(AccessTrailSettings, ApiSettings, DataSettings, BreachWorkflowSettings):
    """What admin_incidents reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app(access_trail=AccessTrail())
IncidentId = Annotated[str, Path(pattern=INCIDENT_ID)]


def incidents() -> Incidents:
    return Incidents(
        Store(), workflows=StepFunctionsWorkflows(get_settings(Settings).breach_state_machine_arn)
    )


@app.post("/v1/admin/incidents", responses={202: {"description": "Incident recorded, workflow started"}})
def post_incident(incident: Annotated[Incident, Body()]) -> Response[Any]:
    return json_response(202, incidents().declare(incident, operator_name(app)))


@app.get("/v1/admin/incidents")
def list_incidents() -> Response[Any]:
    operator_of(app)  # operators only (IAM)
    return json_response(200, {"awaiting_cnil_notification": incidents().awaiting_cnil()})


@app.get("/v1/admin/incidents/<incident_id>")
def get_incident(incident_id: IncidentId) -> Response[Any]:
    operator_of(app)  # operators only (IAM)
    return json_response(200, incidents().view(incident_id))


@app.post("/v1/admin/incidents/<incident_id>/decision")
def decide(incident_id: IncidentId, decision: Annotated[IncidentDecision, Body()]) -> Response[Any]:
    return json_response(202, incidents().decide(incident_id, decision, operator_name(app)))


@app.get("/v1/admin/incidents/<incident_id>/cnil-notification")
def cnil_notification(incident_id: IncidentId) -> Response[Any]:
    """The draft for the CNIL's online form, as fields and as text in the form's order."""
    operator_of(app)  # operators only (IAM)
    view = incidents().view(incident_id)
    draft = view["cnil_draft"]
    return json_response(
        200,
        {
            "incident_id": incident_id,
            "notification_due_by": view["notification_due_by"],
            "cnil_draft": draft,
            "form_text": cnil_form_text(draft) if draft else None,
        },
    )


@app.post("/v1/admin/incidents/<incident_id>/cnil-notification")
def record_cnil_notification(
    incident_id: IncidentId, submission: Annotated[CnilSubmission, Body()]
) -> Response[Any]:
    return json_response(200, incidents().record_cnil_submission(incident_id, submission, operator_name(app)))


handler = api_handler(app)
