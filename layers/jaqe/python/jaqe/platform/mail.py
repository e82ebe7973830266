"""Outgoing email: the message, MIME building, the outbox queue's message and the SES sender.

Use cases hand emails to a `Mailer`; in the functions it is `jaqe.privacy.outbox.OutboxMailer`,
which stores the message in the data table (under the subject key of the person it is about,
with its purpose and a short expiry) and queues its id only (SQS, retries, DLQ): a stored lead
keeps its confirmation even if SES fails at that moment, and no queue ever holds an address or
a text. The `mail_sender` function loads the message by id and sends it with `SesSender`.
Every message is French, has a plain-text part and the controller footer. Marketing mail
carries one-click unsubscribe headers (RFC 8058); transactional mail does not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
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


def queue_mail(mail_id: str) -> None:
    """Put a stored message's id on the outbox queue: the body names the message, nothing else."""
    aws.client("sqs").send_message(
        QueueUrl=get_settings(OutboxSettings).mail_queue_url, MessageBody=json.dumps({"mail_id": mail_id})
    )


def mail_id_of(body: str) -> str:
    """The stored message an outbox queue message names."""
    mail_id = json.loads(body).get("mail_id")
    if not isinstance(mail_id, str) or not mail_id:
        raise ValueError("an outbox message names its stored message by `mail_id`")
    return mail_id


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
