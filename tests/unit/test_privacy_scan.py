"""privacy_scan: everything held about a subject key, by store and purpose, from one subject-index Query."""

from __future__ import annotations

from typing import Any

from jaqe.privacy.scan import scan_subject


class FakeStore:
    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.queries = 0

    def by_subject(self, subject_key: str, *, include_expired: bool = False) -> list[dict[str, Any]]:
        self.queries += 1
        return [i for i in self.items if i.get("subject_key") == subject_key]


class FakeObjects:
    def __init__(self, keys: set[tuple[str, str]]) -> None:
        self.keys = keys

    def exists(self, bucket: str, key: str) -> bool:
        return (bucket, key) in self.keys


def item(pk: str, sk: str, item_type: str, purpose: str, **extra: Any) -> dict[str, Any]:
    return {"pk": pk, "sk": sk, "item_type": item_type, "purpose": purpose, "subject_key": "k1", **extra}


ITEMS = [
    item("LEAD#1", "LEAD", "lead", "quote_matching"),
    item("LEAD#1", "DISCLOSURE#p1", "disclosure", "quote_matching"),
    item("PRO#9", "DOC#d", "professional_document", "professional_listing", s3_key="pro/9/kbis.pdf"),
    item("RIGHTS#r", "EXPORT", "rights_export", "rights_requests", s3_key="exports/r/a.json"),
    {**item("CONTACT#2", "MESSAGE", "contact_message", "contact_requests"), "subject_key": "someone-else"},
]


def test_items_and_objects_are_listed_by_store_and_purpose_from_one_query():
    store = FakeStore(ITEMS)
    objects = FakeObjects({("docs", "pro/9/kbis.pdf")})

    scan = scan_subject(store, "k1", buckets={"documents": "docs", "exports": "exp"}, objects=objects)  # type: ignore[arg-type]

    assert store.queries == 1
    assert scan.by_store() == {"data_table": 4, "documents": 1}  # the export object is already gone
    by_purpose = scan.by_purpose()
    assert {e["item_type"] for e in by_purpose["quote_matching"]} == {"lead", "disclosure"}
    assert {
        "store": "documents",
        "item_type": "professional_document",
        "key": "pro/9/kbis.pdf",
    } in by_purpose["professional_listing"]
    assert scan.summary()["by_item_type"]["s3:documents"] == 1
    assert "contact_message" not in scan.item_types()


def test_c7_04_every_format_of_an_export_is_held_and_found_not_only_the_json():
    export = item(
        "RIGHTS#r",
        "EXPORT",
        "rights_export",
        "rights_requests",
        s3_key="exports/r/a.json",
        s3_keys={"json": "exports/r/a.json", "summary": "exports/r/b.txt"},
    )
    objects = FakeObjects({("exp", "exports/r/a.json"), ("exp", "exports/r/b.txt")})

    scan = scan_subject(FakeStore([export]), "k1", buckets={"exports": "exp"}, objects=objects)  # type: ignore[arg-type]

    assert sorted(o.key for o in scan.objects if o.exists) == ["exports/r/a.json", "exports/r/b.txt"]
