"""The retention cascade is invoked only for removals something hangs from (C3-03, C3-07): its
stream mapping's filter, as deployed, and as the local stack applies it (jaqe_dev.lambdas.matches)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jaqe_dev.lambdas import matches

pytestmark = pytest.mark.infra


def removal(item_type: str, event: str = "REMOVE") -> dict[str, Any]:
    return {"eventName": event, "dynamodb": {"OldImage": {"item_type": {"S": item_type}, "pk": {"S": "X"}}}}


@pytest.fixture(scope="module")
def patterns(template: dict[str, Any]) -> list[dict[str, Any]]:
    [mapping] = [
        r["Properties"]
        for logical_id, r in template["Resources"].items()
        if r["Type"] == "AWS::Lambda::EventSourceMapping" and "RetentionCascade" in logical_id
    ]
    return [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]


@pytest.mark.parametrize("item_type", ["lead", "professional", "professional_document"])
def test_the_removal_of_an_item_with_dependents_reaches_the_cascade(patterns, item_type):
    assert any(matches(p, removal(item_type)) for p in patterns)


@pytest.mark.parametrize(
    "record",
    [removal("outgoing_mail"), removal("token"), removal("lead", "INSERT"), removal("lead", "MODIFY")],
)
def test_other_writes_never_invoke_the_cascade(patterns, record):
    assert not any(matches(p, record) for p in patterns)
