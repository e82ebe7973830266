"""Each data store names its entry of the data inventory (`jaqe.privacy.inventory`) in a tag.

tests/infra/test_data_inventory.py fails when a stack holds a table, bucket, queue, state machine,
user pool or log group without this tag, or with a tag the inventory does not know.
"""

from __future__ import annotations

from aws_cdk import Tags
from constructs import IConstruct
from jaqe.privacy.inventory import INVENTORY, INVENTORY_TAG


def inventoried(resource: IConstruct, store_id: str) -> None:
    """Tag `resource` (only the resource of the entry's kind, not its role or policy) as `store_id`."""
    entry = INVENTORY[store_id]  # an unknown id fails the synthesis
    Tags.of(resource).add(INVENTORY_TAG, store_id, include_resource_types=[entry.kind.value])
