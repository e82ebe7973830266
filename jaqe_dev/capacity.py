"""DynamoDB capacity units of what functions do on the local stack, as AWS would bill them on demand.

moto does not count capacity (ReturnConsumedCapacity comes back without units), so the meter computes
them from DynamoDB's published rules, on the table definitions of the synthesised template:

- an item's size is the UTF-8 length of its attribute names plus its values (a string its UTF-8
  length, a number one byte per two significant digits plus one, a boolean or null one byte, a list
  or map 3 bytes plus one byte per element plus the elements);
- a write costs one unit per started 1 KB of the item (for an update or a replacement, the larger of
  its image before and after; for a delete, the image deleted); a transaction costs twice that;
- each global secondary index that holds the item costs one more write of the index entry, sized as
  the table and index keys, the attributes the index projects (all of them for ALL) and 100 bytes;
  an update costs the index nothing when the item stays out of it, or keeps its key and every
  projected attribute unchanged; it costs two writes when the index key changes (delete and put);
- a read costs one unit per started 4 KB for a consistent read, half a unit when eventually
  consistent, twice for a transactional read; a Query sums the sizes of the items it returns.

Every DynamoDB call made while `CapacityMeter.measuring` is active, on any client (the functions'
and Powertools' own), goes through the meter: it reads the item's images before and after each write
through moto directly, which no count sees.
"""

from __future__ import annotations

import base64
import json
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

INDEX_ENTRY_OVERHEAD = 100
WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096
READ_OPERATIONS = ("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems")

Typed = dict[str, Any]  # an item in DynamoDB's wire format ({"name": {"S": "..."}})


def value_size(value: Typed) -> int:
    [(kind, content)] = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        digits = Decimal(content).normalize().as_tuple().digits
        return (len(digits) + 1) // 2 + 1
    if kind == "B":
        return len(base64.b64decode(content)) if isinstance(content, str) else len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in content)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + value_size(v) for k, v in content.items())
    if kind == "SS":
        return sum(len(s.encode()) for s in content)
    if kind == "NS":
        return sum(value_size({"N": n}) for n in content)
    return sum(value_size({"B": b}) for b in content)  # BS


def item_size(item: Typed) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


@dataclass(frozen=True)
class Index:
    name: str
    keys: tuple[str, ...]
    projection: str  # ALL | KEYS_ONLY | INCLUDE
    included: tuple[str, ...] = ()

    def holds(self, item: Typed | None) -> bool:
        return item is not None and all(k in item for k in self.keys)

    def entry(self, item: Typed, table_keys: tuple[str, ...]) -> Typed:
        if self.projection == "ALL":
            return item
        names = {*table_keys, *self.keys, *self.included}
        return {k: v for k, v in item.items() if k in names}


@dataclass(frozen=True)
class TableShape:
    keys: tuple[str, ...]
    indexes: tuple[Index, ...]


def table_shapes(tables: dict[str, dict[str, Any]], names: dict[str, str]) -> dict[str, TableShape]:
    """Each table's keys and indexes from the template (`AWS::DynamoDB::Table` properties by logical
    id), under its physical name."""
    shapes = {}
    for logical_id, props in tables.items():
        indexes = tuple(
            Index(
                index["IndexName"],
                tuple(k["AttributeName"] for k in index["KeySchema"]),
                index["Projection"].get("ProjectionType", "ALL"),
                tuple(index["Projection"].get("NonKeyAttributes", ())),
            )
            for index in props.get("GlobalSecondaryIndexes", [])
        )
        shapes[names[logical_id]] = TableShape(tuple(k["AttributeName"] for k in props["KeySchema"]), indexes)
    return shapes


def write_units(size: int) -> int:
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


@dataclass
class Write:
    """One item written: by which function, which kind of item, and the units of each place it lands."""

    function: str
    operation: str
    kind: str
    key: tuple[str, ...]  # the item's table key values
    table: float
    indexes: dict[str, float] = field(default_factory=dict)

    @property
    def units(self) -> float:
        return self.table + sum(self.indexes.values())


@dataclass
class Read:
    function: str
    operation: str
    target: str  # the index queried, or the kind of item read
    units: float


