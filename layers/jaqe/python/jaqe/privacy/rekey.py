"""Moving everything held about a person to a new subject key, when their email address changes.

The subject key is a keyed hash of the address (`jaqe.privacy.subject_keys`): a new address is a
new key. Every item of the old key, found by one Query on the subject index (never a Scan), gets
the new key in `subject_key` and in every key built from it (`SUBJECT#<key>`, `NEWSLETTER#<key>`,
index keys...), and the new address in each `email` field that held the old one. An item whose
keys do not change is updated in place; one whose keys change is written under its new keys and
its old self deleted, in one transaction per item. The step may run again after a failure: what
has moved is no longer under the old key, and an item already written under the new keys is kept.

Two kinds of item stay with the old key: they are about the address, not the person (and hold no
address): the suppression entry and the mail block of a bounced or complaining address.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jaqe.platform.errors import Conflict
from jaqe.platform.store import Item, Store, transact_actions
from jaqe.platform.validation import normalise_email
from jaqe.privacy.records import FLAGS_SK

# About the address itself: they stay with the old key (which is suppressed once the move is done).
ADDRESS_BOUND = frozenset({"suppression", "mail_block"})
_KEY_ATTRIBUTES = ("pk", "sk")


@dataclass(frozen=True)
class AddressChange:
    old_key: str
    new_key: str
    old_email: str
    new_email: str

    def key_moved(self, value: Any) -> Any:
        """`value` with the old subject key replaced by the new one, at any depth."""
        if isinstance(value, str):
            return value.replace(self.old_key, self.new_key)
        if isinstance(value, dict):
            return {k: self.key_moved(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.key_moved(v) for v in value]
        return value

    def address_moved(self, value: Any) -> Any:
        """`value` with every `email` field holding the old address holding the new one, at any depth."""
        if isinstance(value, dict):
            return {
                k: self.new_email
                if k == "email"
                and isinstance(v, str)
                and normalise_email(v) == normalise_email(self.old_email)
                else self.address_moved(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.address_moved(v) for v in value]
        return value


@dataclass
class RekeyResult:
    """What moved, by item type (counts only: this goes to the request's history)."""

    moved: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    kept_existing: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.moved.values()) + sum(self.updated.values()) + sum(self.kept_existing.values())


def rekey_subject(
    store: Store, change: AddressChange, *, keep_address: Callable[[Item], bool] = lambda item: False
) -> RekeyResult:
    """Move every item of `change.old_key` to `change.new_key`. `keep_address(item)`: an item whose
    `email` fields stay as they are (it records the address a request came from, say)."""
    result = RekeyResult()
    if change.old_key == change.new_key:
        return result
    for item in store.by_subject(change.old_key, include_expired=True):
        kind = str(item.get("item_type", "unknown"))
        if kind in ADDRESS_BOUND:
            continue
        moved = change.key_moved(item) if keep_address(item) else change.address_moved(change.key_moved(item))
        if all(moved[k] == item[k] for k in _KEY_ATTRIBUTES):
            changes = {k: v for k, v in moved.items() if item.get(k) != v}
            try:
                store.update(item["pk"], item["sk"], changes=changes, return_item=False)
            except Conflict:  # deleted since the index was read: nothing left to move
                continue
            result.updated[kind] += 1
        elif _move(store, item, moved):
            result.moved[kind] += 1
        else:
            result.kept_existing[kind] += 1
    return result


def _move(store: Store, old: Item, new: Item) -> bool:
    """Write `new` and delete `old` together; False when an item already held the new keys (written
    by an earlier run of this step, or the new address's own): that one stays, merged for flags."""
    delete_old = {"Delete": {"Key": {"pk": old["pk"], "sk": old["sk"]}}}
    try:
        transact_actions(
            store, [{"Put": {"Item": new, "ConditionExpression": "attribute_not_exists(pk)"}}, delete_old]
        )
        return True
    except Conflict:
        existing = store.get(new["pk"], new["sk"], include_expired=True)
        if existing is None:  # deleted meanwhile: try once more
            return _move(store, old, new)
        actions: list[dict[str, Any]] = [delete_old]
        if new["sk"] == FLAGS_SK:
            actions.insert(0, {"Put": {"Item": _merged_flags(existing, new)}})
        transact_actions(store, actions)
        return False


def _merged_flags(existing: Item, moved: Item) -> Item:
    """A restriction or an objection made under either address still holds under the new one."""
    merged = {**moved, **existing}
    merged["restricted"] = bool(existing.get("restricted")) or bool(moved.get("restricted"))
    objections = set(existing.get("objections", [])) | set(moved.get("objections", []))
    if objections:
        merged["objections"] = sorted(objections)
    return merged


def holds_address(value: Any, email: str) -> bool:
    """Whether an `email` field of `value`, at any depth, holds the address `email`."""
    if isinstance(value, dict):
        return any(
            (k == "email" and isinstance(v, str) and normalise_email(v) == normalise_email(email))
            or holds_address(v, email)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return any(holds_address(v, email) for v in value)
    return False
