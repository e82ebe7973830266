"""Outgoing email: MIME building and the SES adapter.

Every message is French, has a plain-text part and the controller footer. Marketing mail
carries one-click unsubscribe headers (RFC 8058); transactional mail does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from jaqe import aws
from jaqe.settings import get_settings

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


class SesMailer:
    def send(self, email: OutgoingEmail) -> None:
        settings = get_settings()
        aws.client("sesv2").send_email(
            FromEmailAddress=settings.mail_sender,
            Destination={"ToAddresses": [email.to]},
            Content={"Raw": {"Data": to_mime(email, settings.mail_sender)}},
        )
