"""Personal-data breaches (C5-02, GDPR Art. 33 and 34), step by step for the breach workflow.

An operator declares an incident; the `jaqe-breach-response` state machine then finds the people
concerned from the data through indexes (quote requests by trade and month, consent records by
purpose, both narrowed to the time window on the index's sort key), drafts the CNIL notification
with the fields Art. 33(3) requires and its 72-hour deadline from awareness, waits for the
operator's decision on the risk, and when the risk is high tells each person concerned (Art. 34)
in batches, several batches at a time, each retried on failure and never told twice.

The incident record holds no personal data; the batches hold pseudonymous subject keys only,
and each address is looked up when the notice is sent (someone erased in between is not written to).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from jaqe.controller import CONTROLLER_ADDRESS, CONTROLLER_EMAIL, CONTROLLER_NAME, CONTROLLER_RCS
from jaqe.platform import clock
from jaqe.platform.errors import Conflict, InvalidInput, NotFound
from jaqe.platform.ids import new_id
from jaqe.platform.mail import Mailer
from jaqe.platform.store import SEGMENT_INDEX, Item, Store, expiry_fields, plain
from jaqe.platform.templates import breach_notice
from jaqe.platform.trades import TRADES
from jaqe.platform.validation import bounded
from jaqe.platform.workflows import Workflows
from jaqe.privacy.periods import Period, add_months, add_period
from jaqe.privacy.register import PurposeId, purpose
from jaqe.privacy.retention import retention_fields

NOTIFICATION_DEADLINE = timedelta(hours=72)
MAX_WINDOW = Period(years=3)
NOTIFICATION_DUE_SOON = timedelta(hours=24)
BATCH_SIZE = 100
# The list of people to tell is kept only as long as telling them takes.
BATCH_RETENTION = timedelta(days=90)
# = the AwaitDecision timeout of statemachines/breach_response.asl.json
DECISION_TIMEOUT = timedelta(days=30)
AWAITING_CNIL = "INCIDENTS#awaiting_cnil"
Text = Annotated[str, bounded(1, 2000)]
IncidentId = Annotated[str, Field(pattern=r"^inc_[A-Za-z0-9_-]{6,64}$")]
# Purposes whose people are found through the consent ledger (who consented, when).
CONSENT_PURPOSES = tuple(p for p in PurposeId if purpose(p).needs_consent)


class IncidentStatus(StrEnum):
    INVESTIGATING = "investigating"
    AWAITING_DECISION = "awaiting_decision"
    NOTIFYING = "notifying"
    CLOSED = "closed"
    NEEDS_OPERATOR = "needs_operator"


class Incident(BaseModel):
    """What the operator knows when declaring (Art. 33(3) a, c, d)."""

    model_config = ConfigDict(extra="forbid")

    nature: Text
    data_categories: list[Annotated[str, bounded(1, 200)]] = Field(min_length=1, max_length=20)
    people_categories: list[Annotated[str, bounded(1, 200)]] = Field(min_length=1, max_length=20)
    store: Literal["leads", "consents"] = Field(
        "leads",
        description="leads: quote requests received in the window; consents: people whose consent to "
        "`purposes` was recorded in the window",
    )
    purposes: list[PurposeId] = Field(default_factory=list, max_length=len(CONSENT_PURPOSES))
    window_start: AwareDatetime
    window_end: AwareDatetime
    aware_at: AwareDatetime
    likely_consequences: Text
    measures_taken: Text
    high_risk_confirmed: bool = False

    @model_validator(mode="after")
    def _coherent(self) -> Incident:
        if self.window_end <= self.window_start:
            raise ValueError("window_end doit suivre window_start")
        if self.window_end > clock.now():
            raise ValueError("window_end ne peut pas être dans le futur")
        # People are looked up trade by trade and month by month: the window is bounded (leads are
        # kept three years from the last contact); a longer breach is declared as several incidents.
        if add_period(self.window_start, MAX_WINDOW) < self.window_end:
            raise ValueError("la fenêtre couvre trois ans au plus : déclarez plusieurs incidents")
        if any(p not in CONSENT_PURPOSES for p in self.purposes):
            raise ValueError(
                f"purposes : finalités fondées sur le consentement uniquement {CONSENT_PURPOSES}"
            )
        return self


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    high_risk: bool = Field(description="true: each person concerned is told (Art. 34)")
    reason: Text


class CnilSubmission(BaseModel):
    """The CNIL's acknowledgement once the online form is sent (Art. 33(1))."""

    model_config = ConfigDict(extra="forbid")

    submitted_at: AwareDatetime
    reference: Annotated[str, bounded(1, 200)]
    delay_reasons: Annotated[str, bounded(1, 2000)] | None = Field(
        None, description="required when submitted more than 72 hours after awareness"
    )


