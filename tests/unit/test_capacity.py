"""The capacity meter's rules (jaqe_dev.capacity), which the quote request budget test and `make bench`
count with: DynamoDB's item sizes, and what a write costs on the table and on each index."""

from __future__ import annotations

from jaqe_dev.capacity import Index, TableShape, cost_of_write, item_size

SHAPE = TableShape(
    ("pk", "sk"),
    (
        Index("by_subject", ("subject_key", "created_at"), "ALL"),
        Index("by_expiry", ("expiry_day", "expires_at"), "INCLUDE", ("purpose",)),
        Index("by_professional", ("pro_id", "disclosed_at"), "KEYS_ONLY"),
    ),
)


def s(value: str) -> dict:
    return {"S": value}


def test_item_size_counts_names_values_and_container_overhead():
    assert item_size({"pk": s("LEAD#1")}) == 2 + 6
    assert item_size({"n": {"N": "1234.50"}}) == 1 + (5 + 1) // 2 + 1  # 5 significant digits
    assert item_size({"ok": {"BOOL": True}, "no": {"NULL": True}}) == 3 + 3
    assert item_size({"l": {"L": [s("ab"), s("c")]}}) == 1 + 3 + (1 + 2) + (1 + 1)
    assert item_size({"m": {"M": {"k": s("v")}}}) == 1 + 3 + 1 + 1 + 1
    assert item_size({"é": s("é")}) == 2 + 2  # UTF-8 bytes


def test_a_put_costs_one_unit_per_started_kilobyte_on_the_table_and_on_each_index_it_lands_in():
    item = {
        "pk": s("LEAD#1"),
        "sk": s("LEAD"),
        "subject_key": s("k"),
        "created_at": s("2026"),
        "expiry_day": s("2029-01-01"),
        "expires_at": {"N": "1861920000"},
        "purpose": s("quote_matching"),
        "text": s("x" * 1500),
    }
    table, indexes = cost_of_write(SHAPE, None, item, 1)
    # ALL projects the 1.5 KB item; INCLUDE only keys and the purpose; no pro_id: not in by_professional.
    assert (table, indexes) == (2, {"by_subject": 2, "by_expiry": 1})
    assert cost_of_write(SHAPE, None, item, 2) == (4, {"by_subject": 4, "by_expiry": 2})  # a transaction
    assert cost_of_write(SHAPE, item, None, 1) == (2, {"by_subject": 2, "by_expiry": 1})  # its delete


def test_an_update_costs_an_index_only_what_changes_in_its_entry():
    before = {"pk": s("P"), "sk": s("D"), "pro_id": s("p1"), "disclosed_at": s("t1"), "seen": s("no")}
    unseen_change = {**before, "seen": s("yes")}
    assert cost_of_write(SHAPE, before, unseen_change, 1) == (1, {})  # KEYS_ONLY: entry unchanged
    moved = {**before, "disclosed_at": s("t2")}
    assert cost_of_write(SHAPE, before, moved, 1) == (1, {"by_professional": 2})  # key moved: delete + put
