"""Personal-data breaches (C5-02, GDPR Art. 33 and 34): what operators do.

An operator declares an incident, which starts the `jaqe-breach-response` state machine
(`jaqe.breach.workflow`: it finds the people concerned, drafts the CNIL notification, waits for
the operator's decision on the risk and, when high, tells each person). Operators then decide,
record the CNIL's acknowledgement, and follow the 72-hour deadlines.

The incident record holds no personal data (`jaqe.breach.records`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from jaqe.breach.model import CnilSubmission, Incident, IncidentDecision
from jaqe.breach.records import IncidentRecords
from jaqe.platform import clock
from jaqe.platform.controller import CONTROLLER_ADDRESS, CONTROLLER_EMAIL, CONTROLLER_NAME, CONTROLLER_RCS
from jaqe.platform.errors import Conflict, InvalidInput
from jaqe.platform.ids import new_id
from jaqe.platform.store import Store, plain
from jaqe.platform.workflows import Workflows

NOTIFICATION_DEADLINE = timedelta(hours=72)
NOTIFICATION_DUE_SOON = timedelta(hours=24)


def cnil_draft(incident: Incident, people: int, records: int) -> dict[str, Any]:
    """The notification to the CNIL (Art. 33(3)), ready for its online form."""
    return {
        "controller": f"{CONTROLLER_NAME} SARL, {CONTROLLER_RCS}, {CONTROLLER_ADDRESS}",
        "contact_point": CONTROLLER_EMAIL,
        "nature_of_breach": incident.nature,
        "categories_of_data": incident.data_categories,
        "categories_of_people": incident.people_categories,
        "approximate_number_of_people": people,
        "approximate_number_of_records": records,
        "window": {"start": incident.window_start.isoformat(), "end": incident.window_end.isoformat()},
        "likely_consequences": incident.likely_consequences,
        "measures_taken_or_proposed": incident.measures_taken,
        "aware_at": incident.aware_at.isoformat(),
        "notification_due_by": (incident.aware_at + NOTIFICATION_DEADLINE).isoformat(),
    }


def cnil_form_text(draft: dict[str, Any]) -> str:
    """The draft in the order of the CNIL's online notification form, to copy section by section."""

    def items(values: list[str]) -> str:
        return "\n".join(f"- {v}" for v in values)

    return "\n".join(
        [
            "# Notification de violation de données personnelles (art. 33 RGPD)",
            "",
            "## Responsable de traitement",
            draft["controller"],
            f"Contact : {draft['contact_point']}",
            "",
            "## Chronologie",
            f"Période de la violation : du {draft['window']['start']} au {draft['window']['end']}",
            f"Prise de connaissance : {draft['aware_at']}",
            f"Notification due au plus tard le : {draft['notification_due_by']}",
            "",
            "## Nature de la violation",
            draft["nature_of_breach"],
            "",
            "## Catégories de données concernées",
            items(draft["categories_of_data"]),
            "",
            "## Catégories et nombre approximatif de personnes concernées",
            items(draft["categories_of_people"]),
            f"Nombre approximatif de personnes : {draft['approximate_number_of_people']}",
            f"Nombre approximatif d'enregistrements : {draft['approximate_number_of_records']}",
            "",
            "## Conséquences probables",
            draft["likely_consequences"],
            "",
            "## Mesures prises ou envisagées",
            draft["measures_taken_or_proposed"],
            "",
        ]
    )


class Incidents:
    """The operators' use cases: declare, decide, record the CNIL submission, follow deadlines."""

    def __init__(self, store: Store, workflows: Workflows | None = None) -> None:
        self.records = IncidentRecords(store)
        self.workflows = workflows

    def declare(self, incident: Incident, operator: str) -> dict[str, Any]:
        incident_id = new_id("inc")
        due_by = (incident.aware_at + NOTIFICATION_DEADLINE).isoformat()
        self.records.create(incident_id, incident, operator, due_by)
        assert self.workflows is not None
        execution = self.workflows.start(
            incident_id, {"incident_id": incident_id, "high_risk_confirmed": incident.high_risk_confirmed}
        )
        self.records.log(incident_id, "workflow_started", execution_arn=execution)
        if incident.high_risk_confirmed:
            self.records.decided(
                incident_id, IncidentDecision(high_risk=True, reason="confirmé à la déclaration"), operator
            )
        return self.view(incident_id)

    def view(self, incident_id: str) -> dict[str, Any]:
        record = plain(self.records.get(incident_id))
        return {
            key: record.get(key)
            for key in (
                "incident_id",
                "status",
                "declared_by",
                "declared_at",
                "incident",
                "people_concerned",
                "records_concerned",
                "people_notified",
                "people_unreachable",
                "batches",
                "cnil_draft",
                "notification_due_by",
                "cnil_submission",
                "decision",
                "history",
            )
        }

    def awaiting_cnil(self) -> list[dict[str, Any]]:
        """Incidents whose CNIL notification is still to be sent, soonest due first."""
        return [
            {"incident_id": i["incident_id"], "notification_due_by": i["notification_due_by"]}
            for i in self.records.awaiting_cnil()
        ]

    def decide(self, incident_id: str, decision: IncidentDecision, operator: str) -> dict[str, Any]:
        self.records.get(incident_id)
        parked = self.records.take_decision(incident_id)
        if parked is None:
            raise Conflict(
                "Aucune décision n'est attendue pour cet incident (déjà prise, ou pas encore prête)."
            )
        self.records.decided(incident_id, decision, operator)
        assert self.workflows is not None
        self.workflows.succeed(str(parked["task_token"]), {"high_risk": decision.high_risk})
        return self.view(incident_id)

    def record_cnil_submission(
        self, incident_id: str, submission: CnilSubmission, operator: str
    ) -> dict[str, Any]:
        record = self.records.get(incident_id)
        if record.get("cnil_submission"):
            raise Conflict("La notification à la CNIL est déjà enregistrée pour cet incident.")
        late = submission.submitted_at.isoformat() > record["notification_due_by"]
        if late and not submission.delay_reasons:
            raise InvalidInput(
                "Notification après 72 heures : indiquez les motifs du retard (art. 33.1 RGPD).",
                errors=[{"field": "delay_reasons", "message": "requis après le délai de 72 heures"}],
            )
        self.records.set_fields(
            incident_id,
            {
                "cnil_submission": {
                    **submission.model_dump(mode="json"),
                    "recorded_by": operator,
                    "late": late,
                }
            },
            event="cnil_notified",
            by=operator,
        )
        self.records.cnil_notified(incident_id, record["notification_due_by"])
        return self.view(incident_id)

    def deadlines(self, now: datetime | None = None) -> tuple[int, int]:
        """(overdue, due within 24 hours) among incidents not yet notified to the CNIL."""
        moment = now or clock.now()
        due = [i["notification_due_by"] for i in self.awaiting_cnil()]
        overdue = sum(d <= moment.isoformat() for d in due)
        soon = sum(moment.isoformat() < d <= (moment + NOTIFICATION_DUE_SOON).isoformat() for d in due)
        return overdue, soon