def _unchanged_in(index: Index, shape: TableShape, before: Typed, after: Typed) -> bool:
    return index.entry(before, shape.keys) == index.entry(after, shape.keys)


def cost_of_write(
    shape: TableShape, before: Typed | None, after: Typed | None, factor: int
) -> tuple[float, dict[str, float]]:
    """Units of one item going from `before` to `after` (None: absent) on the table and each index."""
    table = factor * write_units(max(item_size(before or {}), item_size(after or {})))
    indexes: dict[str, float] = {}
    for index in shape.indexes:
        was, now = index.holds(before), index.holds(after)
        if not (was or now):
            continue
        old_entry = index.entry(before, shape.keys) if was and before else None
        new_entry = index.entry(after, shape.keys) if now and after else None
        if old_entry is not None and new_entry is not None:
            if all(old_entry.get(k) == new_entry.get(k) for k in index.keys):
                if _unchanged_in(index, shape, before or {}, after or {}):
                    continue  # the index entry stays as it was
                entries = [new_entry]
            else:
                entries = [old_entry, new_entry]  # the key moved: delete, then put
        else:
            entries = [old_entry or new_entry or {}]
        indexes[index.name] = factor * sum(write_units(item_size(e) + INDEX_ENTRY_OVERHEAD) for e in entries)
    return table, indexes


def kind_of(item: Typed | None, table: str, shape: TableShape) -> str:
    if item and "item_type" in item:
        return str(next(iter(item["item_type"].values())))
    return "idempotency record" if shape.keys == ("id",) else f"item of {table}"


