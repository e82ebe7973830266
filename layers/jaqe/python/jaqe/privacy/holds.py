"""Holds: while a person's data may be needed for a legal claim, its retention clock stops.

A hold is placed by an operator (a dispute) or by a restriction request on the ground of legal
claims (Art. 18(1)(c), C7-05), and lifted by an operator. While one is active:

- every item held about the person (`by_subject`) has its expiry set aside, not lost: `expires_at`
  moves to `held_expires_at` and `expiry_day` goes, so neither DynamoDB TTL nor the reconciliation
  (which walks `by_expiry`) can remove it; the item names its holds in `holds` (a list of hold ids), and
  cascades spare it (`jaqe.privacy.retention.cascade`);
- the person's documents (the objects their items point at in the documents bucket) carry an S3
  Object Lock legal hold on every version: no lifecycle rule and no delete can remove a held version;
- items written for the person after the hold was placed are held by the daily reconciliation, which
  re-applies every active hold before it purges (`Holds.reapply`): no writer needs to know about
  holds, and a new item's period (days at the least) cannot run out before the next run.

Lifting restores the clock once no other active hold names the item: `expires_at` comes back, and a
period that ran out meanwhile gets today's `expiry_day`, so that the next reconciliation (which
starts from its watermark, today at the latest) finds it and purges it.

HOLD#<hold_id>   HOLD   the hold record (segment `legal_hold#active` while active: the
                        operators' list is one Query on `by_segment`)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from jaqe.platform import clock
from jaqe.platform.errors import Conflict, NotFound
from jaqe.platform.ids import new_id
from jaqe.platform.objects import ObjectStore
from jaqe.platform.observability import logger
from jaqe.platform.store import SEGMENT_INDEX, Item, Store, expiry_fields, plain, transact_actions
from jaqe.privacy.register import PurposeId, purpose

HOLD_ITEM_TYPE = "legal_hold"
ACTIVE_SEGMENT = f"{HOLD_ITEM_TYPE}#active"
HOLD_SK = "HOLD"
# Item types whose expiry is a validity, not a retention: holding them would change what they do.
NOT_HELD = {
    "token": "a link's expiry is its validity: a held link would stay usable",
    "mail_rate": "a one-hour window against mass sending, not data kept",
    "outgoing_mail": "an email until it is sent; the data it was made from is held",
    "rights_export": "an export link's validity (7 days); the data it copies is held",
    "rights_request": "its expiry is also its due-date index entry's, which the workflow rewrites; "
    "a request's trace is kept for the limitation period (5 years) anyway",
    HOLD_ITEM_TYPE: "a hold has its own retention (register: legal_holds)",
}
# How many times an item moved by a writer meanwhile is read again before giving up (a Conflict).
_ATTEMPTS = 3


class HoldOrigin(StrEnum):
    OPERATOR = "operator"  # a dispute: an operator placed it
    RESTRICTION = "restriction"  # a restriction request on the ground of legal claims


def hold_key(hold_id: str) -> tuple[str, str]:
    return f"HOLD#{hold_id}", HOLD_SK


def restriction_hold_id(request_id: str) -> str:
    """The hold a restriction request places: one per request, whatever the retries of its step."""
    return f"hold_{request_id}"


def is_active(hold: Item) -> bool:
    return hold.get("status") == "active"


def view(hold: Item) -> dict[str, Any]:
    """What operators see of a hold (the subject key, never an address)."""
    fields = (
        "hold_id",
        "subject_key",
        "status",
        "origin",
        "request_id",
        "reason",
        "placed_at",
        "placed_by",
        "lifted_at",
        "lifted_by",
        "lift_reason",
        "held_by_purpose",
    )
    return {k: plain(hold[k]) for k in fields if hold.get(k) is not None}


@dataclass
class HoldResult:
    hold: Item
    items: int = 0
    objects: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {**view(self.hold), "items": self.items, "objects": self.objects}


@dataclass
class ReapplyReport:
    holds: int = 0
    items: int = 0
    objects: int = 0
    by_hold: dict[str, int] = field(default_factory=dict)


class Holds:
    """Placing, lifting and re-applying holds. `objects` and `buckets` (inventory store id ->
    bucket name, as the privacy scan takes them): where the person's documents are locked."""

    def __init__(
        self, store: Store, objects: ObjectStore | None = None, buckets: dict[str, str] | None = None
    ) -> None:
        self.store = store
        self.objects = objects
        self.buckets = {k: v for k, v in (buckets or {}).items() if v}

    # -- the hold records ---------------------------------------------------------------------
    def get(self, hold_id: str) -> Item:
        hold = self.store.get(*hold_key(hold_id))
        if hold is None or hold.get("item_type") != HOLD_ITEM_TYPE:
            raise NotFound("Aucune mesure de conservation ne porte cet identifiant.")
        return hold

    def active(self) -> list[Item]:
        """Every active hold, oldest first: one Query on the `by_segment` index."""
        return self.store.query_index(SEGMENT_INDEX, "segment", ACTIVE_SEGMENT)

    def of_subject(self, subject_key: str) -> list[Item]:
        """The person's active holds (one Query on the subject index)."""
        return [i for i in self.store.by_subject(subject_key) if _is_hold(i) and is_active(i)]

    def place(
        self,
        subject_key: str,
        *,
        reason: str,
        placed_by: str,
        origin: HoldOrigin = HoldOrigin.OPERATOR,
        hold_id: str | None = None,
        request_id: str | None = None,
    ) -> HoldResult:
        """Record the hold, then set aside the expiry of everything the person has. With a given
        `hold_id` (a restriction's), placing again re-applies the same hold."""
        hold_id = hold_id or new_id("hold")
        now = clock.now().isoformat()
        hold: Item = {
            "pk": hold_key(hold_id)[0],
            "sk": HOLD_SK,
            "item_type": HOLD_ITEM_TYPE,
            "hold_id": hold_id,
            "subject_key": subject_key,
            "purpose": PurposeId.LEGAL_HOLDS.value,
            "status": "active",
            "segment": ACTIVE_SEGMENT,
            "origin": origin.value,
            "reason": reason,
            "placed_by": placed_by,
            "placed_at": now,
            "created_at": now,  # the segment index's sort key
            **({"request_id": request_id} if request_id else {}),
        }
        try:
            self.store.put_new(hold)
        except Conflict:
            hold = self.get(hold_id)  # placed already (a retried step): apply it again
            if not is_active(hold):
                return HoldResult(hold)
        items, objects = self._apply(hold_id, subject_key)
        logger.info(
            "hold placed",
            extra={"hold_id": hold_id, "subject_key": subject_key, "items": items, "objects": objects},
        )
        return HoldResult(hold, items, objects)

    def lift(self, hold_id: str, *, reason: str, lifted_by: str) -> HoldResult:
        """Lift one hold (404 unknown, 409 already lifted); the person's clock starts again where no
        other active hold remains."""
        hold = self.get(hold_id)
        if not is_active(hold):
            raise Conflict("Cette mesure de conservation a déjà été levée.")
        now = clock.now()
        lifted = self.store.update(
            hold["pk"],
            hold["sk"],
            {
                "status": "lifted",
                "segment": None,
                "lifted_at": now.isoformat(),
                "lifted_by": lifted_by,
                "lift_reason": reason,
                # The record itself: kept five years after the lifting (register: legal_holds).
                **expiry_fields(purpose(PurposeId.LEGAL_HOLDS).expires_at(now)),
            },
        )
        subject_key = str(hold["subject_key"])
        others = {str(h["hold_id"]) for h in self.of_subject(subject_key)} - {hold_id}
        items, objects = self._release(hold_id, subject_key, others)
        for other in sorted(others):  # what the lifted hold alone had reached, the others hold too
            self._apply(other, subject_key)
        logger.info(
            "hold lifted",
            extra={"hold_id": hold_id, "subject_key": subject_key, "items": items, "objects": objects},
        )
        return HoldResult(lifted, items, objects)

    def reapply(self) -> ReapplyReport:
        """Every active hold over everything its person has now (the reconciliation runs it before
        purging: items written since the hold was placed are held before their time can run out)."""
        report = ReapplyReport()
        for hold in self.active():
            items, objects = self._apply(str(hold["hold_id"]), str(hold["subject_key"]))
            report.holds += 1
            report.items += items
            report.objects += objects
            if items or objects:
                report.by_hold[str(hold["hold_id"])] = items + objects
        return report

    # -- the person's items and objects -------------------------------------------------------
    def erase_on_release(self, item: Item) -> bool:
        """An erasure asked while a hold keeps `item` (Art. 17(3)(e)): its set-aside expiry becomes now,
        so the last lifting gives it an expiry already passed and the next reconciliation erases it.
        False when no hold keeps it any more (the caller erases it now)."""
        return self._update(item, _erase_on_release_action)

    def _holdable(self, subject_key: str) -> Iterable[Item]:
        for item in self.store.by_subject(subject_key, include_expired=True):
            if str(item.get("item_type")) not in NOT_HELD:
                yield item

    def _apply(self, hold_id: str, subject_key: str) -> tuple[int, int]:
        """Hold what is not held by `hold_id` yet; the count of items newly held and of object
        versions locked. The hold record keeps what it holds by purpose (counts only): the retention
        report reads it there, never the person's items."""
        items = objects = 0
        by_purpose: dict[str, int] = {}
        for item in self._holdable(subject_key):
            moved = hold_id not in (item.get("holds") or []) or item.get("expires_at") is not None
            if moved and self._update(item, lambda current: _hold_action(current, hold_id)):
                items += 1
            name = str(item.get("purpose") or "unknown")
            by_purpose[name] = by_purpose.get(name, 0) + 1
            # Every time: a version uploaded after the item was held is locked too.
            objects += self._lock(item, on=True)
        self.store.update(
            *hold_key(hold_id),
            {"held_by_purpose": by_purpose, "counted_at": clock.now().isoformat()},
            return_item=False,
        )
        return items, objects

    def _release(self, hold_id: str, subject_key: str, others: set[str]) -> tuple[int, int]:
        items = objects = 0
        for item in self._holdable(subject_key):
            if hold_id not in (item.get("holds") or []):
                continue
            if self._update(item, lambda current: _release_action(current, hold_id)):
                items += 1
            if not others:
                objects += self._lock(item, on=False)
        return items, objects

    def _update(self, item: Item, action_for: Any) -> bool:
        """One conditional update of `item` as `action_for` builds it from what the item holds now;
        read again when a writer moved it meanwhile. False: nothing to change (or it has gone)."""
        current: Item | None = item
        for _ in range(_ATTEMPTS):
            if current is None:
                return False
            action = action_for(current)
            if action is None:
                return False
            try:
                transact_actions(self.store, [{"Update": action}])
                return True
            except Conflict:
                current = self.store.get(item["pk"], item["sk"], include_expired=True)
        raise Conflict("L'élément a changé pendant la mise en conservation ; réessayez.")

    def _lock(self, item: Item, *, on: bool) -> int:
        """The legal hold on every version of the object the item points at (documents only)."""
        # The inventory's tables load when a hold reaches a document, not with every writer of items.
        from jaqe.privacy.inventory import bucket_of

        bucket = self.buckets.get(bucket_of(str(item.get("item_type"))) or "")
        key = item.get("s3_key")
        if self.objects is None or not bucket or not key:
            return 0
        return self.objects.set_legal_hold(bucket, str(key), on=on)


