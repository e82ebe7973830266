"""Outgoing email: MIME building, the outbox queue and the SES sender.

Use cases hand emails to `OutboxMailer`, which queues them (SQS, retries, DLQ): a stored
lead keeps its confirmation even if SES fails at that moment. The `mail_sender` function
sends them with `SesSender`, skipping addresses that hard-bounced or complained.
Every message is French, has a plain-text part and the controller footer. Marketing mail
carries one-click unsubscribe headers (RFC 8058); transactional mail does not.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

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


class OutboxMailer:
    """Queues the email for the mail sender; the only mail permission a function needs is to send to the queue."""

    def send(self, email: OutgoingEmail) -> None:
        aws.client("sqs").send_message(
            QueueUrl=get_settings(OutboxSettings).mail_queue_url, MessageBody=json.dumps(asdict(email))
        )


def from_queue(body: str) -> OutgoingEmail:
    return OutgoingEmail(**json.loads(body))


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
