"""The consent ledger (Art. 7): append-only events; the current state is derived.

Each event records the purpose, granted or withdrawn, the policy version, the channel,
the time and a hash of the wording shown, so that consent can be proven. Processing
that needs consent asks `ConsentLedger.require` first.

A purpose whose consent needs a confirmed address (commercial partners) is granted in two events:
the form's grant, pending until `confirm_by`, then the grant the person confirmed from a link sent to
that address (`address_confirmed_by`, `address_confirmed_at`). Nothing is rewritten: a pending grant
never confirmed simply stops counting at `confirm_by` (it has lapsed).

An erasure keeps each event as a pseudonymous proof (`pseudonymous_proof`, Art. 7(1)): the subject
key (a keyed hash of the address), the purpose, granted or withdrawn, the policy version, the hash of
the wording shown, the channel and the dates, nothing else, for the same five years from the event
(the limitation period). A proof is no longer a decision: the ledger reads events only, so after an
erasure nothing the person consented to before counts, and a new relationship starts from new events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from jaqe.platform import clock
from jaqe.platform.errors import Forbidden
from jaqe.platform.ids import new_id
from jaqe.platform.store import SEGMENT_INDEX, Item, Store
from jaqe.privacy.records import CONSENT, consent_sk, subject_pk
from jaqe.privacy.register import PurposeId, purpose
from jaqe.privacy.retention import retention_fields

# How long a grant waits for its address to be confirmed before it lapses.
ADDRESS_CONFIRMATION_WINDOW = timedelta(days=30)


class ConsentState(StrEnum):
    GRANTED = "granted"  # counts (its address confirmed where the purpose asks it)
    PENDING_CONFIRMATION = "pending_confirmation"  # granted in a form, address not yet confirmed
    LAPSED = "lapsed"  # granted in a form, address never confirmed in time: does not count
    WITHDRAWN = "withdrawn"


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
    event_id: str = ""
    confirm_by: datetime | None = None
    address_confirmed_by: str = ""
    address_confirmed_at: datetime | None = None

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
            event_id=item["sk"],
            confirm_by=_moment(item.get("confirm_by")),
            address_confirmed_by=item.get("address_confirmed_by", ""),
            address_confirmed_at=_moment(item.get("address_confirmed_at")),
        )

    def state(self, now: datetime) -> ConsentState:
        if not self.granted:
            return ConsentState.WITHDRAWN
        if not purpose(self.purpose).needs_confirmed_address or self.address_confirmed_by:
            return ConsentState.GRANTED
        # A grant recorded without a deadline predates address confirmation: it never counts.
        if self.confirm_by is not None and now < self.confirm_by:
            return ConsentState.PENDING_CONFIRMATION
        return ConsentState.LAPSED

    def counts(self, now: datetime) -> bool:
        return self.state(now) is ConsentState.GRANTED

    def status(self, now: datetime) -> dict[str, str | None]:
        """What a person (or an operator) reads about this decision."""
        return {
            "state": self.state(now).value,
            "policy_version": self.policy_version,
            "channel": self.channel,
            "occurred_at": self.occurred_at.isoformat(),
            "confirm_by": self.confirm_by.isoformat() if self.confirm_by else None,
            "address_confirmed_by": self.address_confirmed_by or None,
            "address_confirmed_at": self.address_confirmed_at.isoformat()
            if self.address_confirmed_at
            else None,
        }


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def derive_state(events: Iterable[ConsentEvent]) -> dict[PurposeId, ConsentEvent]:
    """The latest event per purpose: what the person has currently decided."""
    current: dict[PurposeId, ConsentEvent] = {}
    for event in sorted(events, key=lambda e: e.occurred_at):
        current[event.purpose] = event
    return current


CONSENT_EVENT = "consent_event"
# What a proof keeps of an event: whose (subject key), what was decided, under which wording and policy,
# how, when, and its retention. Left out: `source` (the request it came from, erased with it) and
# `segment` (the index that selects people who consented: a proof selects no one).
PROOF_FIELDS = (
    "pk",
    "sk",
    "consent_purpose",
    "granted",
    "policy_version",
    "wording_hash",
    "channel",
    "occurred_at",
    "confirm_by",
    "address_confirmed_by",
    "address_confirmed_at",
    "subject_key",
    "purpose",
    "created_at",
    "expires_at",
    "expiry_day",
)


def pseudonymous_proof(event: Item) -> Item:
    """What an erasure leaves of a consent event (same key, same expiry): the proof, and nothing personal."""
    return {
        **{name: event[name] for name in PROOF_FIELDS if name in event},
        "item_type": "consent_proof",
        "kept_as_proof_at": clock.now().isoformat(),
    }


def consent_statuses(items: Iterable[Item]) -> dict[str, dict[str, str | None]]:
    """The person's current decision per purpose, from their items (any kind: the consent events are
    picked), with its state now: granted, pending confirmation, lapsed or withdrawn."""
    events = [ConsentEvent.from_item(i) for i in items if i.get("item_type") == CONSENT_EVENT]
    now = clock.now()
    return {p.value: event.status(now) for p, event in sorted(derive_state(events).items())}


def consent_segment(purpose_id: PurposeId) -> str:
    """The `by_segment` partition of a purpose's consent events, sorted by when they were recorded."""
    return f"consent#{purpose_id.value}"


