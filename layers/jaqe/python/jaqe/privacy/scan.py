"""Everything held about one subject key, by store and purpose: the basis of access and of erasure proof.

It walks the stores the data inventory (`jaqe.privacy.inventory`) marks as reachable: one Query on
the subject index (`Store.by_subject`, never a table scan) finds the table items; the S3 objects
are those the items point at (`s3_key`), in the bucket the inventory names for their item type;
a professional's login is the one named by the profile's address. Each is checked where it lives,
and what a hold keeps (`jaqe.privacy.holds`) says so: the item's `holds`, the object's legal hold
as S3 reports it.
The other stores hold ids and subject keys only, or nothing reachable by person (the inventory
says which and for how long).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from jaqe.platform.cognito import Logins
from jaqe.platform.objects import ObjectStore
from jaqe.platform.store import Item, Store
from jaqe.privacy.inventory import INVENTORY, Reach, bucket_of

DATA_TABLE = "data_table"
LOGINS = "professional_logins"


@dataclass(frozen=True)
class HeldObject:
    store: str  # "documents" | "exports"
    bucket: str
    key: str
    purpose: str
    item_type: str
    exists: bool
    legal_hold: bool = False  # S3 Object Lock legal hold on its current version (a hold keeps it)


@dataclass(frozen=True)
class HeldLogin:
    """A professional's login (its username is the profile's address)."""

    username: str
    profile_pk: str
    exists: bool


@dataclass
class SubjectScan:
    subject_key: str
    items: list[Item] = field(default_factory=list)
    objects: list[HeldObject] = field(default_factory=list)
    logins: list[HeldLogin] = field(default_factory=list)

    def by_store(self) -> dict[str, int]:
        counts: Counter[str] = Counter({DATA_TABLE: len(self.items)} if self.items else {})
        counts.update(o.store for o in self.objects if o.exists)
        counts.update(LOGINS for login in self.logins if login.exists)
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

    def by_inventory(self) -> list[dict[str, Any]]:
        """Every store of the data inventory: how this person is reached there, and what was found
        (reachable stores), or why nothing personal can be there (the others)."""
        counts = self.by_store()
        return [
            {
                "store": entry.id,
                "kind": entry.kind.value,
                "reach": entry.reach.value,
                **({"held": counts.get(entry.id, 0)} if entry.reachable else {"holds": entry.holds}),
            }
            for entry in INVENTORY.values()
        ]

    def held(self) -> dict[str, Any]:
        """What holds keep past its retention: items by purpose, and objects under a legal hold."""
        per_purpose: Counter[str] = Counter(
            str(i.get("purpose", "unknown")) for i in self.items if i.get("holds")
        )
        return {
            "items": sum(per_purpose.values()),
            "by_purpose": dict(sorted(per_purpose.items())),
            "objects_under_legal_hold": sum(1 for o in self.objects if o.exists and o.legal_hold),
        }

    def item_types(self) -> list[str]:
        return sorted({str(i.get("item_type", "unknown")) for i in self.items})

    def summary(self) -> dict[str, Any]:
        """Non-personal proof: counts per store and per purpose / item type."""
        per_type: Counter[str] = Counter(str(i.get("item_type", "unknown")) for i in self.items)
        per_type.update(f"s3:{o.store}" for o in self.objects if o.exists)
        per_type.update(f"login:{LOGINS}" for login in self.logins if login.exists)
        return {"by_store": self.by_store(), "by_item_type": dict(per_type)}


def scan_subject(
    store: Store,
    subject_key: str,
    *,
    buckets: dict[str, str],
    objects: ObjectStore | None = None,
    logins: Logins | None = None,
    include_expired: bool = True,
) -> SubjectScan:
    """Every item, S3 object and login held about `subject_key`, store by store as the inventory
    lists them (expired items too: TTL lags by days). Without `objects` / `logins`, what the items
    point at is reported as present (the scan then only reads the table)."""
    scan = SubjectScan(subject_key)
    for entry in INVENTORY.values():
        if entry.reach is Reach.SUBJECT_INDEX:
            scan.items += store.by_subject(subject_key, include_expired=include_expired)
    for item in scan.items:
        item_type = str(item.get("item_type"))
        store_id = bucket_of(item_type) or ""
        bucket = str(item.get("s3_bucket") or buckets.get(store_id) or "") if store_id else ""
        # An export has one object per format (`s3_keys`); a document one (`s3_key`).
        keys = {str(k) for k in (item.get("s3_keys") or {}).values()} | (
            {str(item["s3_key"])} if item.get("s3_key") else set()
        )
        for key in sorted(keys) if bucket else ():
            exists = objects.exists(bucket, key) if objects else True
            purpose = str(item.get("purpose", "unknown"))
            # As S3 reports it; without `objects`, as the held item says (like `exists`).
            locked = (
                bool(item.get("holds")) and exists and (objects.legal_hold(bucket, key) if objects else True)
            )
            scan.objects.append(HeldObject(store_id, bucket, key, purpose, item_type, exists, locked))
        username = (item.get("contact") or {}).get("email") if item_type == "professional" else None
        if username:
            exists = logins.exists(str(username)) if logins else True
            scan.logins.append(HeldLogin(str(username), str(item["pk"]), exists))
    return scan
