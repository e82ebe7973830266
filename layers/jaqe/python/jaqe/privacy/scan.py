"""Everything held about one subject key, by store and purpose: the basis of access and of erasure proof.

One Query on the subject index (`Store.by_subject`, never a table scan) finds the table items; the
S3 objects are those the items point at (`s3_key`): professional documents in the documents
bucket, access / portability exports in the exports bucket. Each object is checked in S3.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from jaqe.platform.objects import ObjectStore
from jaqe.platform.store import Item, Store

DATA_TABLE = "data_table"
# Which bucket an item's `s3_key` lives in, by item type.
OBJECT_BUCKETS = {"professional_document": "documents", "rights_export": "exports"}


@dataclass(frozen=True)
class HeldObject:
    store: str  # "documents" | "exports"
    bucket: str
    key: str
    purpose: str
    item_type: str
    exists: bool


@dataclass
class SubjectScan:
    subject_key: str
    items: list[Item] = field(default_factory=list)
    objects: list[HeldObject] = field(default_factory=list)

    def by_store(self) -> dict[str, int]:
        counts: Counter[str] = Counter({DATA_TABLE: len(self.items)} if self.items else {})
        counts.update(o.store for o in self.objects if o.exists)
        return dict(counts)

    def by_purpose(self) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in self.items:
            grouped[str(item.get("purpose", "unknown"))].append(
                {
                    "store": DATA_TABLE,
                    "item_type": item.get("item_type", "unknown"),
                    "pk": item["pk"],
                    "sk": item["sk"],
                }
            )
        for obj in self.objects:
            if obj.exists:
                grouped[obj.purpose].append({"store": obj.store, "item_type": obj.item_type, "key": obj.key})
        return dict(grouped)

    def item_types(self) -> list[str]:
        return sorted({str(i.get("item_type", "unknown")) for i in self.items})

    def summary(self) -> dict[str, Any]:
        """Non-personal proof: counts per store and per purpose / item type."""
        per_type: Counter[str] = Counter(str(i.get("item_type", "unknown")) for i in self.items)
        per_type.update(f"s3:{o.store}" for o in self.objects if o.exists)
        return {"by_store": self.by_store(), "by_item_type": dict(per_type)}


def scan_subject(
    store: Store,
    subject_key: str,
    *,
    buckets: dict[str, str],
    objects: ObjectStore | None = None,
    include_expired: bool = True,
) -> SubjectScan:
    """Every item and S3 object held about `subject_key` (expired ones too: TTL lags by days)."""
    scan = SubjectScan(subject_key, store.by_subject(subject_key, include_expired=include_expired))
    for item in scan.items:
        key = item.get("s3_key")
        store_name = OBJECT_BUCKETS.get(str(item.get("item_type")))
        if not key or not store_name:
            continue
        bucket = str(item.get("s3_bucket") or buckets.get(store_name) or "")
        if not bucket:
            continue
        exists = objects.exists(bucket, str(key)) if objects else True
        scan.objects.append(
            HeldObject(
                store_name,
                bucket,
                str(key),
                str(item.get("purpose", "unknown")),
                str(item["item_type"]),
                exists,
            )
        )
    return scan
