"""Retention that enforces itself: cascades after deletions, and the daily reconciliation.

DynamoDB TTL deletes an item once `expires_at` has passed (reads already treat it as absent).
What hangs from a deleted item goes with it (`dependents`): the disclosures of a lead, the
documents, listing entries and S3 objects of a professional. Reconciliation purges what TTL
has not removed yet, day by day through the `by_expiry` index, and S3 objects whose owner
no longer exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from jaqe.platform import clock
from jaqe.platform.objects import DOCUMENTS_PREFIX, ObjectStore
from jaqe.platform.store import EXPIRY_INDEX, Item, Store, expiry_fields
from jaqe.privacy.register import PurposeId, purpose

TTL_PRINCIPAL = "dynamodb.amazonaws.com"
WATERMARK = ("SYSTEM#reconciliation", "WATERMARK")
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


def dependents(deleted: Item, store: Store) -> Dependents:
    """What must go when `deleted` has gone (found by key, never by a table scan)."""
    found = Dependents()
    item_type = deleted.get("item_type")
    if item_type == "lead":
        found.items = [(i["pk"], i["sk"]) for i in store.query(deleted["pk"], "DISCLOSURE#")]
    elif item_type == "professional":
        pro_id = deleted["pk"].removeprefix("PRO#")
        found.items = [(i["pk"], i["sk"]) for i in store.query(deleted["pk"]) if i["sk"] != "PROFILE"]
        found.items += [
            (f"LISTING#{trade}#{area}", f"PRO#{pro_id}")
            for trade in deleted.get("trades", [])
            for area in deleted.get("service_areas", [])
        ]
        found.object_prefixes = [f"{DOCUMENTS_PREFIX}{pro_id}/"]
    elif item_type == "professional_document" and deleted.get("s3_key"):
        found.object_prefixes = [deleted["s3_key"]]
    return found


@dataclass
class CascadeResult:
    items_deleted: int = 0
    objects_deleted: int = 0


def cascade(deleted: Item, store: Store, objects: ObjectStore | None, bucket: str = "") -> CascadeResult:
    found = dependents(deleted, store)
    for pk, sk in found.items:
        store.delete(pk, sk)
    removed = 0
    if objects is not None and bucket:
        removed = sum(objects.delete_prefix(bucket, prefix) for prefix in found.object_prefixes)
    return CascadeResult(len(found.items), removed)


def days_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@dataclass
class ReconciliationReport:
    days_checked: int = 0
    items_purged: int = 0
    orphan_objects_deleted: int = 0
    purged_by_purpose: dict[str, int] = field(default_factory=dict)


def reconcile(
    store: Store, objects: ObjectStore | None, bucket: str = "", now: datetime | None = None
) -> ReconciliationReport:
    now = now or clock.now()
    report = ReconciliationReport()
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
    if objects is not None and bucket:
        report.orphan_objects_deleted = purge_orphan_objects(store, objects, bucket)
    return report


def purge_orphan_objects(store: Store, objects: ObjectStore, bucket: str) -> int:
    """Documents whose professional no longer exists (expired archive, erased) are deleted."""
    orphans: list[str] = []
    for pro_id, keys in objects.owners(bucket, DOCUMENTS_PREFIX).items():
        if store.get(f"PRO#{pro_id}", "PROFILE") is None:
            orphans.extend(keys)
    return objects.delete_keys(bucket, orphans) if orphans else 0
