"""The data inventory names every place personal data can land, and the stacks hold no other (C7-04).

Each table, bucket, queue, state machine, user pool and log group carries the `jaqe:inventory` tag
naming its entry (infra/constructs/inventory.py); an untagged or unknown one is a store nobody
has said how access and erasure reach.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jaqe.privacy.inventory import INVENTORY, INVENTORY_TAG, StoreKind

pytestmark = pytest.mark.infra

DATA_STORE_TYPES = {kind.value for kind in StoreKind if kind is not StoreKind.BACKUP}


@pytest.fixture(scope="module")
def templates(cdk_out: Path) -> dict[str, dict[str, Any]]:
    return {
        name: json.loads((cdk_out / f"{name}.template.json").read_text())
        for name in ("JaqeMain", "JaqeInbound")
    }


def inventory_tag(resource: dict[str, Any]) -> str | None:
    properties = resource.get("Properties", {})
    tags = properties.get("UserPoolTags") or properties.get("Tags") or []
    if isinstance(tags, dict):
        return tags.get(INVENTORY_TAG)
    return next((t["Value"] for t in tags if t["Key"] == INVENTORY_TAG), None)


def stores_outside_the_inventory(template: dict[str, Any]) -> list[str]:
    """Logical ids of data stores with no inventory entry, or an entry of another kind."""
    return [
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] in DATA_STORE_TYPES
        and (
            (entry := INVENTORY.get(inventory_tag(resource) or "")) is None
            or entry.kind.value != resource["Type"]
        )
    ]


def test_c7_04_every_data_store_of_both_stacks_is_an_inventory_entry(templates):
    for name, template in templates.items():
        assert stores_outside_the_inventory(template) == [], name


def test_c7_04_every_inventory_entry_exists_in_a_stack(templates):
    tagged = {
        inventory_tag(resource)
        for template in templates.values()
        for resource in template["Resources"].values()
        if resource["Type"] in DATA_STORE_TYPES
    }
    expected = {s.id for s in INVENTORY.values() if s.kind is not StoreKind.BACKUP}
    assert expected - tagged == set()


def test_c7_04_a_new_bucket_without_an_inventory_entry_fails_this_check(templates):
    template = copy.deepcopy(templates["JaqeMain"])
    template["Resources"]["NewUploads"] = {"Type": "AWS::S3::Bucket", "Properties": {}}
    template["Resources"]["MistakenQueue"] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {"Tags": [{"Key": INVENTORY_TAG, "Value": "documents"}]},  # a bucket's entry
    }
    assert stores_outside_the_inventory(template) == ["NewUploads", "MistakenQueue"]


def test_c7_04_the_table_is_recoverable_for_the_window_the_inventory_states(templates):
    [table] = [r for r in templates["JaqeMain"]["Resources"].values() if inventory_tag(r) == "data_table"]
    recovery = table["Properties"]["PointInTimeRecoverySpecification"]
    assert recovery["PointInTimeRecoveryEnabled"]
    days = recovery.get("RecoveryPeriodInDays", 35)  # AWS's default window
    assert INVENTORY["point_in_time_recovery"].retention == f"{days} days"
