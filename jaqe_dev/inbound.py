"""The SES receipt event for a raw message, as the inbound rule's Lambda action sends it."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.utils import parseaddr
from typing import Any

from jaqe.platform import clock


def receipt_event(
    raw: bytes, message_id: str, *, spam: str = "PASS", virus: str = "PASS", authenticated: bool = True
) -> dict[str, Any]:
    """`authenticated=False`: SPF, DKIM and DMARC do not pass (anyone may have written that From)."""
    message = message_from_bytes(raw, policy=policy.default)
    _, sender = parseaddr(str(message.get("From", "")))
    recipients = [parseaddr(str(message.get("To", "support@jaqe.fr")))[1]]
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
                            "from": [sender],
                            "to": recipients,
                            "subject": str(message.get("Subject", "")),
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
