"""Email intake meets the rights workflow: every rights request by email starts it at once.

The sender is acknowledged right away (the verification email carries the status link and the due
date) and the one-month deadline runs from receipt. A request whose type is unclear, whose type
needs structured fields an email cannot give (the purposes of a withdrawal, the corrections, the
directives), or whose message could not be fully read, is marked to qualify: once the address is
verified the workflow waits for an operator to give the type and its fields
(`POST /v1/admin/rights-requests/{id}/qualify`), or to close it if it is not a rights request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from jaqe.inbound.parsing import Classification
from jaqe.platform.store import Store
from jaqe.platform.workflows import Workflows

# The rights capability loads with the first rights request by email, not with every mail's intake.
if TYPE_CHECKING:
    from jaqe.rights.model import RequestType, RightsRequestIn

DETAILS_LIMIT = 5000


@dataclass(frozen=True)
class EmailedRequest:
    """What the intake keeps of a rights request by email (under the subject key, in the request's
    contact item): the sender's address and the message's text."""

    sender: str
    details: str
    classification: Classification
    unreadable: tuple[str, ...] = ()  # parts of the message that could not be read

    @property
    def complete(self) -> RightsRequestIn | None:
        """The request as the web form would have sent it, if the email says all it needs."""
        if not self.classification.is_clear or self.unreadable:
            return None
        from jaqe.rights.model import RequestType, RightsRequestIn

        try:
            return RightsRequestIn(
                type=RequestType(self.classification.kind),
                email=self.sender,
                details=self.details[:DETAILS_LIMIT] or None,
            )
        except (ValidationError, ValueError):  # a type that needs fields, or an unusable address
            return None

    @property
    def guessed_type(self) -> RequestType:
        from jaqe.rights.model import RequestType

        kind = self.classification.kind
        return RequestType(kind) if kind in RequestType.__members__.values() else RequestType.ACCESS


@dataclass
class WorkflowRightsIntake:
    store: Store
    workflows: Workflows
    subject_key: Callable[[str], str]
    public_api_url: str

    def submit(self, request: EmailedRequest, received_at: str, evidence: dict[str, Any]) -> tuple[str, bool]:
        """Start the workflow; (request id, whether an operator must qualify it)."""
        from jaqe.rights.intake import open_rights_request
        from jaqe.rights.model import RequestContact
        from jaqe.rights.records import RightsRequestRecords

        data = request.complete
        contact = (
            data.contact()
            if data
            else RequestContact(
                email=request.sender,
                params={"details": request.details[:DETAILS_LIMIT]} if request.details else {},
            )
        )
        accepted = open_rights_request(
            data.type if data else request.guessed_type,
            contact,
            store=self.store,
            workflows=self.workflows,
            subject_key=self.subject_key,
            public_api_url=self.public_api_url,
            channel="email",
            needs_qualification=data is None,
        )
        RightsRequestRecords(self.store).log(
            accepted.request_id,
            "received_by_email",
            received_at=received_at,
            classified_as=request.classification.kind,
            confidence=str(request.classification.confidence),
            unreadable=list(request.unreadable),
            **evidence,
        )
        return accepted.request_id, data is None
