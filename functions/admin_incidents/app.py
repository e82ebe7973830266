"""Operators (IAM): declare a personal-data breach; people concerned found, CNIL draft, Art. 34 notices."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from jaqe.api import api_handler, create_app, json_response, operator_of
from jaqe.breach import Incident, declare
from jaqe.mail import OutboxMailer
from jaqe.store import Store

app = create_app()


@app.post("/v1/admin/incidents", responses={201: {"description": "Incident recorded, CNIL draft returned"}})
def post_incident(incident: Annotated[Incident, Body()]) -> Response[Any]:
    operator = operator_of(app)
    return json_response(201, declare(Store(), OutboxMailer(), incident, operator))


handler = api_handler(app)
