"""Outgoing email: the message, MIME building, the outbox queue's message and the SES sender.

Use cases hand emails to a `Mailer`; in the functions it is `jaqe.privacy.outbox.OutboxMailer`.
The outbox queue (SQS, retries, DLQ) carries ids only (`QueuedMail`), never an address or a text:
either the id of a message stored in the data table (under the subject key of the person it is
about, with its purpose and a short expiry), or the ids of the records an email is rendered from
when it is sent (a quote request's emails: the lead, its disclosures, the professional's profile).
Either way a stored lead keeps its confirmation even if SES fails at that moment. The `mail_sender`
function loads or renders the email and sends it with `SesSender`.
Every message is French, has a plain-text part and the controller footer. Marketing mail
carries one-click unsubscribe headers (RFC 8058); transactional mail does not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol

from jaqe.platform import aws
from jaqe.platform.settings import OutboxSettings, SenderSettings, get_settings

LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    # One-click unsubscribe URL; set only on marketing mail.
    unsubscribe_url: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # The register purpose the mail serves (a `jaqe.privacy.register.PurposeId` value).
    purpose: str = field(kw_only=True)
    # The subject key of the person the mail is about, when it is not the recipient (a lead sent
    # to a professional is about the consumer); None: the recipient's own subject key.
    about: str | None = field(default=None, kw_only=True)
    # Mail anyone can have sent to any address by typing it in a form (verification, confirmation,
    # acknowledgement, password): a few per address and hour at most, so no one can mail-bomb with it.
    limited_per_address: bool = field(default=False, kw_only=True)

    @property
    def links(self) -> list[str]:
        return LINK.findall(self.text)


def to_mime(email: OutgoingEmail, sender: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Message-ID"] = make_msgid(domain="jaqe.fr")
    message["Content-Language"] = "fr"
    if email.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email.text, charset="utf-8")
    return bytes(message)


class Mailer(Protocol):
    def send(self, email: OutgoingEmail) -> None: ...


STORED = "stored"


@dataclass(frozen=True)
class QueuedMail:
    """An outbox queue message, ids only. `{"mail_id"}` names a stored message; `{"mail": <template>,
    <ids>}` names the records the mail sender renders that template from at send time (the
    renderers are `OutboxDelivery`'s), so that no copy of the email waits anywhere."""

    mail: str  # STORED, or the template rendered from the records `ids` name
    ids: dict[str, Any]

    @classmethod
    def stored(cls, mail_id: str) -> QueuedMail:
        return cls(STORED, {"mail_id": mail_id})

    @property
    def body(self) -> str:
        return json.dumps(self.ids if self.mail == STORED else {"mail": self.mail, **self.ids})

    @classmethod
    def of(cls, body: str) -> QueuedMail:
        """The message an outbox queue body holds; anything but ids refused (ValueError)."""
        message = json.loads(body)
        if not isinstance(message, dict):
            raise ValueError("an outbox message is a JSON object")
        if set(message) == {"mail_id"} and _is_id(message["mail_id"]):
            return cls.stored(message["mail_id"])
        mail = message.pop("mail", None)
        ids_only = all(
            _is_id(v) or (isinstance(v, list) and all(_is_id(i) for i in v)) for v in message.values()
        )
        if not _is_id(mail) or not ids_only:
            raise ValueError("an outbox message names a stored message (`mail_id`) or a template and ids")
        return cls(mail, message)


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 100


class QueueingMailer(Mailer, Protocol):
    def queue(self, mail: QueuedMail, *, limited_to: str | None = None) -> None: ...


def queue_mail(mail: QueuedMail) -> None:
    """Put a message on the outbox queue: the body names the email's records, nothing else."""
    aws.client("sqs").send_message(
        QueueUrl=get_settings(OutboxSettings).mail_queue_url, MessageBody=mail.body
    )


class SesSender:
    def send(self, email: OutgoingEmail) -> None:
        settings = get_settings(SenderSettings)
        extra = (
            {"ConfigurationSetName": settings.mail_configuration_set}
            if settings.mail_configuration_set
            else {}
        )
        aws.client("sesv2").send_email(
            FromEmailAddress=settings.mail_sender,
            Destination={"ToAddresses": [email.to]},
            Content={"Raw": {"Data": to_mime(email, settings.mail_sender)}},
            EmailTags=[{"Name": k, "Value": v} for k, v in email.tags.items()],
            **extra,
        )
