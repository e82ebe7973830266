"""Retention that enforces itself: cascades after deletions, and the daily reconciliation.

DynamoDB TTL deletes an item once `expires_at` has passed (reads already treat it as absent).
What hangs from a deleted item goes with it (`dependents`): the disclosures of a lead, the
documents, listing entries and S3 objects of a professional. Reconciliation purges what TTL
has not removed yet, day by day through the `by_expiry` index, and S3 objects whose owner
no longer exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from jaqe import clock
from jaqe.store import EXPIRY_INDEX, Item, Store

TTL_PRINCIPAL = "dynamodb.amazonaws.com"
DOCUMENTS_PREFIX = "professionals/"
WATERMARK = ("SYSTEM#reconciliation", "WATERMARK")
# On the first run, look this far back for items TTL may have missed.
FIRST_RUN_LOOKBACK_DAYS = 30


class ObjectStore(Protocol):
    def delete_prefix(self, prefix: str) -> int: ...

    def owners(self, prefix: str) -> dict[str, list[str]]: ...

    def delete_keys(self, keys: list[str]) -> int: ...


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


def cascade(deleted: Item, store: Store, objects: ObjectStore | None) -> CascadeResult:
    found = dependents(deleted, store)
    for pk, sk in found.items:
        store.delete(pk, sk)
    removed = 0
    if objects is not None:
        removed = sum(objects.delete_prefix(prefix) for prefix in found.object_prefixes)
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


def reconcile(store: Store, objects: ObjectStore | None, now: datetime | None = None) -> ReconciliationReport:
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
    if objects is not None:
        report.orphan_objects_deleted = purge_orphan_objects(store, objects)
    return report


def purge_orphan_objects(store: Store, objects: ObjectStore) -> int:
    """Documents whose professional no longer exists (expired archive, erased) are deleted."""
    orphans: list[str] = []
    for pro_id, keys in objects.owners(DOCUMENTS_PREFIX).items():
        if store.get(f"PRO#{pro_id}", "PROFILE") is None:
            orphans.extend(keys)
    return objects.delete_keys(orphans) if orphans else 0


class S3Objects:
    """The documents bucket, as cascades and reconciliation need it."""

    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    @property
    def _s3(self) -> Any:
        from jaqe import aws

        return aws.client("s3")

    def _keys(self, prefix: str) -> Iterable[tuple[str, str]]:
        paginator = self._s3.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for version in page.get("Versions", []) + page.get("DeleteMarkers", []):
                yield version["Key"], version["VersionId"]

    def delete_prefix(self, prefix: str) -> int:
        return self._delete(list(self._keys(prefix)))

    def delete_keys(self, keys: list[str]) -> int:
        wanted = set(keys)
        prefixes = {k.rsplit("/", 1)[0] + "/" for k in keys}
        versions = [v for p in prefixes for v in self._keys(p) if v[0] in wanted]
        return self._delete(versions)

    def owners(self, prefix: str) -> dict[str, list[str]]:
        owners: dict[str, list[str]] = {}
        for key, _ in self._keys(prefix):
            owner = key.removeprefix(prefix).split("/", 1)[0]
            owners.setdefault(owner, []).append(key)
        return owners

    def _delete(self, versions: list[tuple[str, str]]) -> int:
        # Every version goes: a versioned bucket would otherwise keep the document.
        for start in range(0, len(versions), 1000):
            chunk = versions[start : start + 1000]
            self._s3.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": k, "VersionId": v} for k, v in chunk], "Quiet": True},
            )
        return len({k for k, _ in versions})
