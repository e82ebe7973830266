"""What happens to an email received at support@ / privacy@ (after parsing and classification).

- spam or virus verdict FAIL: dropped and counted, nothing created;
- a clear rights request: the same workflow as the web form, verification sent to the sender;
- an unclear one: a request "to triage" for operators, its legal clock running from receipt;
- an unsubscribe: the newsletter subscription is removed;
- anything else: a contact message.
SPF / DKIM / DMARC verdicts are kept with what is created, as evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from jaqe.inbound.contact import submit_contact_message
from jaqe.inbound.model import ContactMessageIn
from jaqe.inbound.parsing import Classification, ParsedEmail, classify
from jaqe.inbound.rights_requests import WorkflowRightsIntake
from jaqe.marketing.newsletter import Newsletter
from jaqe.platform.mail import Mailer
from jaqe.platform.observability import logger
from jaqe.platform.store import Store


@dataclass(frozen=True)
class Verdicts:
    spam: str
    virus: str
    spf: str
    dkim: str
    dmarc: str

    @classmethod
    def from_receipt(cls, receipt: dict[str, Any]) -> Verdicts:
        def status(name: str) -> str:
            return str(receipt.get(name, {}).get("status", "GRAY"))

        return cls(
            status("spamVerdict"),
            status("virusVerdict"),
            status("spfVerdict"),
            status("dkimVerdict"),
            status("dmarcVerdict"),
        )

    @property
    def rejected(self) -> bool:
        return "FAIL" in (self.spam, self.virus)


@dataclass(frozen=True)
class IntakeOutcome:
    kind: str  # rights_request | triage | unsubscribe | contact | dropped
    reference: str = ""
    classification: Classification | None = None


@dataclass
class EmailIntake:
    store: Store
    mailer: Mailer
    subject_key: Callable[[str], str]
    rights: WorkflowRightsIntake  # the rights workflow, as email intake starts it

    def process(
        self, email: ParsedEmail, verdicts: Verdicts, received_at: str, message_id: str
    ) -> IntakeOutcome:
        if verdicts.rejected or not email.sender:
            return IntakeOutcome("dropped")
        # What travels with the request: channel, message id, verdicts, attachment types; no address or text.
        evidence = {
            "channel": "email",
            "message_id": message_id,
            "verdicts": asdict(verdicts),
            "attachments": [a.content_type for a in email.attachments],
            "language": email.language,
        }
        found = classify(email.subject, email.body)
        details = f"{email.subject}\n\n{email.body}".strip()[:5000]
        if found.kind == "contact":
            accepted = submit_contact_message(
                ContactMessageIn(
                    name=email.sender.split("@")[0][:100] or "inconnu",
                    email=email.sender,
                    subject=email.subject[:200] or "(sans objet)",
                    message=email.body[:5000] or "(message vide)",
                ),
                store=self.store,
                mailer=self.mailer,
                subject_key=self.subject_key,
                channel="email",
            )
            outcome = IntakeOutcome("contact", accepted.message_id, found)
        elif found.kind == "unsubscribe" and found.is_clear:
            Newsletter(self.store, self.mailer, self.subject_key).remove(
                self.subject_key(email.sender), channel="email"
            )
            outcome = IntakeOutcome("unsubscribe", "", found)
        elif found.is_clear:
            reference = self.rights.submit(found.kind, email.sender, details, received_at, evidence)
            outcome = IntakeOutcome("rights_request", reference, found)
        else:
            reference = self.rights.triage(email.sender, details, received_at, found, evidence)
            outcome = IntakeOutcome("triage", reference, found)
        logger.info(
            "inbound email handled",
            extra={
                "outcome": outcome.kind,
                "classified_as": found.kind,
                "confidence": found.confidence,
                "subject_key": self.subject_key(email.sender),
                "message_id": message_id,
            },
        )
        return outcome
