"""The operators' retention report: what expires soon, and what is past expiry but still held.

Counts by register purpose and by day, read day by day through the `by_expiry` index (keys
only) and a batch read of the `purpose` attribute alone: no personal data is read into the
report or written out of it, and never a table scan. "Overdue" items are waiting for DynamoDB
TTL (which lags by up to days) or the daily reconciliation; many of them, or old ones, mean
retention is late.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from jaqe import clock
from jaqe.retention import FIRST_RUN_LOOKBACK_DAYS, WATERMARK, days_between
from jaqe.store import EXPIRY_INDEX, Store, get_attributes

MAX_DAYS = 366
MAX_LOOKBACK_DAYS = 366
DEFAULT_DAYS = 30
DEFAULT_LOOKBACK_DAYS = FIRST_RUN_LOOKBACK_DAYS
UNKNOWN_PURPOSE = "unknown"


@dataclass
class Tally:
    total: int = 0
    by_purpose: dict[str, int] = field(default_factory=dict)
    by_day: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, day: str, purpose: str) -> None:
        self.total += 1
        self.by_purpose[purpose] = self.by_purpose.get(purpose, 0) + 1
        per_day = self.by_day.setdefault(day, {})
        per_day[purpose] = per_day.get(purpose, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_purpose": dict(sorted(self.by_purpose.items())),
            "by_day": [
                {"day": day, "total": sum(counts.values()), "by_purpose": dict(sorted(counts.items()))}
                for day, counts in sorted(self.by_day.items())
            ],
        }


def retention_report(
    store: Store,
    *,
    days: int = DEFAULT_DAYS,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Items expiring within `days` (due) and items already expired but still present, looking
    back `lookback_days` (overdue), counted by purpose and expiry day."""
    if not 0 <= days <= MAX_DAYS or not 0 <= lookback_days <= MAX_LOOKBACK_DAYS:
        raise ValueError("days and lookback_days must be between 0 and 366")
    now = now or clock.now()
    now_epoch = clock.epoch(now)
    today = now.date()
    keys: list[tuple[str, str, str, bool]] = []  # pk, sk, expiry day, already expired
    for day in days_between(today - timedelta(days=lookback_days), today + timedelta(days=days)):
        for key in store.query_index(EXPIRY_INDEX, "expiry_day", day.isoformat(), include_expired=True):
            keys.append((key["pk"], key["sk"], day.isoformat(), int(key["expires_at"]) <= now_epoch))
    purposes = {
        (item["pk"], item["sk"]): str(item.get("purpose") or UNKNOWN_PURPOSE)
        for item in get_attributes(store, [(pk, sk) for pk, sk, _, _ in keys], ["purpose"])
    }
    due, overdue = Tally(), Tally()
    for pk, sk, expiry_day, expired in keys:
        purpose = purposes.get((pk, sk))
        if purpose is not None:  # None: deleted since the index was read
            (overdue if expired else due).add(expiry_day, purpose)
    mark = store.get(*WATERMARK)
    return {
        "as_of": now.isoformat(),
        "days": days,
        "lookback_days": lookback_days,
        "due": due.as_dict(),
        "overdue": overdue.as_dict(),
        "last_reconciliation_day": mark["last_day"] if mark else None,
    }
