"""Addresses that hard-bounced or complained get no further mail (SES event notifications)."""

from __future__ import annotations

from typing import Any

from jaqe.inbound.records import bounce_key
from jaqe.platform import clock
from jaqe.platform.store import Store
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import retention_fields


def undeliverable(notification: dict[str, Any]) -> list[tuple[str, str]]:
    """(address, reason) pairs to stop mailing, from an SES bounce or complaint notification."""
    kind = notification.get("eventType") or notification.get("notificationType")
    if kind == "Bounce" and notification.get("bounce", {}).get("bounceType") == "Permanent":
        return [
            (r["emailAddress"], "hard_bounce") for r in notification["bounce"].get("bouncedRecipients", [])
        ]
    if kind == "Complaint":
        return [
            (r["emailAddress"], "complaint")
            for r in notification["complaint"].get("complainedRecipients", [])
        ]
    return []


class Bounces:
    def __init__(self, store: Store) -> None:
        self.store = store

    def block(self, subject_key: str, reason: str) -> None:
        pk, sk = bounce_key(subject_key)
        self.store.put(
            {
                "pk": pk,
                "sk": sk,
                "item_type": "mail_block",
                "reason": reason,
                "blocked_at": clock.now().isoformat(),
                **retention_fields(PurposeId.SUPPRESSION_LIST, subject_key),
            }
        )

    def is_blocked(self, subject_key: str) -> bool:
        return self.store.get(*bounce_key(subject_key)) is not None