class CapacityMeter:
    """Counts the units of every DynamoDB call made inside `measuring()`, by function (`function_of`
    names the one running, None outside any: seeds and the harness are not counted)."""

    def __init__(self, shapes: dict[str, TableShape], function_of: Callable[[], str | None]) -> None:
        self.shapes = shapes
        self.function_of = function_of
        self.writes: list[Write] = []
        self.reads: list[Read] = []
        self._local = threading.local()
        self._raw_clients: dict[tuple[str, str], Any] = {}

    @property
    def write_units(self) -> float:
        return sum(w.units for w in self.writes)

    @property
    def read_calls(self) -> int:
        return len(self.reads)

    @property
    def read_units(self) -> float:
        return sum(r.units for r in self.reads)

    def reset(self) -> None:
        self.writes, self.reads = [], []

    @contextmanager
    def measuring(self) -> Iterator[CapacityMeter]:
        from botocore.client import BaseClient

        original = BaseClient._make_request  # type: ignore[attr-defined]
        meter = self

        def make_request(client: Any, operation_model: Any, request_dict: Any, request_context: Any) -> Any:
            function = meter.function_of()
            if (
                getattr(meter._local, "busy", False)
                or function is None
                or client.meta.service_model.service_name != "dynamodb"
            ):
                return original(client, operation_model, request_dict, request_context)
            body = json.loads(request_dict.get("body") or b"{}")
            meter._local.busy = True
            try:
                before = meter._images(client, operation_model.name, body)
            finally:
                meter._local.busy = False
            http, parsed = original(client, operation_model, request_dict, request_context)
            if "Error" not in parsed or parsed["Error"].get("Code") != "ConditionalCheckFailedException":
                meter._local.busy = True
                try:
                    meter._count(client, function, operation_model.name, body, before, parsed)
                finally:
                    meter._local.busy = False
            return http, parsed

        BaseClient._make_request = make_request  # type: ignore[attr-defined]
        try:
            yield self
        finally:
            BaseClient._make_request = original  # type: ignore[attr-defined]

    def _targets(self, operation: str, body: dict[str, Any]) -> list[tuple[str, Typed, Typed | None, int]]:
        """(table, key, item put or None, factor) of each item a write request touches."""
        if operation == "PutItem":
            return [(body["TableName"], body["Item"], body["Item"], 1)]
        if operation in ("UpdateItem", "DeleteItem"):
            return [(body["TableName"], body["Key"], None, 1)]
        if operation == "BatchWriteItem":
            return [
                (table, r["PutRequest"]["Item"], r["PutRequest"]["Item"], 1)
                if "PutRequest" in r
                else (table, r["DeleteRequest"]["Key"], None, 1)
                for table, requests in body["RequestItems"].items()
                for r in requests
            ]
        if operation == "TransactWriteItems":
            targets = []
            for action in body["TransactItems"]:
                [(kind, detail)] = action.items()
                if kind == "ConditionCheck":
                    continue
                targets.append(
                    (detail["TableName"], detail.get("Key") or detail["Item"], detail.get("Item"), 2)
                )
            return targets
        return []

    def _key(self, table: str, item: Typed) -> Typed:
        return {k: item[k] for k in self.shapes[table].keys}

    def _get(self, client: Any, table: str, key: Typed) -> Typed | None:
        item: Typed | None = client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        return item

    def _raw(self, client: Any) -> Any:
        """A low-level client on the same endpoint (Table resources' clients deserialise answers)."""
        import boto3

        endpoint = (client.meta.region_name, client.meta.endpoint_url)
        if endpoint not in self._raw_clients:
            self._raw_clients[endpoint] = boto3.session.Session().client(
                "dynamodb", region_name=endpoint[0], endpoint_url=endpoint[1]
            )
        return self._raw_clients[endpoint]

    def _images(self, client: Any, operation: str, body: dict[str, Any]) -> list[Typed | None]:
        targets = self._targets(operation, body)
        if not targets:
            return []
        raw = self._raw(client)
        return [self._get(raw, table, self._key(table, key)) for table, key, _, _ in targets]

    def _count(
        self,
        client: Any,
        function: str,
        operation: str,
        body: dict[str, Any],
        before: list[Typed | None],
        parsed: dict[str, Any],
    ) -> None:
        if operation in READ_OPERATIONS:
            self.reads.append(self._read(function, operation, body, parsed))
            return
        targets = self._targets(operation, body)
        if not targets:
            return
        raw = self._raw(client)
        for (table, key, _, factor), old in zip(targets, before, strict=True):
            new = self._get(raw, table, self._key(table, key))
            shape = self.shapes[table]
            table_units, index_units = cost_of_write(shape, old, new, factor)
            item_key = tuple(str(next(iter(v.values()))) for v in self._key(table, key).values())
            self.writes.append(
                Write(
                    function, operation, kind_of(new or old, table, shape), item_key, table_units, index_units
                )
            )

    def _read(self, function: str, operation: str, body: dict[str, Any], parsed: dict[str, Any]) -> Read:
        if operation == "GetItem":
            item = parsed.get("Item") or {}
            rate = 1.0 if body.get("ConsistentRead") else 0.5
            size, target = item_size(item), kind_of(item, body["TableName"], self.shapes[body["TableName"]])
        elif operation == "TransactGetItems":
            responses = [r.get("Item") or {} for r in parsed.get("Responses", [])]
            rate, size, target = 2.0, sum(map(item_size, responses)), "transaction"
        elif operation == "BatchGetItem":
            # Each item read is its own read, rounded up on its own.
            found = [(t, i) for t, items in parsed.get("Responses", {}).items() for i in items]
            units = sum(
                (1.0 if body["RequestItems"][t].get("ConsistentRead") else 0.5)
                * max(1, math.ceil(item_size(i) / READ_UNIT_BYTES))
                for t, i in found
            )
            return Read(function, operation, "items by key", units)
        else:
            items = parsed.get("Items", [])
            rate = 1.0 if body.get("ConsistentRead") else 0.5
            size, target = sum(map(item_size, items)), body.get("IndexName", "table")
        return Read(function, operation, target, rate * max(1, math.ceil(size / READ_UNIT_BYTES)))


def meter_local_stack(local: Any) -> CapacityMeter:
    """A meter on a `jaqe_dev.stack.LocalStack`: its tables as synthesised, and the function running
    named from the stack's invocations (nested ones: the innermost)."""
    running: list[str] = []
    lambdas = local.lambdas
    invoke = lambdas.invoke

    def invoke_named(logical_id: str, event: Any, **options: Any) -> Any:
        running.append(lambdas.specs[logical_id].name)
        try:
            return invoke(logical_id, event, **options)
        finally:
            running.pop()

    lambdas.invoke = invoke_named
    shapes = table_shapes(local.stack.of_type("AWS::DynamoDB::Table"), local.provisioned.names)
    return CapacityMeter(shapes, lambda: running[-1] if running else None)
