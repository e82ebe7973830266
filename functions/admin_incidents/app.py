"""Operators (IAM): declare a personal-data breach; people concerned found, CNIL draft, Art. 34 notices."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from jaqe import clock
from jaqe.api import api_handler, create_app, json_response, operator_of
from jaqe.breach import Incident, declare
from jaqe.mail import OutboxMailer
from jaqe.periods import Period, add_period
from jaqe.store import Store
from pydantic import model_validator

# People concerned are looked up month by month and trade by trade (one query each): the window
# is bounded, as leads are kept three years from the last contact. A longer breach is declared
# as several incidents.
MAX_WINDOW = Period(years=3)

app = create_app()


class IncidentDeclaration(Incident):
    @model_validator(mode="after")
    def _bounded_window(self) -> "IncidentDeclaration":
        if self.window_end > clock.now():
            raise ValueError("window_end ne peut pas être dans le futur")
        if add_period(self.window_start, MAX_WINDOW) < self.window_end:
            raise ValueError("la fenêtre couvre trois ans au plus : déclarez plusieurs incidents")
        return self


@app.post("/v1/admin/incidents", responses={201: {"description": "Incident recorded, CNIL draft returned"}})
def post_incident(incident: Annotated[IncidentDeclaration, Body()]) -> Response[Any]:
    operator = operator_of(app)
    return json_response(201, declare(Store(), OutboxMailer(), incident, operator))


handler = api_handler(app)