def events_recorded_between(store: Store, purpose_id: PurposeId, start: str, end: str) -> list[ConsentEvent]:
    """A purpose's consent events recorded from `start` to `end` (ISO dates or times, `end` excluded):
    one Query on `by_segment`. A proof an erasure left is no longer in the segment (it selects no one)."""
    items = store.query_index(
        SEGMENT_INDEX, "segment", consent_segment(purpose_id), created_between=(start, end)
    )
    return [
        ConsentEvent.from_item(i)
        for i in items
        if i.get("item_type") == CONSENT_EVENT and i["created_at"] < end
    ]


class ConsentRequired(Forbidden):
    type_slug = "consent-required"
    title = "Consentement requis"


def consent_required(purpose_id: PurposeId) -> ConsentRequired:
    return ConsentRequired(
        f"Aucun consentement en vigueur pour la finalité « {purpose(purpose_id).name_fr} »."
    )


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
        address_confirmed_by: str = "",
    ) -> Item:
        """The item of one consent event; the caller writes it (alone or in a transaction).

        A grant for a purpose that needs a confirmed address is pending unless `address_confirmed_by`
        says how the person confirmed it (e.g. "email_link"). A purpose resting on legitimate interest
        takes refusals only: an objection made where the data is collected (L.34-5 CPCE), kept as proof."""
        if not purpose(purpose_id).needs_consent and (granted or not purpose(purpose_id).objection.applies):
            raise ValueError(f"{purpose_id} does not rest on consent")
        now = clock.now()
        confirmation: dict[str, str] = {}
        if address_confirmed_by:
            confirmation = {
                "address_confirmed_by": address_confirmed_by,
                "address_confirmed_at": now.isoformat(),
            }
        elif granted and purpose(purpose_id).needs_confirmed_address:
            confirmation = {"confirm_by": (now + ADDRESS_CONFIRMATION_WINDOW).isoformat()}
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
            **confirmation,
            # Who consented to a purpose is found through the segment index (e.g. partner exports).
            "segment": consent_segment(purpose_id),
            **retention_fields(PurposeId.CONSENT_PROOFS, subject_key),
        }

    def append(self, subject_key: str, purpose_id: PurposeId, **event: object) -> None:
        self.store.put_new(self.record(subject_key, purpose_id, **event))  # type: ignore[arg-type]

    def events(self, subject_key: str) -> list[ConsentEvent]:
        items = self.store.query(subject_pk(subject_key), CONSENT)
        return [ConsentEvent.from_item(i) for i in items if i.get("item_type") == CONSENT_EVENT]

    def current(self, subject_key: str) -> dict[PurposeId, ConsentEvent]:
        return derive_state(self.events(subject_key))

    def is_granted(self, subject_key: str, purpose_id: PurposeId) -> bool:
        event = self.current(subject_key).get(purpose_id)
        return bool(event and event.counts(clock.now()))

    def require(self, subject_key: str, purpose_id: PurposeId) -> None:
        if not self.is_granted(subject_key, purpose_id):
            raise consent_required(purpose_id)

    def withdraw(self, subject_key: str, purpose_id: PurposeId, *, channel: str, policy_version: str) -> None:
        self.append(
            subject_key,
            purpose_id,
            granted=False,
            policy_version=policy_version,
            channel=channel,
            wording=f"Retrait du consentement : {purpose(purpose_id).name_fr}",
        )
