"""Data access: the one place that talks to DynamoDB.

Single-table design. Every item holding personal data carries:
- `subject_key`: reachable through the `by_subject` index (locating a person is a Query; the index
  projects keys and `SUBJECT_INDEX_ATTRIBUTES`, the items are then read by key);
- `purpose`: the register entry it is held for (`jaqe.privacy.retention.retention_fields`);
- `expires_at`: epoch seconds computed from that purpose's retention rule (DynamoDB TTL),
  mirrored as `expiry_day` for the `by_expiry` index that reconciliation queries.
Reads treat `expires_at <= now` as absent: TTL deletion lags by up to days.

Keys (pk / sk):
  CONTACT#<id>                MESSAGE               contact message
  SUBJECT#<subject_key>       CONSENT#<purpose>#..  consent event (append-only)
  SUBJECT#<subject_key>       FLAGS                 restriction / objections
  SUPPRESSION#<subject_key>   SUPPRESSION           suppression entry (subject key only)
  LEAD#<id>                   LEAD                  quote request (project + contact)
  LEAD#<id>                   DISCLOSURE#<pro_id>   what was shared with one professional (index by_professional)
  PRO#<id>                    PROFILE               professional profile (segment `professional#<status>`:
                                                    operators list them by status through by_segment)
  PRO#<id>                    INTERVENTION#<lead>   a delisted professional's intervention (archive, no consumer data)
  LISTING#<trade>#<dept>      PRO#<pro_id>          listing entry: present only while approved, listed and insured
  RIGHTS#<id>                 REQUEST | EXPORT | REVIEW  rights request (subject key only), its export, its parked operator step
  RIGHTS_INDEX#open|closed    <due_at>#<id>         rights requests by due date (no personal data)
  SUBJECT#<subject_key>       POST_MORTEM           post-mortem directives
  INCIDENT#<id>               INCIDENT | BATCH#<n> | DECISION  breach record (no personal data), batches of
                                                    subject keys to notify, the parked operator decision
  INCIDENTS#awaiting_cnil     <due_by>#<id>         incidents whose CNIL notification is still due
  SYSTEM#reconciliation       WATERMARK | RUN#<time>  the reconciliation's last day, and one record per run
                                                    (counts; segment `reconciliation_run#<YYYY-MM>`)
  MAIL#<mail_id>              MESSAGE               an outgoing email until sent (under the subject key of the
                                                    person it is about, 15 days at most; the queue names its id)
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

from botocore.exceptions import ClientError

from jaqe.platform import aws, clock
from jaqe.platform.errors import Conflict, TemporarilyUnavailable
from jaqe.platform.settings import DataSettings, get_settings

Item = dict[str, Any]

SUBJECT_INDEX = "by_subject"
EXPIRY_INDEX = "by_expiry"
PROFESSIONAL_INDEX = "by_professional"
SEGMENT_INDEX = "by_segment"
# What the subject index holds besides keys: what a quote request reads of the person's earlier items
# (their purpose and expiry, a restriction) without fetching them. Every other reader fetches the
# items by key; an index holding whole items would cost a write of every changed attribute.
SUBJECT_INDEX_ATTRIBUTES = ("item_type", "purpose", "expires_at", "restricted")
_THROTTLING = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
# BatchWriteItem takes 25 requests, BatchGetItem 100 keys.
BATCH_WRITE_SIZE = 25
BATCH_GET_SIZE = 100
# What DynamoDB leaves unprocessed in a batch (throttling) is sent again this many times, waiting
# a random time up to 50 ms, 100 ms, 200 ms... (at most 2 s) in between ("full jitter").
BATCH_ATTEMPTS = 8
BATCH_BACKOFF_SECONDS = 0.05
BATCH_BACKOFF_CAP_SECONDS = 2.0


def is_live(item: Mapping[str, Any], now: datetime | None = None) -> bool:
    expires_at = item.get("expires_at")
    return expires_at is None or int(expires_at) > clock.epoch(now)


def expiry_fields(expires_at: int | None) -> Item:
    if expires_at is None:
        return {}
    return {"expires_at": expires_at, "expiry_day": datetime.fromtimestamp(expires_at).strftime("%Y-%m-%d")}


def plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal, at any depth: JSON wants int or float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [plain(v) for v in value]
    return value


def _translate(error: ClientError) -> Exception:
    code = error.response.get("Error", {}).get("Code", "")
    if code in _THROTTLING:
        return TemporarilyUnavailable("La base de données est momentanément saturée, réessayez.")
    if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
        return Conflict("La ressource a été modifiée en même temps par une autre requête.")
    return error


class Store:
    """DynamoDB access for the data table. Collaborators get one injected."""

    def __init__(self, table_name: str | None = None) -> None:
        self._table_name = table_name

    @property
    def table(self) -> Any:
        return aws.table(self._table_name or get_settings(DataSettings).data_table)

    def put_new(self, item: Item) -> None:
        """Write an item that must not exist yet (ids are random: a clash is a bug or a replay)."""
        try:
            self.table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            raise _translate(error) from error

    def put(self, item: Item) -> None:
        try:
            self.table.put_item(Item=item)
        except ClientError as error:
            raise _translate(error) from error

    def transact(self, puts: list[Item], *, new: bool = True) -> None:
        """Write several items that stand or fall together."""
        condition = {"ConditionExpression": "attribute_not_exists(pk)"} if new else {}
        transact_actions(self, [{"Put": {"Item": item, **condition}} for item in puts])

    def get(self, pk: str, sk: str, *, include_expired: bool = False) -> Item | None:
        try:
            item = self.table.get_item(Key={"pk": pk, "sk": sk}, ConsistentRead=True).get("Item")
        except ClientError as error:
            raise _translate(error) from error
        return item if item and (include_expired or is_live(item)) else None

    def query(self, pk: str, sk_prefix: str = "") -> list[Item]:
        from boto3.dynamodb.conditions import Key

        condition: Any = Key("pk").eq(pk)
        if sk_prefix:
            condition = condition & Key("sk").begins_with(sk_prefix)
        return [i for i in self._paginate(KeyConditionExpression=condition) if is_live(i)]

    def subject_entries(self, subject_key: str, *, include_expired: bool = False) -> list[Item]:
        """The subject index's entries of one person (keys and `SUBJECT_INDEX_ATTRIBUTES`): one Query
        (pages as needed)."""
        from boto3.dynamodb.conditions import Key

        entries = self._paginate(
            IndexName=SUBJECT_INDEX, KeyConditionExpression=Key("subject_key").eq(subject_key)
        )
        return [e for e in entries if include_expired or is_live(e)]

    def by_subject(self, subject_key: str, *, include_expired: bool = False) -> list[Item]:
        """Everything held about one person, in the index's order: its entries, then the items by key
        (100 per BatchGetItem). The calls grow with the person's items, never with the table."""
        entries = self.subject_entries(subject_key, include_expired=include_expired)
        keys = [(e["pk"], e["sk"]) for e in entries]
        items = self.get_many(keys, include_expired=include_expired)
        return [items[key] for key in keys if key in items]

    def take(
        self, pk: str, sk: str, *, where: str = "attribute_exists(pk)", values: Item | None = None
    ) -> Item | None:
        """Delete and return an item in one step (single-use tokens); None when `where` does not hold."""
        extra = {"ExpressionAttributeValues": values} if values else {}
        try:
            return self.table.delete_item(
                Key={"pk": pk, "sk": sk}, ConditionExpression=where, ReturnValues="ALL_OLD", **extra
            ).get("Attributes")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return None
            raise _translate(error) from error

    def record_in_window(self, pk: str, sk: str, *, limit: int, now: int, window: int, fields: Item) -> bool:
        """Note one event in a sliding window admitting `limit` events per `window` seconds; False, and
        nothing written, when `limit` events already happened within it. One conditional write, no
        read: the item keeps the epochs of the last `limit` events, oldest first (`at0`)."""
        slots = [f"#at{i}" for i in range(limit)]
        names = {slot: slot[1:] for slot in slots}
        values: Item = {":now": now, ":since": now - window, ":never": 0}
        sets = [f"{older} = if_not_exists({newer}, :never)" for older, newer in pairwise(slots)]
        sets.append(f"{slots[-1]} = :now")
        for index, (name, value) in enumerate(fields.items()):
            names[f"#f{index}"], values[f":f{index}"] = name, value
            sets.append(f"#f{index} = :f{index}")
        condition = f"attribute_not_exists({slots[0]}) OR {slots[0]} <= :since"
        return self._set_if(pk, sk, sets, condition, names, values)

    def _set_if(self, pk: str, sk: str, sets: list[str], condition: str, names: Item, values: Item) -> bool:
        """One conditional SET: False, and nothing written, when the condition does not hold."""
        try:
            self.table.update_item(
                Key={"pk": pk, "sk": sk},
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise _translate(error) from error
        return True

    def update(
        self,
        pk: str,
        sk: str,
        changes: Mapping[str, Any] | None = None,
        *,
        append: Mapping[str, list[Any]] | None = None,
        must_exist: bool = True,
        return_item: bool = True,
    ) -> Item:
        """Set attributes (None removes one) and append to list attributes of one item, in one write.
        Returns the item as written, or {} with `return_item=False` (large items, frequent writes)."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        sets: list[str] = []
        removes: list[str] = []
        for index, (name, value) in enumerate((changes or {}).items()):
            names[f"#s{index}"] = name
            if value is None:
                removes.append(f"#s{index}")
            else:
                values[f":s{index}"] = value
                sets.append(f"#s{index} = :s{index}")
        for index, (name, value) in enumerate((append or {}).items()):
            names[f"#a{index}"], values[f":a{index}"] = name, value
            sets.append(f"#a{index} = list_append(if_not_exists(#a{index}, :empty), :a{index})")
            values[":empty"] = []
        clauses = [
            f"SET {', '.join(sets)}" if sets else "",
            f"REMOVE {', '.join(removes)}" if removes else "",
        ]
        extra: Item = {"ConditionExpression": "attribute_exists(pk)"} if must_exist else {}
        if values:
            extra["ExpressionAttributeValues"] = values
        try:
            return dict(
                self.table.update_item(
                    Key={"pk": pk, "sk": sk},
                    UpdateExpression=" ".join(c for c in clauses if c),
                    ExpressionAttributeNames=names,
                    ReturnValues="ALL_NEW" if return_item else "NONE",
                    **extra,
                ).get("Attributes", {})
            )
        except ClientError as error:
            raise _translate(error) from error

    def append_once(self, pk: str, sk: str, name: str, value: Any, defaults: Mapping[str, Any]) -> bool:
        """Append `value` to the list attribute `name` unless the list holds it already, making the item
        with `defaults` when it does not exist: one conditional write, no read. False when it was there."""
        names = {"#l": name, **{f"#d{i}": k for i, k in enumerate(defaults)}}
        values: Item = {
            ":one": value,
            ":new": [value],
            ":empty": [],
            **{f":d{i}": v for i, v in enumerate(defaults.values())},
        }
        sets = ["#l = list_append(if_not_exists(#l, :empty), :new)"]
        sets += [f"#d{i} = if_not_exists(#d{i}, :d{i})" for i in range(len(defaults))]
        return self._set_if(pk, sk, sets, "attribute_not_exists(#l) OR NOT contains(#l, :one)", names, values)

    def query_index(
        self,
        index: str,
        key_name: str,
        key_value: str,
        *,
        newest_first: bool = False,
        include_expired: bool = False,
        created_between: tuple[str, str] | None = None,
    ) -> list[Item]:
        """Items of one index partition; `created_between` narrows `by_segment` (sorted by `created_at`)."""
        from boto3.dynamodb.conditions import Key

        condition: Any = Key(key_name).eq(key_value)
        if created_between:
            condition = condition & Key("created_at").between(*created_between)
        items = self._paginate(
            IndexName=index, KeyConditionExpression=condition, ScanIndexForward=not newest_first
        )
        return [i for i in items if include_expired or is_live(i)]

    def delete(self, pk: str, sk: str) -> None:
        try:
            self.table.delete_item(Key={"pk": pk, "sk": sk})
        except ClientError as error:
            raise _translate(error) from error

    def delete_many(self, keys: Sequence[tuple[str, str]]) -> None:
        """Delete items by key, 25 per BatchWriteItem. A batch write takes no condition: the caller
        has checked what it deletes (`get_many`). What stays unprocessed is retried with backoff;
        TemporarilyUnavailable if some still is after the last attempt."""
        table = self.table
        for start in range(0, len(keys), BATCH_WRITE_SIZE):
            deletes = [
                {"DeleteRequest": {"Key": {"pk": pk, "sk": sk}}}
                for pk, sk in keys[start : start + BATCH_WRITE_SIZE]
            ]
            until_processed(
                lambda requests: table.meta.client.batch_write_item(RequestItems=requests),
                {table.name: deletes},
                "UnprocessedItems",
            )

    def get_many(
        self, keys: Sequence[tuple[str, str]], fields: Sequence[str] = (), *, include_expired: bool = False
    ) -> dict[tuple[str, str], Item]:
        """Items by key, by (pk, sk): consistent reads, 100 keys per BatchGetItem, keys with no item
        left out; only `fields` when given (with pk and sk). Unprocessed keys are asked again with
        backoff, like `delete_many`'s."""
        table = self.table
        wanted = list(dict.fromkeys(keys))  # a batch refuses the same key twice
        projection: dict[str, Any] = {}
        if fields:
            names = {f"#f{n}": name for n, name in enumerate(dict.fromkeys(("pk", "sk", *fields)))}
            projection = {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}
        found: dict[tuple[str, str], Item] = {}
        for start in range(0, len(wanted), BATCH_GET_SIZE):
            request = {
                "Keys": [{"pk": pk, "sk": sk} for pk, sk in wanted[start : start + BATCH_GET_SIZE]],
                "ConsistentRead": True,
                **projection,
            }

            def get(requests: dict[str, Any]) -> dict[str, Any]:
                # The table's client speaks plain values (the resource's transformation hooks).
                answer: dict[str, Any] = table.meta.client.batch_get_item(RequestItems=requests)
                found.update(
                    ((item["pk"], item["sk"]), item)
                    for item in answer.get("Responses", {}).get(table.name, [])
                    if include_expired or is_live(item)
                )
                return answer

            until_processed(get, {table.name: request}, "UnprocessedKeys")
        return found

    def put_many(self, items: Sequence[Item]) -> None:
        """Write items, 25 per BatchWriteItem, unconditionally (new keys, or items meant to be
        replaced); unprocessed ones are retried like `get_many`'s."""
        table = self.table
        for start in range(0, len(items), BATCH_WRITE_SIZE):
            puts = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_WRITE_SIZE]]
            until_processed(
                lambda requests: table.meta.client.batch_write_item(RequestItems=requests),
                {table.name: puts},
                "UnprocessedItems",
            )

    def _paginate(self, **kwargs: Any) -> Iterator[Item]:
        while True:
            try:
                page = self.table.query(**kwargs)
            except ClientError as error:
                raise _translate(error) from error
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def until_processed(
    call: Callable[[dict[str, Any]], dict[str, Any]],
    requests: dict[str, Any],
    unprocessed: str,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Make a batch call, then again with what it left `unprocessed`, backing off exponentially."""
    for attempt in range(BATCH_ATTEMPTS):
        if attempt:
            ceiling = min(BATCH_BACKOFF_CAP_SECONDS, BATCH_BACKOFF_SECONDS * 2 ** (attempt - 1))
            sleep(random.uniform(0, ceiling))  # noqa: S311 (jitter, not a secret)
        try:
            requests = call(requests).get(unprocessed) or {}
        except ClientError as error:
            raise _translate(error) from error
        if not requests:
            return
    raise TemporarilyUnavailable("La base de données est momentanément saturée, réessayez.")


def transact_actions(store: Store, actions: list[dict[str, Any]]) -> None:
    """One DynamoDB transaction of Put / Update / Delete / ConditionCheck actions on the data table.

    Each action is `{"Put": {"Item": ...}}`, `{"Delete": {"Key": ...}}`, ... without `TableName`.
    All stand or fall together (at most 100 actions); a failed condition is a `Conflict`.
    """
    items = [{kind: {"TableName": store.table.name, **body}} for a in actions for kind, body in a.items()]
    try:
        store.table.meta.client.transact_write_items(TransactItems=items)
    except ClientError as error:
        raise _translate(error) from error


def query_index_page(
    store: Store,
    index: str,
    key_name: str,
    key_value: str,
    *,
    limit: int,
    start_key: dict[str, Any] | None = None,
    newest_first: bool = False,
) -> tuple[list[Item], dict[str, Any] | None]:
    """One page of an index partition (live items only) and the key to continue from, if any."""
    from boto3.dynamodb.conditions import Key

    items, next_key = _query_page(
        store,
        limit,
        start_key,
        IndexName=index,
        KeyConditionExpression=Key(key_name).eq(key_value),
        ScanIndexForward=not newest_first,
    )
    return [i for i in items if is_live(i)], next_key


def _query_page(
    store: Store, limit: int, start_key: dict[str, Any] | None, **query: Any
) -> tuple[list[Item], dict[str, Any] | None]:
    """One Query page of at most `limit` items, from `start_key`, and the key to continue from."""
    if start_key:
        query["ExclusiveStartKey"] = start_key
    try:
        page = store.table.query(Limit=limit, **query)
    except ClientError as error:
        raise _translate(error) from error
    return page.get("Items", []), page.get("LastEvaluatedKey")


def query_professional_index(
    store: Store, pro_id: str, *, limit: int, start_key: dict[str, Any] | None = None
) -> tuple[list[Item], dict[str, Any] | None]:
    """One page of what was disclosed to a professional, newest first (index by_professional)."""
    return query_index_page(
        store, PROFESSIONAL_INDEX, "pro_id", pro_id, limit=limit, start_key=start_key, newest_first=True
    )


def query_before(store: Store, pk: str, sk_below: str) -> list[Item]:
    """Items of one partition whose sort key sorts before `sk_below` (e.g. a date)."""
    from boto3.dynamodb.conditions import Key

    return list(store._paginate(KeyConditionExpression=Key("pk").eq(pk) & Key("sk").lt(sk_below)))


def expired_page(
    store: Store, day: str, now: int, *, limit: int, start_key: dict[str, Any] | None = None
) -> tuple[list[Item], dict[str, Any] | None]:
    """One page of the keys listed under expiry day `day` (by_expiry) whose expiry is at or before
    `now`, and the key to continue from, if any."""
    from boto3.dynamodb.conditions import Key

    items, next_key = _query_page(
        store,
        limit,
        start_key,
        IndexName=EXPIRY_INDEX,
        KeyConditionExpression=Key("expiry_day").eq(day) & Key("expires_at").lte(now),
    )
    # Plain numbers: the position travels as JSON (jaqe.privacy.retention.Continuation).
    return items, plain(next_key)
