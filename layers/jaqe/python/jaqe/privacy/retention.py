"""Retention that enforces itself: cascades after deletions, and the daily reconciliation.

DynamoDB TTL deletes an item once `expires_at` has passed (reads already treat it as absent).
What hangs from a deleted item goes with it (`cascade`, given the owners' `dependents`): the
disclosures of a lead, the documents, listing entries and S3 objects of a professional. Reconciliation purges what TTL
has not removed yet, day by day through the `by_expiry` index, and S3 objects whose owner
no longer exists. Neither touches what a hold keeps (`jaqe.privacy.holds`): reconciliation
re-applies every active hold first, and a cascade spares held items (S3 refuses to delete a
version under a legal hold).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from jaqe.platform import clock
from jaqe.platform.objects import DOCUMENTS_PREFIX, ObjectStore
from jaqe.platform.store import EXPIRY_INDEX, SEGMENT_INDEX, Item, Store, expiry_fields, plain
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


@dataclass
class ReconciliationReport:
    days_checked: int = 0
    holds_applied: int = 0
    items_held: int = 0
    items_purged: int = 0
    orphan_objects_deleted: int = 0
    purged_by_purpose: dict[str, int] = field(default_factory=dict)


def reconcile(
    store: Store,
    objects: ObjectStore | None,
    bucket: str = "",
    owner_exists: Callable[[Store, str], bool] | None = None,
    now: datetime | None = None,
) -> ReconciliationReport:
    now = now or clock.now()
    report = ReconciliationReport()
    # Holds first: what was written for a held person since their hold was placed is held before
    # its time can run out (items leave the expiry index as they are held).
    held = Holds(store, objects, {"documents": bucket}).reapply()
    report.holds_applied, report.items_held = held.holds, held.items
    mark = store.get(*WATERMARK)
    first = (
        date.fromisoformat(mark["last_day"]) if mark else now.date() - timedelta(days=FIRST_RUN_LOOKBACK_DAYS)
    )
    for day in days_between(first, now.date()):
        report.days_checked += 1
        for key in store.query_index(EXPIRY_INDEX, "expiry_day", day.isoformat(), include_expired=True):
            if int(key["expires_at"]) > clock.epoch(now):
                continue  # expires later today
            item = store.take(
                key["pk"], key["sk"], where="expires_at <= :now", values={":now": clock.epoch(now)}
            )
            if item is not None:  # None: refreshed meanwhile (a new contact moved its expiry)
                report.items_purged += 1
                purpose = str(item.get("purpose", "unknown"))
                report.purged_by_purpose[purpose] = report.purged_by_purpose.get(purpose, 0) + 1
    # The watermark restarts at today: items expiring later today are caught tomorrow.
    store.put({"pk": WATERMARK[0], "sk": WATERMARK[1], "last_day": now.date().isoformat()})
    if objects is not None and bucket and owner_exists is not None:
        report.orphan_objects_deleted = purge_orphan_objects(store, objects, bucket, owner_exists)
    store.put(run_record(report, now))
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


def purge_orphan_objects(
    store: Store, objects: ObjectStore, bucket: str, owner_exists: Callable[[Store, str], bool]
) -> int:
    """Documents whose professional no longer exists (expired archive, erased) are deleted."""
    orphans: list[str] = []
    for pro_id, keys in objects.owners(bucket, DOCUMENTS_PREFIX).items():
        if not owner_exists(store, pro_id):
            orphans.extend(keys)
    return objects.delete_keys(bucket, orphans) if orphans else 0
