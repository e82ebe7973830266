"""The consent ledger (Art. 7): append-only events; the current state is derived.

Each event records the purpose, granted or withdrawn, the policy version, the channel,
the time and a hash of the wording shown, so that consent can be proven. Processing
that needs consent asks `ConsentLedger.require` first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from jaqe.platform import clock
from jaqe.platform.errors import Forbidden
from jaqe.platform.ids import new_id
from jaqe.platform.store import Item, Store
from jaqe.privacy.records import CONSENT, consent_sk, subject_pk
from jaqe.privacy.register import PurposeId, purpose
from jaqe.privacy.retention import retention_fields


def wording_hash(wording: str) -> str:
    return hashlib.sha256(wording.encode()).hexdigest()


@dataclass(frozen=True)
class ConsentEvent:
    purpose: PurposeId
    granted: bool
    policy_version: str
    channel: str
    occurred_at: datetime
    wording_hash: str
    source: str = ""

    @classmethod
    def from_item(cls, item: Item) -> ConsentEvent:
        return cls(
            purpose=PurposeId(item["consent_purpose"]),
            granted=bool(item["granted"]),
            policy_version=item["policy_version"],
            channel=item["channel"],
            occurred_at=datetime.fromisoformat(item["occurred_at"]),
            wording_hash=item["wording_hash"],
            source=item.get("source", ""),
        )


def derive_state(events: Iterable[ConsentEvent]) -> dict[PurposeId, ConsentEvent]:
    """The latest event per purpose: what the person has currently decided."""
    current: dict[PurposeId, ConsentEvent] = {}
    for event in sorted(events, key=lambda e: e.occurred_at):
        current[event.purpose] = event
    return current


class ConsentRequired(Forbidden):
    type_slug = "consent-required"
    title = "Consentement requis"


class ConsentLedger:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(
        self,
        subject_key: str,
        purpose_id: PurposeId,
        *,
        granted: bool,
        policy_version: str,
        channel: str,
        wording: str,
        source: str = "",
    ) -> Item:
        """The item of one consent event; the caller writes it (alone or in a transaction)."""
        if not purpose(purpose_id).needs_consent:
            raise ValueError(f"{purpose_id} does not rest on consent")
        now = clock.now()
        return {
            "pk": subject_pk(subject_key),
            "sk": consent_sk(purpose_id.value, now.isoformat(), new_id("c")),
            "item_type": "consent_event",
            "consent_purpose": purpose_id.value,
            "granted": granted,
            "policy_version": policy_version,
            "channel": channel,
            "occurred_at": now.isoformat(),
            "wording_hash": wording_hash(wording),
            "source": source,
            # Who consented to a purpose is found through the segment index (e.g. partner exports).
            "segment": f"consent#{purpose_id.value}",
            **retention_fields(PurposeId.CONSENT_PROOFS, subject_key),
        }

    def append(self, subject_key: str, purpose_id: PurposeId, **event: object) -> None:
        self.store.put_new(self.record(subject_key, purpose_id, **event))  # type: ignore[arg-type]

    def events(self, subject_key: str) -> list[ConsentEvent]:
        return [ConsentEvent.from_item(i) for i in self.store.query(subject_pk(subject_key), CONSENT)]

    def current(self, subject_key: str) -> dict[PurposeId, ConsentEvent]:
        return derive_state(self.events(subject_key))

    def is_granted(self, subject_key: str, purpose_id: PurposeId) -> bool:
        event = self.current(subject_key).get(purpose_id)
        return bool(event and event.granted)

    def require(self, subject_key: str, purpose_id: PurposeId) -> None:
        if not self.is_granted(subject_key, purpose_id):
            raise ConsentRequired(
                f"Aucun consentement en vigueur pour la finalité « {purpose(purpose_id).name_fr} »."
            )

    def withdraw(self, subject_key: str, purpose_id: PurposeId, *, channel: str, policy_version: str) -> None:
        self.append(
            subject_key,
            purpose_id,
            granted=False,
            policy_version=policy_version,
            channel=channel,
            wording=f"Retrait du consentement : {purpose(purpose_id).name_fr}",
        )
