"""Email intake meets the rights workflow: the same submission as the web form, or a request to triage.

A clear request whose type needs structured fields an email cannot give (the purposes of a
withdrawal, the corrections, the directives) goes to operators too: they complete it, and
the one-month deadline already runs from receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from jaqe.inbound.parsing import Classification
from jaqe.platform.ids import new_id
from jaqe.platform.store import Store
from jaqe.platform.workflows import Workflows
from jaqe.rights.intake import submit_rights_request
from jaqe.rights.model import RequestContact, RequestStatus, RequestType, RightsRequestIn
from jaqe.rights.records import RightsRequestRecords


@dataclass
class WorkflowRightsIntake:
    store: Store
    workflows: Workflows
    subject_key: Callable[[str], str]
    public_api_url: str

    def submit(self, kind: str, email: str, details: str, received_at: str, evidence: dict[str, Any]) -> str:
        try:
            data = RightsRequestIn(type=RequestType(kind), email=email, details=details[:5000] or None)
        except (ValidationError, ValueError):
            return self.triage(email, details, received_at, Classification(kind, 1.0), evidence)
        accepted = submit_rights_request(
            data,
            store=self.store,
            workflows=self.workflows,
            subject_key=self.subject_key,
            public_api_url=self.public_api_url,
            channel="email",
        )
        RightsRequestRecords(self.store).log(
            accepted.request_id,
            "received_by_email",
            received_at=received_at,
            **evidence,
        )
        return accepted.request_id

    def triage(
        self,
        email: str,
        details: str,
        received_at: str,
        classification: Classification,
        evidence: dict[str, Any],
    ) -> str:
        request_id = new_id("rr")
        guessed = (
            RequestType(classification.kind)
            if classification.kind in RequestType.__members__.values()
            else RequestType.ACCESS
        )
        requests = RightsRequestRecords(self.store)
        # The sender's address and the details go to the request's contact item: operators read them
        # there to triage; the record holds the subject key only.
        contact = RequestContact(email=email, params={"details": details[:5000]} if details else {})
        requests.create(request_id, guessed, self.subject_key(email), contact, channel="email")
        requests.transition(
            request_id,
            RequestStatus.AWAITING_OPERATOR,
            "to_triage",
            classified_as=classification.kind,
            confidence=str(classification.confidence),
            received_at=received_at,
            **evidence,
        )
        return request_id
