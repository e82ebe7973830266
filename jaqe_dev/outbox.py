"""The emails sent through (moto) SES, parsed back: what `GET /_local/outbox` shows."""

from __future__ import annotations

from email import message_from_string, policy
from typing import Any

from jaqe.platform.mail import LINK

from jaqe_dev.provision import ACCOUNT, REGION


def sent_emails() -> list[dict[str, Any]]:
    from moto.ses.models import ses_backends

    emails = []
    for message in ses_backends[ACCOUNT][REGION].sent_messages:
        raw = getattr(message, "raw_data", None)
        if raw is None:
            continue
        parsed = message_from_string(raw, policy=policy.default)
        part = parsed.get_body(preferencelist=("plain",))
        text = part.get_content() if part else ""
        emails.append(
            {
                "id": message.id,
                "to": [str(a) for a in parsed.get_all("To", [])],
                "from": str(parsed["From"]),
                "subject": str(parsed["Subject"]),
                "text": text,
                "links": LINK.findall(text),
                "headers": {k: str(v) for k, v in parsed.items()},
            }
        )
    return emails
