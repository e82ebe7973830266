"""The emails sent through (moto) SES, parsed back: what `GET /_local/outbox` shows."""

from __future__ import annotations

from email import message_from_string, policy
from email.utils import getaddresses
from typing import Any

from jaqe.platform.mail import LINK

from jaqe_dev.provision import ACCOUNT, REGION


def _sent_messages() -> list[Any]:
    from moto.ses.models import ses_backends

    return list(ses_backends[ACCOUNT][REGION].sent_messages)


def sent_count() -> int:
    """How many emails have been sent so far (`make dev` marks where its seed's mail ends)."""
    return len(_sent_messages())


def sent_emails(*, after: int = 0, to: str | None = None) -> list[dict[str, Any]]:
    """The emails sent, oldest first: from the `after`-th on, and only those addressed to `to` if given."""
    emails = []
    for message in _sent_messages()[after:]:
        raw = getattr(message, "raw_data", None)
        if raw is None:
            continue
        parsed = message_from_string(raw, policy=policy.default)
        recipients = [str(a) for a in parsed.get_all("To", [])]
        if to is not None and to.strip().lower() not in {
            address.lower() for _, address in getaddresses(recipients)
        }:
            continue
        part = parsed.get_body(preferencelist=("plain",))
        text = part.get_content() if part else ""
        emails.append(
            {
                "id": message.id,
                "to": recipients,
                "from": str(parsed["From"]),
                "subject": str(parsed["Subject"]),
                "text": text,
                "links": LINK.findall(text),
                "headers": {k: str(v) for k, v in parsed.items()},
            }
        )
    return emails
