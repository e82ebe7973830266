"""What happens to an email received at support@ / privacy@ (after parsing and classification).

- spam or virus verdict FAIL: dropped and counted, nothing created;
- a rights request, clear or not: the same workflow as the web form, started at once, so the sender
  is acknowledged (status link, verification link) and the deadline runs from receipt; an unclear
  or incomplete one, or one whose message could not be fully read, waits for an operator to qualify it;
- an unsubscribe: the newsletter subscription is removed if the sender is authenticated (SPF or
  DKIM, and DMARC, pass); otherwise the address is sent a link that unsubscribes it;
- anything else: a contact message (flagged when part of it could not be read), unless it was
  written to privacy@: that one is a rights request for an operator to qualify.
SPF / DKIM / DMARC verdicts are kept with what is created, as evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from jaqe.inbound.contact import submit_contact_message
from jaqe.inbound.model import ContactMessageIn
from jaqe.inbound.parsing import Classification, ParsedEmail, classify
from jaqe.inbound.rights_requests import EmailedRequest, WorkflowRightsIntake
from jaqe.marketing.newsletter import Newsletter
from jaqe.marketing.unsubscribe_links import unsubscribe_token, unsubscribe_url
from jaqe.platform import templates
from jaqe.platform.mail import Mailer
from jaqe.platform.observability import logger
from jaqe.platform.store import Store
from jaqe.platform.tokens import Tokens
from jaqe.platform.validation import check_email, free_text_of, normalise_email, single_line_of
from jaqe.privacy.register import PurposeId

PRIVACY_MAILBOX = "privacy@"


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

    @property
    def authenticated(self) -> bool:
        """The sender's domain vouches for the From address (DMARC passes on an aligned SPF or DKIM)."""
        return self.dmarc == "PASS" and "PASS" in (self.spf, self.dkim)


@dataclass(frozen=True)
class IntakeOutcome:
    kind: str  # rights_request | triage | unsubscribe | unsubscribe_link | contact | dropped
    reference: str = ""
    classification: Classification | None = None


@dataclass
class EmailIntake:
    store: Store
    mailer: Mailer
    subject_key: Callable[[str], str]
    rights: WorkflowRightsIntake  # the rights workflow, as email intake starts it

    def process(
        self,
        email: ParsedEmail,
        verdicts: Verdicts,
        received_at: str,
        message_id: str,
        envelope_sender: str = "",
        recipients: Sequence[str] = (),
    ) -> IntakeOutcome:
        if verdicts.rejected:
            return IntakeOutcome("dropped")
        # No readable From: the envelope sender SES received it from is who can be answered.
        sender = email.sender or valid_address(envelope_sender)
        if not sender:
            return IntakeOutcome("dropped")
        unreadable = email.problems  # "from" among them when the envelope sender stood in
        # What travels with the request: channel, message id, verdicts, attachment types; no address or text.
        evidence = {
            "channel": "email",
            "message_id": message_id,
            "verdicts": asdict(verdicts),
            "attachments": [a.content_type for a in email.attachments],
            "language": email.language,
        }
        found = classify(email.subject, email.body)
        if found.kind == "contact" and any(to.lower().startswith(PRIVACY_MAILBOX) for to in recipients):
            # Written to the DPO's address, it is about personal data even when no phrase says which
            # right: an operator qualifies it (or closes it) with the deadline running.
            found = Classification("access", 0.0)
        # An email's text may hold control characters the web form's fields refuse: it is made fit.
        subject, body = single_line_of(email.subject), free_text_of(email.body)
        details = f"{subject}\n\n{body}".strip()[:5000]
        if found.kind == "contact":
            accepted = submit_contact_message(
                ContactMessageIn(
                    name=single_line_of(sender.split("@")[0])[:100] or "inconnu",
                    email=sender,
                    subject=subject[:200] or "(sans objet)",
                    message=body.strip()[:5000] or "(message vide)",
                ),
                store=self.store,
                mailer=self.mailer,
                subject_key=self.subject_key,
                channel="email",
                unreadable=unreadable,
            )
            outcome = IntakeOutcome("contact", accepted.message_id, found)
        elif found.kind == "unsubscribe" and found.is_clear:
            outcome = IntakeOutcome(self._unsubscribe(sender, verdicts), "", found)
        else:
            request = EmailedRequest(sender, details, found, unreadable)
            reference, to_qualify = self.rights.submit(request, received_at, evidence)
            outcome = IntakeOutcome("triage" if to_qualify else "rights_request", reference, found)
        logger.info(
            "inbound email handled",
            extra={
                "outcome": outcome.kind,
                "classified_as": found.kind,
                "confidence": found.confidence,
                "unreadable": list(unreadable),
                "subject_key": self.subject_key(sender),
                "message_id": message_id,
            },
        )
        return outcome

    def _unsubscribe(self, sender: str, verdicts: Verdicts) -> str:
        """Anyone can put any address in From: only an authenticated sender is unsubscribed by the
        message itself; otherwise the address gets a link whose page unsubscribes it."""
        key = self.subject_key(sender)
        if verdicts.authenticated:
            Newsletter(self.store, self.mailer, self.subject_key).remove(key, channel="email")
            return "unsubscribe"
        token = unsubscribe_token(Tokens(self.store), key, PurposeId.NEWSLETTER)
        self.mailer.send(templates.unsubscribe_by_link(sender, unsubscribe_url(token)))
        return "unsubscribe_link"


def valid_address(address: str) -> str:
    """The address if it is one we can write to, else ""."""
    try:
        return check_email(normalise_email(address))
    except ValueError:
        return ""
