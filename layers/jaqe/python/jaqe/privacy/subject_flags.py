"""What a person has asked us to stop: restriction, objections, suppression.

- restriction (Art. 18): no matching, sharing or marketing until an operator lifts it;
- objection (Art. 21): legitimate-interest processing stops for the purposes objected to;
- suppression: after an erasure (or a hard bounce / complaint), no import or send reaches
  the person again. Only the subject key is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jaqe.platform import clock
from jaqe.platform.store import Item, Store
from jaqe.privacy.records import FLAGS_SK, subject_pk, suppression_key
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import retention_fields


@dataclass(frozen=True)
class SubjectStatus:
    restricted: bool = False
    objections: frozenset[PurposeId] = field(default_factory=frozenset)
    suppressed: bool = False

    @property
    def may_be_matched(self) -> bool:
        """Matching and sharing with professionals."""
        return not (self.restricted or self.suppressed)

    def may_receive(self, purpose_id: PurposeId) -> bool:
        """Marketing and similar-services emails."""
        return self.may_be_matched and purpose_id not in self.objections


class Subjects:
    def __init__(self, store: Store) -> None:
        self.store = store

    def status(self, subject_key: str) -> SubjectStatus:
        flags = self.store.get(subject_pk(subject_key), FLAGS_SK) or {}
        return SubjectStatus(
            restricted=bool(flags.get("restricted")),
            objections=frozenset(PurposeId(p) for p in flags.get("objections", ())),
            suppressed=self.is_suppressed(subject_key),
        )

    def is_suppressed(self, subject_key: str) -> bool:
        return self.store.get(*suppression_key(subject_key)) is not None

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
        flags = self._flags(subject_key)
        flags["objections"] = sorted(set(flags.get("objections", [])) | {p.value for p in purposes})
        self.store.put(flags)

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
