"""The steps of the breach-response state machine (infra/statemachines/breach_response.asl.json).

It finds the people concerned from the data through indexes (quote requests by trade and month,
consent records by purpose, both narrowed to the time window on the index's sort key), drafts the
CNIL notification with the fields Art. 33(3) requires, waits for the operator's decision on the
risk, and when the risk is high tells each person concerned (Art. 34) in batches, several batches
at a time, each retried on failure and never told twice. The batches hold pseudonymous subject
keys only; each address is looked up when its batch is sent (someone erased in between is not
written to). The same function runs the hourly check of the CNIL deadlines.

Each invocation is a `BreachTask`; `BreachWorkflow.run` finds its step's handler in one table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from jaqe.breach.incidents import Incidents, cnil_draft
from jaqe.breach.model import CONSENT_PURPOSES, Incident, IncidentStatus
from jaqe.breach.records import IncidentRecords
from jaqe.platform.errors import NotFound
from jaqe.platform.mail import Mailer
from jaqe.platform.store import SEGMENT_INDEX, Item, Store
from jaqe.platform.templates import breach_notice
from jaqe.platform.trades import TRADES
from jaqe.privacy.periods import add_months

BATCH_SIZE = 100


class BreachStep(StrEnum):
    """The tasks of the breach state machine (the `"step"` of its Payloads), and the hourly check."""

    RECORD = "record"
    FIND_PEOPLE = "find_people"
    PARK_DECISION = "park_decision"
    START_NOTIFYING = "start_notifying"
    NOTIFY_BATCH = "notify_batch"
    CLOSE = "close"
    NEEDS_OPERATOR = "needs_operator"
    CHECK_DEADLINES = "check_deadlines"


class BreachTask(BaseModel):
    """One invocation: the ASL Payload, or {"step": "check_deadlines"} from the hourly schedule."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    step: BreachStep
    incident_id: str = ""
    execution: str = ""
    task_token: str = ""
    batch: str = ""
    notified: bool = False
    error: dict[str, Any] | None = None


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


# What is read of a person's record to write to them: the address (`address_of`), and the expiry
# (an expired record is no longer held: nobody is written to from it).
ADDRESS_FIELDS = ("contact", "email", "expires_at")


def _record_key(person: dict[str, Any]) -> tuple[str, str]:
    return person["record"]["pk"], person["record"]["sk"]


def address_of(items: list[Item]) -> str | None:
    """The person's address, from whichever of their records still holds one."""
    for item in items:
        address = (item.get("contact") or {}).get("email") or item.get("email")
        if address:
            return str(address)
    return None