def incident_pk(incident_id: str) -> str:
    return f"INCIDENT#{incident_id}"


def _months_between(start: datetime, end: datetime) -> list[str]:
    months = []
    cursor = start.replace(day=1)
    while cursor <= end:
        months.append(f"{cursor:%Y-%m}")
        cursor = add_months(cursor, 1)
    return months


def records_concerned(store: Store, incident: Incident) -> Iterator[Item]:
    """Every record of the store touched in the window, through `by_segment` (sorted by creation).

    Records past their expiry but not yet purged were exposed too: they count."""
    window = (incident.window_start.isoformat(), incident.window_end.isoformat())
    if incident.store == "leads":
        segments = [
            f"{trade}#{month}"
            for trade in TRADES
            for month in _months_between(incident.window_start, incident.window_end)
        ]
    else:
        segments = [f"consent#{p.value}" for p in incident.purposes or CONSENT_PURPOSES]
    for segment in segments:
        yield from store.query_index(
            SEGMENT_INDEX, "segment", segment, created_between=window, include_expired=True
        )


def address_of(items: list[Item]) -> str | None:
    """The person's address, from whichever of their records still holds one."""
    for item in items:
        address = (item.get("contact") or {}).get("email") or item.get("email")
        if address:
            return str(address)
    return None


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
    """The breach use cases: the operator's (declare, decide, record the CNIL submission) and
    the workflow's steps (find people, draft, park the decision, notify a batch, close)."""

    def __init__(
        self, store: Store, mailer: Mailer | None = None, workflows: Workflows | None = None
    ) -> None:
        self.store = store
        self.mailer = mailer
        self.workflows = workflows

    # -- operators -----------------------------------------------------------------------
    def declare(self, incident: Incident, operator: str) -> dict[str, Any]:
        incident_id = new_id("inc")
        due_by = (incident.aware_at + NOTIFICATION_DEADLINE).isoformat()
        record = {
            "pk": incident_pk(incident_id),
            "sk": "INCIDENT",
            "item_type": "incident",
            "incident_id": incident_id,
            "status": IncidentStatus.INVESTIGATING.value,
            "declared_by": operator,
            "declared_at": clock.now().isoformat(),
            "incident": incident.model_dump(mode="json"),
            "notification_due_by": due_by,
            "cnil_submission": None,
            "history": [{"at": clock.now().isoformat(), "event": "declared", "by": operator}],
            # Accountability (Art. 33(5)): the record holds no personal data.
            **retention_fields(PurposeId.INCIDENT_RECORDS, None),
        }
        awaiting = {
            "pk": AWAITING_CNIL,
            "sk": f"{due_by}#{incident_id}",
            "item_type": "incident_deadline",
            "incident_id": incident_id,
            "notification_due_by": due_by,
            **retention_fields(PurposeId.INCIDENT_RECORDS, None),
        }
        self.store.transact([record, awaiting])
        assert self.workflows is not None
        execution = self.workflows.start(
            incident_id, {"incident_id": incident_id, "high_risk_confirmed": incident.high_risk_confirmed}
        )
        self._log(incident_id, "workflow_started", execution_arn=execution)
        if incident.high_risk_confirmed:
            self._decided(incident_id, Decision(high_risk=True, reason="confirmé à la déclaration"), operator)
        return self.view(incident_id)

    def view(self, incident_id: str) -> dict[str, Any]:
        record = plain(self._record(incident_id))
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
            for i in self.store.query(AWAITING_CNIL)
        ]

    def decide(self, incident_id: str, decision: Decision, operator: str) -> dict[str, Any]:
        self._record(incident_id)
        parked = self.store.take(incident_pk(incident_id), "DECISION")
        if parked is None:
            raise Conflict(
                "Aucune décision n'est attendue pour cet incident (déjà prise, ou pas encore prête)."
            )
        self._decided(incident_id, decision, operator)
        assert self.workflows is not None
        self.workflows.succeed(str(parked["task_token"]), {"high_risk": decision.high_risk})
        return self.view(incident_id)

    def record_cnil_submission(
        self, incident_id: str, submission: CnilSubmission, operator: str
    ) -> dict[str, Any]:
        record = self._record(incident_id)
        if record.get("cnil_submission"):
            raise Conflict("La notification à la CNIL est déjà enregistrée pour cet incident.")
        late = submission.submitted_at.isoformat() > record["notification_due_by"]
        if late and not submission.delay_reasons:
            raise InvalidInput(
                "Notification après 72 heures : indiquez les motifs du retard (art. 33.1 RGPD).",
                errors=[{"field": "delay_reasons", "message": "requis après le délai de 72 heures"}],
            )
        self.store.update(
            incident_pk(incident_id),
            "INCIDENT",
            {
                "cnil_submission": {
                    **submission.model_dump(mode="json"),
                    "recorded_by": operator,
                    "late": late,
                }
            },
            append={"history": [{"at": clock.now().isoformat(), "event": "cnil_notified", "by": operator}]},
        )
        self.store.delete(AWAITING_CNIL, f"{record['notification_due_by']}#{incident_id}")
        return self.view(incident_id)

    def deadlines(self, now: datetime | None = None) -> tuple[int, int]:
        """(overdue, due within 24 hours) among incidents not yet notified to the CNIL."""
        moment = now or clock.now()
        due = [i["notification_due_by"] for i in self.awaiting_cnil()]
        overdue = sum(d <= moment.isoformat() for d in due)
        soon = sum(moment.isoformat() < d <= (moment + NOTIFICATION_DUE_SOON).isoformat() for d in due)
        return overdue, soon

    # -- workflow steps --------------------------------------------------------------------
    def record_execution(self, incident_id: str, execution: str) -> None:
        self.store.update(incident_pk(incident_id), "INCIDENT", {"execution_arn": execution})

    def find_people(self, incident_id: str) -> dict[str, Any]:
        """Write the people concerned in batches (subject key, and the key of one record of theirs
        to read the address from when telling them); returns the batch numbers."""
        incident = Incident.model_validate(self._record(incident_id)["incident"])
        people: dict[str, dict[str, str]] = {}
        records = 0
        for item in records_concerned(self.store, incident):
            records += 1
            people.setdefault(str(item["subject_key"]), {"pk": item["pk"], "sk": item["sk"]})
        ordered = [{"subject_key": key, "record": people[key]} for key in sorted(people)]
        batches = [f"{n:05d}" for n in range(0, len(ordered), BATCH_SIZE)]
        keep_until = expiry_fields(clock.epoch(clock.now() + BATCH_RETENTION))
        for number in batches:
            start = int(number)
            self.store.put(
                {
                    "pk": incident_pk(incident_id),
                    "sk": f"BATCH#{number}",
                    "item_type": "incident_batch",
                    "people": ordered[start : start + BATCH_SIZE],
                    "notified": [],
                    "unreachable": [],
                    "purpose": PurposeId.INCIDENT_RECORDS.value,
                    **keep_until,
                }
            )
        draft = cnil_draft(incident, len(ordered), records)
        self.store.update(
            incident_pk(incident_id),
            "INCIDENT",
            {
                "people_concerned": len(ordered),
                "records_concerned": records,
                "batches": len(batches),
                "cnil_draft": draft,
            },
        )
        self._log(incident_id, "people_found", people=len(ordered), records=records)
        return {"batches": batches, "people_concerned": len(ordered)}

    def park_decision(self, incident_id: str, task_token: str) -> None:
        self.store.put(
            {
                "pk": incident_pk(incident_id),
                "sk": "DECISION",
                "item_type": "incident_decision",
                "task_token": task_token,
                "purpose": PurposeId.INCIDENT_RECORDS.value,
                **expiry_fields(clock.epoch(clock.now() + DECISION_TIMEOUT)),
            }
        )
        self._transition(incident_id, IncidentStatus.AWAITING_DECISION)

    def start_notifying(self, incident_id: str) -> None:
        self._transition(incident_id, IncidentStatus.NOTIFYING)

    def notify_batch(self, incident_id: str, batch: str) -> dict[str, int]:
        """Tell everyone of one batch not told yet. Progress is saved every few people and when a send
        fails, so the retry goes on where it stopped and nobody is told twice."""
        assert self.mailer is not None
        incident = Incident.model_validate(self._record(incident_id)["incident"])
        item = self.store.get(incident_pk(incident_id), f"BATCH#{batch}")
        if item is None:
            raise NotFound(f"Lot {batch} introuvable pour l'incident {incident_id}.")
        counts = {"notified": len(item["notified"]), "unreachable": len(item["unreachable"])}
        done = set(item["notified"]) | set(item["unreachable"])
        pending = [person for person in item["people"] if person["subject_key"] not in done]
        for start in range(0, len(pending), 10):
            notified: list[str] = []
            unreachable: list[str] = []
            try:
                for person in pending[start : start + 10]:
                    address = self._address(person)
                    if address is None:  # erased or expired since the breach: nobody to write to
                        unreachable.append(person["subject_key"])
                        continue
                    self.mailer.send(
                        breach_notice(
                            address, incident.nature, incident.likely_consequences, incident.measures_taken
                        )
                    )
                    notified.append(person["subject_key"])
            finally:
                self.store.update(
                    incident_pk(incident_id),
                    f"BATCH#{batch}",
                    append={"notified": notified, "unreachable": unreachable},
                    return_item=False,
                )
            counts["notified"] += len(notified)
            counts["unreachable"] += len(unreachable)
        return counts

    def _address(self, person: dict[str, Any]) -> str | None:
        """From the record found (one read), else from anything else still held about the person."""
        record = self.store.get(person["record"]["pk"], person["record"]["sk"])
        return address_of([record] if record else []) or address_of(
            self.store.by_subject(person["subject_key"])
        )

    def close(self, incident_id: str, notified: bool) -> dict[str, Any]:
        batches = self.store.query(incident_pk(incident_id), "BATCH#")
        people_notified = sum(len(b.get("notified", [])) for b in batches)
        unreachable = sum(len(b.get("unreachable", [])) for b in batches)
        self.store.update(
            incident_pk(incident_id),
            "INCIDENT",
            {
                "status": IncidentStatus.CLOSED.value,
                "people_notified": people_notified,
                "people_unreachable": unreachable,
            },
            append={
                "history": [
                    {
                        "at": clock.now().isoformat(),
                        "event": "people_notified" if notified else "closed_without_notices",
                        "people_notified": people_notified,
                    }
                ]
            },
        )
        return {"incident_id": incident_id, "people_notified": people_notified}

    def needs_operator(self, incident_id: str, error: str) -> None:
        self._transition(incident_id, IncidentStatus.NEEDS_OPERATOR, error=error)

    # -- helpers ---------------------------------------------------------------------------
    def _record(self, incident_id: str) -> Item:
        record = self.store.get(incident_pk(incident_id), "INCIDENT")
        if record is None:
            raise NotFound(f"Aucun incident {incident_id}.")
        return record

    def _transition(self, incident_id: str, status: IncidentStatus, **details: Any) -> None:
        self.store.update(
            incident_pk(incident_id),
            "INCIDENT",
            {"status": status.value},
            append={"history": [{"at": clock.now().isoformat(), "event": status.value, **details}]},
        )

    def _decided(self, incident_id: str, decision: Decision, operator: str) -> None:
        made = {**decision.model_dump(), "by": operator, "at": clock.now().isoformat()}
        self.store.update(
            incident_pk(incident_id),
            "INCIDENT",
            {"decision": made},
            append={"history": [{"at": made["at"], "event": "decided", "high_risk": decision.high_risk}]},
        )

    def _log(self, incident_id: str, event: str, **details: Any) -> None:
        self.store.update(
            incident_pk(incident_id),
            "INCIDENT",
            append={"history": [{"at": clock.now().isoformat(), "event": event, **details}]},
            return_item=False,
        )
