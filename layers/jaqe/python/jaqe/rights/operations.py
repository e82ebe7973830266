"""What operators do (admin API and `jaqe-ops`): list, register a request received by post or phone,
qualify or close one received by email, decide a manual step, extend, lift, resume, execute directives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from jaqe.platform import clock, templates
from jaqe.platform.errors import Conflict
from jaqe.platform.mail import Mailer
from jaqe.platform.store import Item, Store, plain
from jaqe.platform.workflows import Workflows
from jaqe.privacy.holds import Holds, is_active
from jaqe.privacy.subject_flags import Subjects
from jaqe.rights.intake import submit_rights_request
from jaqe.rights.model import (
    PostalOrPhoneRequest,
    RequestStatus,
    RequestType,
    RightsInput,
    RightsRequestAccepted,
    RightsRequestFields,
)
from jaqe.rights.post_mortem import PostMortemExecution
from jaqe.rights.records import QUALIFICATION, RightsRequestRecords, request_pk

ANSWER_DUE_SOON = timedelta(days=7)


def summary(entry: Item) -> dict[str, Any]:
    return {
        k: entry[k]
        for k in ("request_id", "request_type", "status", "received_at", "due_at", "needs_qualification")
        if k in entry
    }


class RightsOperations:
    def __init__(
        self,
        store: Store,
        workflows: Workflows,
        mailer: Mailer,
        subject_key: Callable[[str], str] | None = None,
        public_api_url: str = "",
        holds: Holds | None = None,
    ) -> None:
        self.subject_key = subject_key
        # A restriction for legal claims placed a hold: lifting the restriction lifts it (documents too).
        self.holds = holds or Holds(store)
        self.public_api_url = public_api_url
        self.store = store
        self.requests = RightsRequestRecords(store)
        self.workflows = workflows
        self.mailer = mailer

    def list_requests(
        self, *, status: RequestStatus | None = None, due_within_days: int | None = None
    ) -> list[dict[str, Any]]:
        due_before = (
            (clock.now() + timedelta(days=due_within_days)).isoformat()
            if due_within_days is not None
            else None
        )
        closed = status is not None and not status.is_open
        entries = self.requests.listing(
            statuses={status} if status else None, due_before=due_before, closed=closed
        )
        return [summary(e) for e in entries]

    def deadlines(self) -> dict[str, list[dict[str, Any]]]:
        """Open requests overdue, and due within 7 days (what the daily check alarms on)."""
        now = clock.now().isoformat()
        entries = self.requests.listing(due_before=(clock.now() + ANSWER_DUE_SOON).isoformat())
        return {
            "overdue": [summary(e) for e in entries if e["due_at"] < now],
            "due_soon": [summary(e) for e in entries if e["due_at"] >= now],
        }

    def get(self, request_id: str) -> dict[str, Any]:
        record = self.requests.get(request_id)
        return {
            **summary(record),
            # Whose request it is (pseudonymous): the access trail files the read under it.
            "subject_key": record["subject_key"],
            "original_due_at": record.get("original_due_at"),
            "channel": record.get("channel", "web"),
            "linked_to": record.get("linked_to"),
            "linked_requests": plain(record.get("linked_requests", [])),
            "extension_months": int(record.get("extension_months", 0)),
            "history": plain(record.get("history", [])),
            # What the person asked (corrections, purposes, directives, details), for the operator's
            # decision: read from the request's contact item (never from the execution, which AWS
            # keeps 90 days only; gone once an erasure has been answered).
            "asked": self.requests.contact(request_id).params
            if self.requests.has_contact(request_id)
            else {},
        }

    def register(self, data: PostalOrPhoneRequest, *, operator: str) -> RightsRequestAccepted:
        """A request received by post or told on the phone: the same workflow as the web form (the
        person verifies the address given), its deadline running from the day it was received."""
        if self.subject_key is None:
            raise TypeError("registering a request needs the subject key")
        accepted = submit_rights_request(
            data,
            store=self.store,
            workflows=self.workflows,
            subject_key=self.subject_key,
            public_api_url=self.public_api_url,
            channel=data.channel,
            received_at=data.received_at(),
        )
        self.requests.log(
            accepted.request_id, "registered_by_operator", channel=data.channel, operator=operator
        )
        return accepted

    def qualify(self, request_id: str, fields: RightsRequestFields, *, operator: str) -> None:
        """Give an emailed request its type and fields; the workflow goes on (if the person has
        verified the address; else it goes on once they do) and the first due date stays."""
        self.requests.qualify(request_id, fields.type, fields.params(), operator)
        task_token = self.requests.take_waiting(request_id, QUALIFICATION)
        if task_token is not None:
            self.workflows.succeed(task_token, {"qualified_by": operator})

    def close(self, request_id: str, *, reason: str, answer: str, operator: str) -> dict[str, Any]:
        """Not a rights request after all: the person gets the operator's answer, the request closes
        and its workflow ends (the wait it is in fails with ClosedByOperator, which ends it cleanly)."""
        contact = self.requests.contact(request_id)
        closed, waits = self.requests.close_by_operator(request_id, reason, operator)
        for task_token in waits:
            self.workflows.fail(task_token, "ClosedByOperator", "closed by an operator")
        self.mailer.send(templates.rights_closed(contact.reply_to, request_id, answer))
        self.requests.log(request_id, "answered", by="operator")
        return summary(closed)

    def decide(self, request_id: str, *, approve: bool, reason: str, operator: str) -> None:
        self.requests.get(request_id)  # an unknown id is a 404, not "no decision awaited" (409)
        task_token = self.requests.take_review(request_id)
        self.requests.log(request_id, "operator_decision", approved=approve, reason=reason, operator=operator)
        self.workflows.succeed(task_token, {"approved": approve, "reason": reason, "operator": operator})

    def extend(self, request_id: str, *, months: int, reason: str, operator: str) -> dict[str, Any]:
        record = self.requests.get(request_id)
        email = self.requests.contact(request_id).email
        updated = self.requests.extend(request_id, months, reason, operator)
        label = RequestType(record["request_type"]).label_fr
        self.mailer.send(templates.rights_extension(email, request_id, label, updated["due_at"], reason))
        self.requests.log(request_id, "extension_notified")
        return summary(updated)

    def lift_restriction(self, request_id: str, *, reason: str, operator: str) -> None:
        record = self.requests.get(request_id)
        if record["request_type"] != RequestType.RESTRICTION.value or not record.get("restriction_active"):
            raise Conflict("Cette demande n'a pas de limitation en cours.")
        # Art. 18(3): the person is told before the restriction is lifted.
        self.mailer.send(
            templates.rights_restriction_lifted(self.requests.contact(request_id).email, request_id, reason)
        )
        Subjects(self.store).lift_restriction(record["subject_key"])
        hold_id = record.get("hold_id")
        if hold_id and is_active(self.holds.get(str(hold_id))):  # an operator may have lifted it already
            self.holds.lift(str(hold_id), reason=reason, lifted_by=operator)
        self.requests.set_fields(request_id, restriction_active=False)
        self.requests.log(request_id, "restriction_lifted", reason=reason, operator=operator)

    def resume(self, request_id: str, *, operator: str) -> str:
        """Start again a request that failed (needs_operator) from after its verification."""
        record = self.requests.get(request_id)
        if record["status"] != RequestStatus.NEEDS_OPERATOR.value:
            raise Conflict("Seule une demande en attente d'opérateur peut être relancée.")
        payload = RightsInput(
            request_id=request_id,
            type=RequestType(record["request_type"]),
            subject_key=record["subject_key"],
            channel=record.get("channel", "web"),
            verified=True,
        )
        attempt = sum(1 for h in record.get("history", []) if h.get("step") == "resumed") + 1
        self.requests.log(request_id, "resumed", operator=operator, attempt=attempt)
        return self.workflows.start(f"{request_id}-r{attempt}", payload.model_dump(mode="json"))

    def execute_post_mortem(
        self, email: str, *, operator: str, subject_key: Callable[[str], str], public_api_url: str
    ) -> dict[str, Any]:
        """The death is reported: carry out the stored directives (`jaqe.rights.post_mortem`)."""
        execution = PostMortemExecution(self.store, self.workflows, self.mailer, public_api_url)
        return execution.execute(email, subject_key(email), operator=operator)


__all__ = ["RightsOperations", "request_pk"]
