"""Holds' pure rules: which items a hold reaches, what the update it writes does, the grounds field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jaqe.platform import clock
from jaqe.privacy.holds import NOT_HELD, _hold_action, _release_action, holds_entry
from jaqe.privacy.inventory import ITEM_FAMILIES
from jaqe.privacy.register import LegalBasis, PurposeId, purpose
from jaqe.rights.model import RightsRequestFields
from pydantic import ValidationError

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
PAST = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())
LATER = int(datetime(2029, 1, 1, tzinfo=UTC).timestamp())


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(NOW)
    yield
    clock.reset()


def test_every_item_type_left_out_of_holds_is_an_inventory_family_with_a_reason():
    assert set(NOT_HELD) <= set(ITEM_FAMILIES) and all(NOT_HELD.values())


def test_the_hold_record_has_a_legal_basis_and_a_retention_that_runs_from_its_lifting():
    record = purpose(PurposeId.LEGAL_HOLDS)
    assert record.legal_bases == (LegalBasis.LEGAL_OBLIGATION,) and not record.in_policy
    assert "levée" in record.retention.text_fr and record.retention.open_ended_until_anchor
    assert ITEM_FAMILIES["legal_hold"].purposes == (PurposeId.LEGAL_HOLDS,)


def test_holding_sets_the_expiry_aside_guarded_by_the_expiry_read():
    action = _hold_action({"pk": "LEAD#1", "sk": "LEAD", "expires_at": PAST}, "hold_a")

    assert action["UpdateExpression"].startswith("SET holds = list_append")
    assert "held_expires_at = :e" in action["UpdateExpression"]
    assert "REMOVE expires_at, expiry_day" in action["UpdateExpression"]
    assert "expires_at = :e" in action["ConditionExpression"]
    assert action["ExpressionAttributeValues"][":e"] == PAST


def test_releasing_the_last_hold_gives_back_a_passed_expiry_under_today():
    item = {"pk": "LEAD#1", "sk": "LEAD", "held_expires_at": PAST, "holds": ["hold_a"]}

    action = _release_action(item, "hold_a")

    assert action is not None
    assert action["ExpressionAttributeValues"][":e"] == PAST
    assert action["ExpressionAttributeValues"][":d"] == "2027-06-01"  # where the next run looks
    assert "REMOVE holds, held_expires_at" in action["UpdateExpression"]


def test_releasing_keeps_a_future_expiry_day_and_a_clock_a_writer_set_meanwhile():
    future = _release_action({"pk": "A", "sk": "B", "held_expires_at": LATER, "holds": ["h"]}, "h")
    rewritten = _release_action(
        {"pk": "A", "sk": "B", "held_expires_at": PAST, "expires_at": LATER, "holds": ["h"]}, "h"
    )

    assert future is not None and future["ExpressionAttributeValues"][":d"] == "2029-01-01"
    assert rewritten is not None and ":e" not in rewritten["ExpressionAttributeValues"]
    assert rewritten["UpdateExpression"] == "REMOVE holds, held_expires_at"


def test_releasing_one_of_two_holds_only_takes_that_one_off():
    action = _release_action({"pk": "A", "sk": "B", "held_expires_at": PAST, "holds": ["h1", "h2"]}, "h2")

    assert action is not None and action["UpdateExpression"] == "REMOVE holds[1]"
    assert _release_action({"pk": "A", "sk": "B", "holds": ["h1"]}, "h2") is None


def test_the_holds_entry_lists_active_holds_with_reason_and_since():
    items = [
        {
            "item_type": "legal_hold",
            "hold_id": "h2",
            "status": "active",
            "reason": "b",
            "placed_at": "2027-02",
        },
        {
            "item_type": "legal_hold",
            "hold_id": "h1",
            "status": "active",
            "reason": "a",
            "placed_at": "2027-01",
        },
        {
            "item_type": "legal_hold",
            "hold_id": "h0",
            "status": "lifted",
            "reason": "c",
            "placed_at": "2026-01",
        },
        {"item_type": "lead", "holds": ["h1"]},
    ]

    assert [(h["hold_id"], h["reason"], h["since"]) for h in holds_entry(items)] == [
        ("h1", "a", "2027-01"),
        ("h2", "b", "2027-02"),
    ]


def test_c7_05_grounds_are_for_a_restriction_only_and_one_of_the_four_cases():
    assert RightsRequestFields(type="restriction", grounds="legal_claims").params() == {
        "grounds": "legal_claims"
    }
    for bad in ({"type": "access", "grounds": "legal_claims"}, {"type": "restriction", "grounds": "autre"}):
        with pytest.raises(ValidationError):
            RightsRequestFields.model_validate(bad)
