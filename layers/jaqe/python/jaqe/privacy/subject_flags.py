"""What a person has asked us to stop: restriction, objections, suppression.

- restriction (Art. 18): no matching, sharing or marketing until an operator lifts it;
- objection (Art. 21): legitimate-interest processing stops for the purposes objected to;
- suppression: after an erasure, no marketing send, similar-services email or commercial-partner
  export reaches the person again (only the subject key is kept), until they give a new consent
  for that purpose: a consent event for it, counting now, that occurred after the suppression (a
  newsletter double opt-in confirmed, a commercial-partners consent whose address was confirmed).
  Similar-services emails rest on legitimate interest, which no consent renews: they stay stopped
  for as long as the suppression entry lives. The suppression never refuses a service the person
  asks for: a new quote request after an erasure is a new relationship, matched and shared like any
  other under the consent that request records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from jaqe.platform import clock
from jaqe.platform.store import Item, Store
from jaqe.privacy.consent import ConsentEvent, ConsentLedger
from jaqe.privacy.records import FLAGS_SK, subject_pk, suppression_key
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import retention_fields


@dataclass(frozen=True)
class SubjectStatus:
    restricted: bool = False
    objections: frozenset[PurposeId] = field(default_factory=frozenset)
    suppressed: bool = False
    # The consent purposes the person granted again after the suppression (a new relationship).
    consented_since_suppression: frozenset[PurposeId] = field(default_factory=frozenset)

    @property
    def may_be_matched(self) -> bool:
        """Matching and sharing with professionals, the service each quote request asks for: a
        restriction stops it; a suppression does not (the request records its own consent)."""
        return not self.restricted

    def suppressed_for(self, purpose_id: PurposeId) -> bool:
        """The suppression still stands for this purpose: no new consent for it since."""
        return self.suppressed and purpose_id not in self.consented_since_suppression

    def may_receive(self, purpose_id: PurposeId) -> bool:
        """Marketing, similar-services emails and commercial-partner exports."""
        return not (self.restricted or purpose_id in self.objections or self.suppressed_for(purpose_id))


def consented_since(
    current: Mapping[PurposeId, ConsentEvent], since: datetime, now: datetime
) -> frozenset[PurposeId]:
    """The purposes whose current decision (`ConsentLedger.current`) counts now and was made after
    `since` (the suppression): a grant from before, a pending or lapsed one, or a withdrawal, none."""
    return frozenset(p for p, event in current.items() if event.counts(now) and event.occurred_at > since)


def restricted_in(items: Iterable[Item]) -> bool:
    """Whether a person's live items (`Store.by_subject`, or the subject index's entries, which
    project `restricted`) hold a restriction in force: what a quote request reads, from the one Query
    that also finds the earlier leads whose expiry it moves."""
    return any(i.get("sk") == FLAGS_SK and i.get("restricted") for i in items)


class Subjects:
    def __init__(self, store: Store) -> None:
        self.store = store

    def status(self, subject_key: str) -> SubjectStatus:
        flags = self.store.get(subject_pk(subject_key), FLAGS_SK) or {}
        suppression = self.store.get(*suppression_key(subject_key))
        return self._status(subject_key, flags, suppression)

    def statuses(self, subject_keys: Sequence[str]) -> dict[str, SubjectStatus]:
        """`status` of many people, 100 per BatchGetItem (a partner export); only a suppressed
        person's consent ledger is read, one Query each."""
        flags = {
            i["pk"]: i
            for i in self.store.get_many(
                [(subject_pk(k), FLAGS_SK) for k in subject_keys], ("restricted", "objections", "expires_at")
            ).values()
        }
        suppressions = {
            i["pk"]: i
            for i in self.store.get_many(
                [suppression_key(k) for k in subject_keys], ("suppressed_at", "expires_at")
            ).values()
        }
        return {
            k: self._status(k, flags.get(subject_pk(k), {}), suppressions.get(suppression_key(k)[0]))
            for k in subject_keys
        }

    def _status(self, subject_key: str, flags: Item, suppression: Item | None) -> SubjectStatus:
        return SubjectStatus(
            restricted=bool(flags.get("restricted")),
            objections=frozenset(PurposeId(p) for p in flags.get("objections", ())),
            suppressed=suppression is not None,
            consented_since_suppression=self._consented_since(subject_key, suppression),
        )

    def _consented_since(self, subject_key: str, suppression: Item | None) -> frozenset[PurposeId]:
        if suppression is None:
            return frozenset()
        since = datetime.fromisoformat(str(suppression["suppressed_at"]))
        return consented_since(ConsentLedger(self.store).current(subject_key), since, clock.now())

    def _flags(self, subject_key: str) -> Item:
        existing = self.store.get(subject_pk(subject_key), FLAGS_SK)
        return existing or {
            "pk": subject_pk(subject_key),
            "sk": FLAGS_SK,
            "item_type": "subject_flags",
            **retention_fields(PurposeId.SUPPRESSION_LIST, subject_key),
        }

    def restrict(self, subject_key: str, reason: str) -> None:
        flags = self._flags(subject_key)
        flags.update(restricted=True, restriction_reason=reason, restricted_at=clock.now().isoformat())
        self.store.put(flags)

    def lift_restriction(self, subject_key: str) -> None:
        flags = self._flags(subject_key)
        flags.update(restricted=False, restriction_lifted_at=clock.now().isoformat())
        self.store.put(flags)

    def object_to(self, subject_key: str, purposes: list[PurposeId]) -> None:
        """One conditional write per purpose not objected to yet (no read): the flags item is made on
        the first objection."""
        new_flags = {
            "item_type": "subject_flags",
            **retention_fields(PurposeId.SUPPRESSION_LIST, subject_key),
        }
        for purpose_id in sorted({p.value for p in purposes}):
            self.store.append_once(subject_pk(subject_key), FLAGS_SK, "objections", purpose_id, new_flags)

    def suppression_item(self, subject_key: str, reason: str) -> Item:
        return {
            "pk": suppression_key(subject_key)[0],
            "sk": suppression_key(subject_key)[1],
            "item_type": "suppression",
            "reason": reason,
            "suppressed_at": clock.now().isoformat(),
            **retention_fields(PurposeId.SUPPRESSION_LIST, subject_key),
        }

    def suppress(self, subject_key: str, reason: str) -> None:
        self.store.put(self.suppression_item(subject_key, reason))
