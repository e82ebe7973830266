"""The operators' access trail (accountability, Art. 5(2) and 32): who did or read what, about whom, why.

Every operator action and every operator read that returns personal data appends one entry
(`jaqe.platform.api` calls `AccessTrail.record` once the route has answered, for the routes
`jaqe.platform.staff` marks). Entries are append-only: a table of their own, written with a
condition that the entry does not exist, on which every function's role is denied UpdateItem and
DeleteItem (`infra/constructs/functions.py`); they expire after the register's `access_trail`
period. They are read by subject key, by operator or from a date, each through an index.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from jaqe.platform import clock
from jaqe.platform.ids import new_id
from jaqe.platform.settings import AccessTrailSettings, get_settings
from jaqe.platform.staff import AccessEvent
from jaqe.platform.store import Item, Store, plain
from jaqe.privacy.records import (
    ACCESS_TRAIL_BY_MONTH,
    ACCESS_TRAIL_BY_OPERATOR,
    ACCESS_TRAIL_BY_SUBJECT,
    access_trail_item,
)
from jaqe.privacy.register import PurposeId, purpose

# What an entry shows (the item's keys and index attributes stay inside).
ENTRY_FIELDS = ("at", "operator", "operator_arn", "method", "route", "ids", "subject_key", "reason", "status")


class AccessTrail:
    def __init__(self, store: Store | None = None) -> None:
        self._store = store

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(get_settings(AccessTrailSettings).access_trail_table)
        return self._store

    def record(self, entry: AccessEvent, now: datetime | None = None) -> str:
        moment = now or clock.now()
        entry_id = new_id("acc")
        fields = {
            "operator": entry.operator,
            "operator_arn": entry.operator_arn,
            "method": entry.method,
            "route": entry.route,
            "ids": entry.ids,
            "status": entry.status,
            "subject_key": entry.subject_key,
            "reason": entry.reason,
        }
        expires_at = purpose(PurposeId.ACCESS_TRAIL).expires_at(moment)
        at = moment.isoformat(timespec="seconds")
        self.store.put_new(access_trail_item(entry_id, at, fields, expires_at))
        return entry_id

    def by_subject(self, subject_key: str) -> list[dict[str, Any]]:
        return _entries(self.store.query_index(ACCESS_TRAIL_BY_SUBJECT, "subject_key", subject_key))

    def by_operator(self, operator: str) -> list[dict[str, Any]]:
        return _entries(self.store.query_index(ACCESS_TRAIL_BY_OPERATOR, "operator", operator))

    def since(self, day: date, now: datetime | None = None) -> list[dict[str, Any]]:
        """Entries from `day` on: one Query per month partition up to now."""
        start = day.isoformat()
        items = (
            item
            for month in months_between(day, (now or clock.now()).date())
            for item in self.store.query_index(ACCESS_TRAIL_BY_MONTH, "month", month)
        )
        return _entries(i for i in items if str(i["at"]) >= start)


def months_between(first: date, last: date) -> Iterator[str]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _entries(items: Iterator[Item] | list[Item]) -> list[dict[str, Any]]:
    rows = [{k: plain(item[k]) for k in ENTRY_FIELDS if k in item} for item in items]
    return sorted(rows, key=lambda row: str(row["at"]))