def _is_hold(item: Item) -> bool:
    return item.get("item_type") == HOLD_ITEM_TYPE


def _hold_action(item: Item, hold_id: str) -> dict[str, Any]:
    """Name the hold on the item; an expiry it has moves aside. Guarded by what was read: a writer
    that moved the item meanwhile makes it a Conflict, and the item is read again."""
    holds = list(item.get("holds") or [])
    values: dict[str, Any] = {":id": hold_id}
    sets: list[str] = []
    removes: list[str] = []
    if hold_id in holds:
        guards = ["contains(holds, :id)"]
    else:
        guards = ["(attribute_not_exists(holds) OR NOT contains(holds, :id))"]
        sets.append("holds = list_append(if_not_exists(holds, :none), :one)")
        values.update({":none": [], ":one": [hold_id]})
    if item.get("expires_at") is None:
        guards.append("attribute_exists(pk) AND attribute_not_exists(expires_at)")
    else:
        guards.append("expires_at = :e")
        sets.append("held_expires_at = :e")
        removes += ["expires_at", "expiry_day"]
        values[":e"] = item["expires_at"]
    return _update(item, sets, removes, guards, values)


def _release_action(item: Item, hold_id: str) -> dict[str, Any] | None:
    """Take the hold off the item; the last one gives it its expiry back (a period that ran out
    meanwhile is listed under today, where the next reconciliation looks)."""
    holds = list(item.get("holds") or [])
    if hold_id not in holds:
        return None
    position = holds.index(hold_id)
    values: dict[str, Any] = {":id": hold_id, ":n": len(holds)}
    guards = [f"holds[{position}] = :id AND size(holds) = :n"]
    if len(holds) > 1:
        return _update(item, [], [f"holds[{position}]"], guards, values)
    sets: list[str] = []
    removes = ["holds", "held_expires_at"]
    if item.get("expires_at") is None and item.get("held_expires_at") is not None:
        expires_at = int(item["held_expires_at"])
        values[":e"] = expires_at
        values[":d"] = max(expiry_fields(expires_at)["expiry_day"], clock.now().date().isoformat())
        sets.append("expires_at = :e, expiry_day = :d")
        guards.append("attribute_not_exists(expires_at)")
    # else: no expiry to give back, or a writer gave it a new clock meanwhile, which counts
    return _update(item, sets, removes, guards, values)