class BreachWorkflow:
    """The workflow's steps on injected collaborators."""

    def __init__(self, store: Store, mailer: Mailer) -> None:
        self.store = store
        self.mailer = mailer
        self.records = IncidentRecords(store)

    def run(self, task: BreachTask) -> Any:
        """One task: the step's handler, from the table below."""
        return self.handlers()[task.step](task)

    def handlers(self) -> dict[BreachStep, Callable[[BreachTask], Any]]:
        return {
            BreachStep.RECORD: lambda task: self.record_execution(task.incident_id, task.execution),
            BreachStep.FIND_PEOPLE: lambda task: self.find_people(task.incident_id),
            BreachStep.PARK_DECISION: lambda task: self.park_decision(task.incident_id, task.task_token),
            BreachStep.START_NOTIFYING: lambda task: self.start_notifying(task.incident_id),
            BreachStep.NOTIFY_BATCH: lambda task: self.notify_batch(task.incident_id, task.batch),
            BreachStep.CLOSE: lambda task: self.close(task.incident_id, notified=task.notified),
            BreachStep.NEEDS_OPERATOR: lambda task: self.needs_operator(
                task.incident_id, str((task.error or {}).get("Error", "unknown"))
            ),
            BreachStep.CHECK_DEADLINES: lambda task: self.check_deadlines(),
        }

    def record_execution(self, incident_id: str, execution: str) -> None:
        self.records.set_fields(incident_id, {"execution_arn": execution})

    def find_people(self, incident_id: str) -> dict[str, Any]:
        """Write the people concerned in batches (subject key, and the key of one record of theirs
        to read the address from when telling them); returns the batch numbers."""
        incident = Incident.model_validate(self.records.get(incident_id)["incident"])
        people: dict[str, dict[str, str]] = {}
        records = 0
        for item in records_concerned(self.store, incident):
            records += 1
            people.setdefault(str(item["subject_key"]), {"pk": item["pk"], "sk": item["sk"]})
        ordered = [{"subject_key": key, "record": people[key]} for key in sorted(people)]
        batches = [f"{n:05d}" for n in range(0, len(ordered), BATCH_SIZE)]
        for number in batches:
            start = int(number)
            self.records.put_batch(incident_id, number, ordered[start : start + BATCH_SIZE])
        draft = cnil_draft(incident, len(ordered), records)
        self.records.set_fields(
            incident_id,
            {
                "people_concerned": len(ordered),
                "records_concerned": records,
                "batches": len(batches),
                "cnil_draft": draft,
            },
        )
        self.records.log(incident_id, "people_found", people=len(ordered), records=records)
        return {"batches": batches, "people_concerned": len(ordered)}

    def park_decision(self, incident_id: str, task_token: str) -> None:
        self.records.park_decision(incident_id, task_token)
        self.records.transition(incident_id, IncidentStatus.AWAITING_DECISION)

    def start_notifying(self, incident_id: str) -> None:
        self.records.transition(incident_id, IncidentStatus.NOTIFYING)

    def notify_batch(self, incident_id: str, batch: str) -> dict[str, int]:
        """Tell everyone of one batch not told yet. Progress is saved every few people and when a send
        fails, so the retry goes on where it stopped and nobody is told twice."""
        incident = Incident.model_validate(self.records.get(incident_id)["incident"])
        item = self.records.batch(incident_id, batch)
        if item is None:
            raise NotFound(f"Lot {batch} introuvable pour l'incident {incident_id}.")
        counts = {"notified": len(item["notified"]), "unreachable": len(item["unreachable"])}
        done = set(item["notified"]) | set(item["unreachable"])
        pending = [person for person in item["people"] if person["subject_key"] not in done]
        # The records to read addresses from, in one BatchGetItem per 100 people rather than one read each
        # (a third of a batch's calls): read when the batch starts, seconds before each notice is sent.
        records = self.store.get_many([_record_key(person) for person in pending], ADDRESS_FIELDS)
        for start in range(0, len(pending), 10):
            notified: list[str] = []
            unreachable: list[str] = []
            try:
                for person in pending[start : start + 10]:
                    address = self._address(person, records.get(_record_key(person)))
                    if address is None:  # erased or expired since the breach: nobody to write to
                        unreachable.append(person["subject_key"])
                        continue
                    self.mailer.send(
                        breach_notice(
                            address,
                            incident.nature,
                            incident.likely_consequences,
                            incident.measures_taken,
                            about=person["subject_key"],
                        )
                    )
                    notified.append(person["subject_key"])
            finally:
                self.records.record_sent(incident_id, batch, notified, unreachable)
            counts["notified"] += len(notified)
            counts["unreachable"] += len(unreachable)
        return counts

    def _address(self, person: dict[str, Any], record: Item | None) -> str | None:
        """From the record found, else from anything else still held about the person."""
        return address_of([record] if record else []) or address_of(
            self.store.by_subject(person["subject_key"])
        )

    def close(self, incident_id: str, notified: bool) -> dict[str, Any]:
        batches = self.records.batches(incident_id)
        people_notified = sum(len(b.get("notified", [])) for b in batches)
        unreachable = sum(len(b.get("unreachable", [])) for b in batches)
        self.records.set_fields(
            incident_id,
            {
                "status": IncidentStatus.CLOSED.value,
                "people_notified": people_notified,
                "people_unreachable": unreachable,
            },
            event="people_notified" if notified else "closed_without_notices",
            people_notified=people_notified,
        )
        return {"incident_id": incident_id, "people_notified": people_notified}

    def needs_operator(self, incident_id: str, error: str) -> None:
        self.records.transition(incident_id, IncidentStatus.NEEDS_OPERATOR, error=error)

    def check_deadlines(self) -> dict[str, int]:
        """CNIL notifications overdue or due within 24 hours (Art. 33(1): 72 hours)."""
        overdue, due_soon = Incidents(self.store).deadlines()
        return {"overdue": overdue, "due_soon": due_soon}
