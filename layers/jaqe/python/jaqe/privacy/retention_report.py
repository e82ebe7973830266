"""The operators' retention report: what expires soon, and what is past expiry but still held.

Counts by register purpose and by day, read day by day through the `by_expiry` index, which
holds keys and the purpose only: no personal data is read into the report or written out of it,
and never a table scan. Both horizons are bounded (one query per day). "Overdue" items are waiting for DynamoDB
TTL (which lags by up to days) or the daily reconciliation; many of them, or old ones, mean
retention is late. Held data (`jaqe.privacy.holds`) is in neither: its expiry is set aside while
a hold is active, so the report counts it apart, by purpose, from the active hold records (one
query on `by_segment`; each record keeps its counts, so no person's item is read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from jaqe.platform import clock
from jaqe.platform.store import EXPIRY_INDEX, Store
from jaqe.privacy.holds import Holds
from jaqe.privacy.retention import FIRST_RUN_LOOKBACK_DAYS, WATERMARK, days_between

MAX_DAYS = 92
MAX_LOOKBACK_DAYS = 92
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
        raise ValueError(f"days and lookback_days must be between 0 and {MAX_DAYS}")
    now = now or clock.now()
    now_epoch = clock.epoch(now)
    today = now.date()
    due, overdue = Tally(), Tally()
    for day in days_between(today - timedelta(days=lookback_days), today + timedelta(days=days)):
        for key in store.query_index(EXPIRY_INDEX, "expiry_day", day.isoformat(), include_expired=True):
            tally = overdue if int(key["expires_at"]) <= now_epoch else due
            tally.add(day.isoformat(), str(key.get("purpose") or UNKNOWN_PURPOSE))
    mark = store.get(*WATERMARK)
    return {
        "as_of": now.isoformat(),
        "days": days,
        "lookback_days": lookback_days,
        "due": due.as_dict(),
        "overdue": overdue.as_dict(),
        "last_reconciliation_day": mark["last_day"] if mark else None,
        "holds": held_report(store),
    }


def held_report(store: Store) -> dict[str, Any]:
    """The active holds (ids, origin, since) and the items they keep past retention, by purpose, as
    each hold record counted them when last applied (the report never reads a person's items)."""
    active = Holds(store).active()
    by_purpose: dict[str, int] = {}
    for hold in active:
        for name, count in (hold.get("held_by_purpose") or {}).items():
            by_purpose[name] = by_purpose.get(name, 0) + int(count)
    return {
        "active": len(active),
        "items_held": sum(by_purpose.values()),
        "by_purpose": dict(sorted(by_purpose.items())),
        "list": [
            {"hold_id": h["hold_id"], "origin": h.get("origin"), "since": h.get("placed_at")} for h in active
        ],
    }
