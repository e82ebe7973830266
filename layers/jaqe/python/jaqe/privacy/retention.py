"""Retention that enforces itself: cascades after deletions, and the daily reconciliation.

DynamoDB TTL deletes an item once `expires_at` has passed (reads already treat it as absent).
What hangs from a deleted item goes with it (`cascade`, given the owners' `dependents`): the
disclosures of a lead, the documents, listing entries and S3 objects of a professional. Reconciliation purges what TTL
has not removed yet, day by day through the `by_expiry` index (a page of keys at a time, re-read
and deleted in batches; a day larger than one invocation's budget is handed on to the next), and
S3 objects whose owner no longer exists. Neither touches what a hold keeps (`jaqe.privacy.holds`): reconciliation
re-applies every active hold first, and a cascade spares held items (S3 refuses to delete a
version under a legal hold).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from jaqe.platform import clock
from jaqe.platform.objects import DOCUMENTS_PREFIX, ObjectStore
from jaqe.platform.store import SEGMENT_INDEX, Item, Store, expired_page, expiry_fields, plain
from jaqe.privacy.holds import Holds
from jaqe.privacy.register import PurposeId, purpose

TTL_PRINCIPAL = "dynamodb.amazonaws.com"
WATERMARK = ("SYSTEM#reconciliation", "WATERMARK")
# One record per run (`RUN#<time>`, same partition): what it purged and how many days it covered,
# in the `reconciliation_run#<YYYY-MM>` segment read by the DPO's monthly report; kept a year and a
# month (a year of reports).
RUN_PREFIX = "RUN#"
RUN_RECORD_KEPT = timedelta(days=400)
# On the first run, look this far back for items TTL may have missed.
FIRST_RUN_LOOKBACK_DAYS = 30


def retention_fields(
    purpose_id: PurposeId, subject_key: str | None, anchor_time: datetime | None = None
) -> Item:
    """The attributes that put an item under a purpose: subject key and expiry."""
    fields: Item = {"purpose": purpose_id.value, "created_at": clock.now().isoformat()}
    if subject_key:
        fields["subject_key"] = subject_key
    expires_at = purpose(purpose_id).expires_at(anchor_time or clock.now())
    fields.update(expiry_fields(expires_at))
    return fields


@dataclass
class Dependents:
    items: list[tuple[str, str]] = field(default_factory=list)
    object_prefixes: list[str] = field(default_factory=list)


def is_ttl_deletion(user_identity: dict[str, Any] | None) -> bool:
    """TTL deletions are the only stream records made by the DynamoDB service principal."""
    return bool(user_identity) and user_identity.get("principalId") == TTL_PRINCIPAL  # type: ignore[union-attr]


# What hangs from a deleted item, as its owner's records know it (`dependents` in
# jaqe.leads.records and jaqe.professionals.records).
DependentsOf = Callable[[Item, Store], Dependents]


@dataclass
class CascadeResult:
    items_deleted: int = 0
    objects_deleted: int = 0


def cascade(
    deleted: Item,
    store: Store,
    dependents: Iterable[DependentsOf],
    objects: ObjectStore | None,
    bucket: str = "",
) -> CascadeResult:
    """Deletes what hangs from `deleted` (found by key, never by a table scan), except what a hold
    keeps: a held item stays, and so does a held object version (S3 refuses to delete it)."""
    items: list[tuple[str, str]] = []
    prefixes: list[str] = []
    for of in dependents:
        found = of(deleted, store)
        items += found.items
        prefixes += found.object_prefixes
    taken = sum(store.take(pk, sk, where="attribute_not_exists(holds)") is not None for pk, sk in items)
    removed = 0
    if objects is not None and bucket:
        removed = sum(objects.delete_prefix(bucket, prefix) for prefix in prefixes)
    return CascadeResult(taken, removed)


def days_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# Keys read from the expiry index at a time (about 100 KB of index entries; ten BatchGetItem re-read
# them, forty BatchWriteItem delete them).
PAGE_SIZE = 1000
# What the consistent re-read of a page fetches to decide (keys, expiry, purpose, holds).
RECHECKED_FIELDS = ("expires_at", "purpose", "holds")


@dataclass(frozen=True)
class Budget:
    """What one invocation may do before handing the rest on: keys examined, and the
    `time.monotonic()` by which it stops (its Lambda timeout less a margin)."""

    items: int
    deadline: float

    def spent(self, examined: int) -> bool:
        return examined >= self.items or time.monotonic() >= self.deadline


class Continuation(BaseModel):
    """Where a reconciliation run stopped: the message that hands the rest of it to the next invocation.
    It holds dates, keys (the expiry index's position: `pk`, `sk`, expiry day and time) and counts."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    now: int  # the run's start (epoch): every invocation of the run purges what had expired by then
    day: date
    last_day: date
    start_key: dict[str, Any] | None = None
    # The run's counts so far (`ReconciliationReport`): the invocation that finishes reports the whole run.
    counts: dict[str, Any] = {}


@dataclass
class ReconciliationReport:
    days_checked: int = 0
    holds_applied: int = 0
    items_held: int = 0
    items_purged: int = 0
    orphan_objects_deleted: int = 0
    purged_by_purpose: dict[str, int] = field(default_factory=dict)
    # Set when the budget ran out: the rest of the run was handed to another invocation (the
    # counts are the run's so far; the invocation that finishes reports the whole run).
    continued: bool = False


def reconcile(
    store: Store,
    objects: ObjectStore | None,
    bucket: str = "",
    owner_exists: Callable[[Store, str], bool] | None = None,
    now: datetime | None = None,
    *,
    budget: Budget | None = None,
    resume: Continuation | None = None,
    continue_later: Callable[[Continuation], None] | None = None,
) -> ReconciliationReport:
    """Purge what is past its expiry, day by day from the watermark to today, then orphan objects.

    A scheduled run starts with `resume=None`: it re-applies the active holds first. Once `budget`
    is spent, the position is handed to `continue_later` and the next invocation `resume`s from it;
    the run that finishes the last day moves the watermark and purges orphan objects.
    """
    report = ReconciliationReport(**(resume.counts if resume else {}))
    if resume is None:
        now = now or clock.now()
        # Holds first: what was written for a held person since their hold was placed is held before
        # its time can run out (items leave the expiry index as they are held).
        held = Holds(store, objects, {"documents": bucket}).reapply()
        report.holds_applied, report.items_held = held.holds, held.items
        mark = store.get(*WATERMARK)
        first = (
            date.fromisoformat(mark["last_day"])
            if mark
            else now.date() - timedelta(days=FIRST_RUN_LOOKBACK_DAYS)
        )
        resume = Continuation(now=clock.epoch(now), day=first, last_day=now.date())
    examined = 0
    for day in days_between(resume.day, resume.last_day):
        report.days_checked += 1
        start_key = resume.start_key if day == resume.day else None
        while True:
            # Checked before each page once one is done: every invocation makes progress.
            if budget and continue_later and examined and budget.spent(examined):
                continue_later(
                    resume.model_copy(update={"day": day, "start_key": start_key, "counts": asdict(report)})
                )
                report.continued = True
                return report
            keys, start_key = expired_page(
                store, day.isoformat(), resume.now, limit=PAGE_SIZE, start_key=start_key
            )
            examined += len(keys)
            _purge(store, keys, resume.now, report)
            if start_key is None:
                break
    # The watermark restarts at the run's last day: items expiring later that day are caught tomorrow.
    store.put({"pk": WATERMARK[0], "sk": WATERMARK[1], "last_day": resume.last_day.isoformat()})
    if objects is not None and bucket and owner_exists is not None:
        report.orphan_objects_deleted = purge_orphan_objects(store, objects, bucket, owner_exists)
    store.put(run_record(report, datetime.fromtimestamp(resume.now, UTC)))
    return report


def run_record(report: ReconciliationReport, now: datetime) -> Item:
    """The item recording one run (counts only). `days_checked` - 1 is how many days had passed
    since the previous run: 1 when it runs daily."""
    return {
        "pk": WATERMARK[0],
        "sk": f"{RUN_PREFIX}{now.isoformat()}",
        "item_type": "reconciliation_run",
        "run_at": now.isoformat(),
        "segment": run_segment(f"{now:%Y-%m}"),
        "created_at": now.isoformat(),
        **asdict(report),
        **expiry_fields(clock.epoch(now + RUN_RECORD_KEPT)),
    }


def run_segment(month: str) -> str:
    return f"reconciliation_run#{month}"


def runs_in(store: Store, month: str) -> list[tuple[datetime, ReconciliationReport]]:
    """The runs of `month` (YYYY-MM), oldest first, each with its time: one Query on `by_segment`."""
    names = {f.name for f in fields(ReconciliationReport)}
    return [
        (
            datetime.fromisoformat(item["run_at"]),
            ReconciliationReport(**{k: plain(v) for k, v in item.items() if k in names}),
        )
        for item in store.query_index(SEGMENT_INDEX, "segment", run_segment(month))
    ]


def _purge(store: Store, keys: list[Item], now: int, report: ReconciliationReport) -> None:
    """Delete the items at `keys` that are still past expiry and not held, as a consistent read of
    each shows them (the index lags its table: an item refreshed or held meanwhile is spared).
    A batch write takes no condition: a change made in the milliseconds between that read and the
    delete is not seen (the conditional single deletes this replaces had no such window: the price
    of 25 deletes per call)."""
    if not keys:
        return
    current = store.get_many([(k["pk"], k["sk"]) for k in keys], RECHECKED_FIELDS, include_expired=True)
    expired = [
        i for i in current.values() if "holds" not in i and "expires_at" in i and int(i["expires_at"]) <= now
    ]
    store.delete_many([(i["pk"], i["sk"]) for i in expired])
    report.items_purged += len(expired)
    for item in expired:
        purpose = str(item.get("purpose", "unknown"))
        report.purged_by_purpose[purpose] = report.purged_by_purpose.get(purpose, 0) + 1


def purge_orphan_objects(
    store: Store, objects: ObjectStore, bucket: str, owner_exists: Callable[[Store, str], bool]
) -> int:
    """Documents whose professional no longer exists (expired archive, erased) are deleted."""
    orphans: list[str] = []
    for pro_id, keys in objects.owners(bucket, DOCUMENTS_PREFIX).items():
        if not owner_exists(store, pro_id):
            orphans.extend(keys)
    return objects.delete_keys(bucket, orphans) if orphans else 0