def _erase_on_release_action(item: Item) -> dict[str, Any] | None:
    holds = list(item.get("holds") or [])
    if not holds:
        return None
    values: dict[str, Any] = {":e": clock.epoch(), ":n": len(holds)}
    return _update(item, ["held_expires_at = :e"], [], ["size(holds) = :n"], values)


def _update(item: Item, sets: list[str], removes: list[str], guards: list[str], values: Item) -> Item:
    clauses = [f"SET {', '.join(sets)}" if sets else "", f"REMOVE {', '.join(removes)}" if removes else ""]
    return {
        "Key": {"pk": item["pk"], "sk": item["sk"]},
        "UpdateExpression": " ".join(c for c in clauses if c),
        "ConditionExpression": " AND ".join(guards),
        "ExpressionAttributeValues": values,
    }


def holds_entry(items: Iterable[Item]) -> list[dict[str, Any]]:
    """The person's active holds among their items, as the access export and the privacy scan show
    them: why, since when, and from what."""
    return [
        {
            "hold_id": h["hold_id"],
            "reason": h.get("reason"),
            "since": h.get("placed_at"),
            "origin": h.get("origin"),
        }
        for h in sorted((i for i in items if _is_hold(i) and is_active(i)), key=lambda h: str(h["placed_at"]))
    ]


def is_held(item: Item) -> bool:
    return bool(item.get("holds"))
