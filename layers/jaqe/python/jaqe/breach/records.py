"""The breach records, and the only code that builds their keys and items.

INCIDENT#<id>             INCIDENT    the incident (no personal data) and its history, in the
                                      `incident#<YYYY-MM>` segment of the month it was declared
INCIDENT#<id>             BATCH#<n>   subject keys of people to tell, and who was told
INCIDENT#<id>             DECISION    the parked operator decision (its task token)
INCIDENTS#awaiting_cnil   <due_by>#<id>  incidents whose CNIL notification is still due
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from jaqe.breach.model import Incident, IncidentDecision, IncidentStatus
from jaqe.platform import clock
from jaqe.platform.errors import NotFound
from jaqe.platform.store import SEGMENT_INDEX, Item, Store, expiry_fields
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import retention_fields

AWAITING_CNIL = "INCIDENTS#awaiting_cnil"
# The list of people to tell is kept only as long as telling them takes.
BATCH_RETENTION = timedelta(days=90)
# = the AwaitDecision timeout of statemachines/breach_response.asl.json
DECISION_TIMEOUT = timedelta(days=30)


def declared_segment(month: str) -> str:
    """The `by_segment` partition of the incidents declared in `month` (YYYY-MM): the breach register."""
    return f"incident#{month}"


def incident_pk(incident_id: str) -> str:
    return f"INCIDENT#{incident_id}"


def batch_sk(number: str) -> str:
    return f"BATCH#{number}"


class IncidentRecords:
    """Reads and writes of the breach items, on an injected store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, incident_id: str, incident: Incident, operator: str, due_by: str) -> None:
        """The incident and its entry in the awaiting-CNIL list, together."""
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
            "segment": declared_segment(clock.now().strftime("%Y-%m")),
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

    def get(self, incident_id: str) -> Item:
        record = self.store.get(incident_pk(incident_id), "INCIDENT")
        if record is None:
            raise NotFound(f"Aucun incident {incident_id}.")
        return record

    def declared_in(self, month: str) -> list[Item]:
        """The incidents declared in `month` (YYYY-MM), oldest first: one Query on `by_segment`."""
        return self.store.query_index(SEGMENT_INDEX, "segment", declared_segment(month))

    def set_fields(self, incident_id: str, fields: dict[str, Any], **history: Any) -> None:
        """Sets fields of the incident; with `event=...`, a history line too."""
        append = {"history": [{"at": clock.now().isoformat(), **history}]} if history else None
        self.store.update(incident_pk(incident_id), "INCIDENT", fields, append=append)

    def log(self, incident_id: str, event: str, **details: Any) -> None:
        self.store.update(
            incident_pk(incident_id),
            "INCIDENT",
            append={"history": [{"at": clock.now().isoformat(), "event": event, **details}]},
            return_item=False,
        )

    def transition(self, incident_id: str, status: IncidentStatus, **details: Any) -> None:
        self.set_fields(incident_id, {"status": status.value}, event=status.value, **details)

    def decided(self, incident_id: str, decision: IncidentDecision, operator: str) -> None:
        made = {**decision.model_dump(), "by": operator, "at": clock.now().isoformat()}
        self.store.update(
            incident_pk(incident_id),
            "INCIDENT",
            {"decision": made},
            append={"history": [{"at": made["at"], "event": "decided", "high_risk": decision.high_risk}]},
        )

    # -- the awaiting-CNIL list ------------------------------------------------------------
    def awaiting_cnil(self) -> list[Item]:
        return self.store.query(AWAITING_CNIL)

    def cnil_notified(self, incident_id: str, due_by: str) -> None:
        self.store.delete(AWAITING_CNIL, f"{due_by}#{incident_id}")

    # -- the parked decision ---------------------------------------------------------------
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

    def take_decision(self, incident_id: str) -> Item | None:
        """The parked decision, removed (None: none is awaited)."""
        return self.store.take(incident_pk(incident_id), "DECISION")

    # -- batches of people to tell ---------------------------------------------------------
    def put_batch(self, incident_id: str, number: str, people: list[dict[str, Any]]) -> None:
        self.store.put(
            {
                "pk": incident_pk(incident_id),
                "sk": batch_sk(number),
                "item_type": "incident_batch",
                "people": people,
                "notified": [],
                "unreachable": [],
                "purpose": PurposeId.INCIDENT_RECORDS.value,
                **expiry_fields(clock.epoch(clock.now() + BATCH_RETENTION)),
            }
        )

    def batch(self, incident_id: str, number: str) -> Item | None:
        return self.store.get(incident_pk(incident_id), batch_sk(number))

    def batches(self, incident_id: str) -> list[Item]:
        return self.store.query(incident_pk(incident_id), "BATCH#")

    def record_sent(self, incident_id: str, number: str, notified: list[str], unreachable: list[str]) -> None:
        self.store.update(
            incident_pk(incident_id),
            batch_sk(number),
            append={"notified": notified, "unreachable": unreachable},
            return_item=False,
        )
