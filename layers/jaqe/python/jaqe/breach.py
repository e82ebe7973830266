"""Personal-data breaches (C5-02, GDPR Art. 33 and 34).

An operator declares an incident; the people concerned are found from the data through
indexes (quote requests by trade and month, then by receipt time); the CNIL notification is
drafted with the fields Art. 33(3) requires and its 72-hour deadline from awareness; when the
operator confirms a high risk, each person concerned is told (Art. 34). Everything is recorded.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from jaqe import clock
from jaqe.controller import CONTROLLER_ADDRESS, CONTROLLER_EMAIL, CONTROLLER_NAME, CONTROLLER_RCS
from jaqe.ids import new_id
from jaqe.mail import Mailer
from jaqe.periods import add_months
from jaqe.store import SEGMENT_INDEX, Store
from jaqe.templates import breach_notice
from jaqe.trades import TRADES
from jaqe.validation import bounded

NOTIFICATION_DEADLINE = timedelta(hours=72)
Text = Annotated[str, bounded(1, 2000)]


class Incident(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nature: Text
    data_categories: list[Annotated[str, bounded(1, 200)]] = Field(min_length=1, max_length=20)
    people_categories: list[Annotated[str, bounded(1, 200)]] = Field(min_length=1, max_length=20)
    store: Annotated[str, Field(pattern="^leads$")] = "leads"
    window_start: AwareDatetime
    window_end: AwareDatetime
    aware_at: AwareDatetime
    likely_consequences: Text
    measures_taken: Text
    high_risk_confirmed: bool = False

    @model_validator(mode="after")
    def _window(self) -> Incident:
        if self.window_end <= self.window_start:
            raise ValueError("window_end doit suivre window_start")
        return self


def _months_between(start: datetime, end: datetime) -> list[str]:
    months = []
    cursor = start.replace(day=1)
    while cursor <= end:
        months.append(f"{cursor:%Y-%m}")
        cursor = add_months(cursor, 1)
    return months


def people_concerned(store: Store, incident: Incident) -> dict[str, str]:
    """Subject key -> address of everyone whose quote request was received in the window."""
    concerned: dict[str, str] = {}
    start, end = incident.window_start.isoformat(), incident.window_end.isoformat()
    for trade in TRADES:
        for month in _months_between(incident.window_start, incident.window_end):
            for lead in store.query_index(SEGMENT_INDEX, "segment", f"{trade}#{month}"):
                if lead.get("item_type") == "lead" and start <= lead["received_at"] <= end:
                    concerned[lead["subject_key"]] = lead["contact"]["email"]
    return concerned


def cnil_draft(incident: Incident, people: int) -> dict[str, Any]:
    """The notification to the CNIL (Art. 33(3)), ready for its online form."""
    return {
        "controller": f"{CONTROLLER_NAME} SARL, {CONTROLLER_RCS}, {CONTROLLER_ADDRESS}",
        "contact_point": CONTROLLER_EMAIL,
        "nature_of_breach": incident.nature,
        "categories_of_data": incident.data_categories,
        "categories_of_people": incident.people_categories,
        "approximate_number_of_people": people,
        "window": {"start": incident.window_start.isoformat(), "end": incident.window_end.isoformat()},
        "likely_consequences": incident.likely_consequences,
        "measures_taken_or_proposed": incident.measures_taken,
        "aware_at": incident.aware_at.isoformat(),
        "notification_due_by": (incident.aware_at + NOTIFICATION_DEADLINE).isoformat(),
    }


def declare(store: Store, mailer: Mailer, incident: Incident, operator: str) -> dict[str, Any]:
    concerned = people_concerned(store, incident)
    incident_id = new_id("inc")
    draft = cnil_draft(incident, len(concerned))
    notified = 0
    if incident.high_risk_confirmed:
        for address in concerned.values():
            mailer.send(
                breach_notice(address, incident.nature, incident.likely_consequences, incident.measures_taken)
            )
            notified += 1
    store.put_new(
        {
            "pk": f"INCIDENT#{incident_id}",
            "sk": "INCIDENT",
            "item_type": "incident",
            "declared_by": operator,
            "declared_at": clock.now().isoformat(),
            "cnil_draft": draft,
            "people_concerned": len(concerned),
            "people_notified": notified,
            # Accountability (Art. 33(5)): the record of the breach holds no personal data.
            "purpose": "rights_requests",
        }
    )
    return {
        "incident_id": incident_id,
        "people_concerned": len(concerned),
        "people_notified": notified,
        "cnil_draft": draft,
    }
