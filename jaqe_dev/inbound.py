"""The SES receipt event for a raw message, as the inbound rule's Lambda action sends it."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import Message
from email.utils import parseaddr
from typing import Any

from jaqe.platform import clock


def _header(message: Message, name: str) -> str:
    """A header as SES reports it, "" if absent or unreadable (SES receives malformed mail too)."""
    try:
        value = message.get(name)
        return "" if value is None else str(value).encode("utf-8", "replace").decode("utf-8")
    except Exception:
        return ""


def receipt_event(
    raw: bytes, message_id: str, *, spam: str = "PASS", virus: str = "PASS", authenticated: bool = True
) -> dict[str, Any]:
    """`raw` as SES stored it (any bytes). `source` is the envelope sender: Return-Path, else From.
    `authenticated=False`: SPF, DKIM and DMARC do not pass (anyone may have written that From)."""
    message = message_from_bytes(raw, policy=policy.default)
    author = parseaddr(_header(message, "From"))[1]
    sender = parseaddr(_header(message, "Return-Path"))[1] or author
    recipients = [parseaddr(_header(message, "To") or "support@jaqe.fr")[1] or "support@jaqe.fr"]
    now = clock.now().isoformat()
    verdict = {"status": "PASS" if authenticated else "FAIL"}
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": now,
                        "source": sender,
                        "messageId": message_id,
                        "destination": recipients,
                        "commonHeaders": {
                            "from": [author],
                            "to": recipients,
                            "subject": _header(message, "Subject"),
                        },
                    },
                    "receipt": {
                        "timestamp": now,
                        "recipients": recipients,
                        "spamVerdict": {"status": spam},
                        "virusVerdict": {"status": virus},
                        "spfVerdict": verdict,
                        "dkimVerdict": verdict,
                        "dmarcVerdict": verdict,
                        "action": {"type": "Lambda", "invocationType": "Event"},
                    },
                },
            }
        ]
    }
