"""Commercial partners (C4-05): data goes to them only with the person's specific consent.

An operator exports the people whose current choice for `commercial_partners` is granted,
and only them; each person exported is recorded as a disclosure (who received what,
when, under which consent, and the person's reference in that export), so access requests list
the partner and erasure, restriction and rectification notices reach it (Art. 19).

A consent given in a form counts only once the person confirms the address from the link the
quote confirmation email carries (anyone can type anyone's address); unconfirmed, it lapses after
30 days (`jaqe.privacy.consent`).

The partners directory holds one entry per partner named in an export: its name and the contact
that Art. 19 notices go to. A notice for a partner without a contact becomes an operator's task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jaqe.leads.records import (
    PARTNER,
    PARTNER_TASKS,
    PARTNERS,
    partner_disclosure,
    partner_entry,
    partner_export,
    partner_key,
    partner_task,
)
from jaqe.platform import clock
from jaqe.platform.errors import LinkGone
from jaqe.platform.ids import new_id
from jaqe.platform.observability import logger
from jaqe.platform.settings import LinkSettings, get_settings
from jaqe.platform.store import SEGMENT_INDEX, Item, Store
from jaqe.platform.tokens import Tokens
from jaqe.privacy.consent import (
    ADDRESS_CONFIRMATION_WINDOW,
    ConsentEvent,
    ConsentLedger,
    ConsentState,
    derive_state,
)
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import retention_fields
from jaqe.privacy.subject_flags import Subjects

EXPORTED_FIELDS = ("first_name", "last_name", "email", "phone")
COMMERCIAL_PARTNERS_WORDING = (
    "J'accepte que mes coordonnées soient transmises à des partenaires commerciaux de JAQE pouvant me "
    "proposer des services complémentaires."
)
CONFIRM_KIND = "partner_consent_confirm"
CONFIRM_PATH = "/v1/consents/confirm"


@dataclass
class PartnerExport:
    export_id: str
    partner: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def consenting_subjects(store: Store, purpose_id: PurposeId) -> list[str]:
    """Subjects whose latest consent event for `purpose_id` counts (granted; address confirmed where
    the purpose asks it, so a pending or lapsed grant does not)."""
    latest: dict[str, list[ConsentEvent]] = {}
    for item in store.query_index(SEGMENT_INDEX, "segment", f"consent#{purpose_id.value}"):
        latest.setdefault(item["subject_key"], []).append(ConsentEvent.from_item(item))
    now = clock.now()
    return sorted(key for key, events in latest.items() if derive_state(events)[purpose_id].counts(now))


def latest_contact(store: Store, subject_key: str) -> dict[str, Any] | None:
    leads = [i for i in store.by_subject(subject_key) if i.get("item_type") == "lead"]
    return max(leads, key=lambda lead: lead["received_at"])["contact"] if leads else None


def export_for_partner(store: Store, partner: str, operator: str) -> PartnerExport:
    export = PartnerExport(new_id("exp"), partner)
    subjects = Subjects(store)
    now = clock.now().isoformat()
    disclosures: list[Item] = []
    for key in consenting_subjects(store, PurposeId.COMMERCIAL_PARTNERS):
        contact = latest_contact(store, key)
        if contact is None or not subjects.status(key).may_receive(PurposeId.COMMERCIAL_PARTNERS):
            continue  # data gone, restricted, or suppressed with no consent given since: never shared
        reference = new_id("ref")  # how the partner and we name this person in this export (Art. 19)
        export.rows.append({"reference": reference, **{f: contact[f] for f in EXPORTED_FIELDS}})
        disclosures.append(
            partner_disclosure(
                export.export_id,
                key,
                {
                    "recipient": "commercial_partners",
                    "company_name": partner,
                    "disclosed_at": now,
                    "fields": list(EXPORTED_FIELDS),
                    "reference": reference,
                    "legal_basis": {
                        "purpose": PurposeId.COMMERCIAL_PARTNERS.value,
                        "consent": "commercial_partners",
                    },
                    **retention_fields(PurposeId.COMMERCIAL_PARTNERS, key),
                },
            )
        )
    for item in disclosures:
        store.put_new(item)
    PartnerDirectory(store).known(partner)
    store.put_new(
        partner_export(
            export.export_id,
            {
                "partner": partner,
                "operator": operator,
                "count": len(export.rows),
                "exported_at": now,
                **retention_fields(PurposeId.COMMERCIAL_PARTNERS, None),
            },
        )
    )
    return export


class PartnerConsents:
    """The address confirmation that makes a form's consent to commercial partners count."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.tokens = Tokens(store)
        self.ledger = ConsentLedger(store)

    def confirmation_url(self, subject_key: str, pending: Item) -> str:
        """A link for the address the consent `pending` (its ledger item) was given for; it lives as
        long as the consent may still be confirmed."""
        payload = {
            "subject_key": subject_key,
            "purpose": PurposeId.COMMERCIAL_PARTNERS.value,
            "consent_event": pending["sk"],
        }
        token = self.tokens.issue(
            CONFIRM_KIND, payload, ttl=ADDRESS_CONFIRMATION_WINDOW, subject_key=subject_key
        )
        return f"{get_settings(LinkSettings).public_api_url}{CONFIRM_PATH}?token={token}"

    def usable(self, token: str) -> bool:
        return self.tokens.usable(CONFIRM_KIND, token)

    def confirm(self, token: str) -> Item:
        """The person followed the link: the grant they gave counts from now (a new ledger event).
        Used, expired, or no longer their latest decision (withdrawn or given again since): 410."""
        payload = self.tokens.consume(CONFIRM_KIND, token)
        key = payload["subject_key"]
        current = self.ledger.current(key).get(PurposeId.COMMERCIAL_PARTNERS)
        if (
            current is None
            or current.event_id != payload["consent_event"]
            or current.state(clock.now()) is not ConsentState.PENDING_CONFIRMATION
        ):
            raise LinkGone()
        confirmed = self.ledger.record(
            key,
            PurposeId.COMMERCIAL_PARTNERS,
            granted=True,
            policy_version=current.policy_version,
            channel=current.channel,
            wording=COMMERCIAL_PARTNERS_WORDING,
            source=current.source,
            address_confirmed_by="email_link",
        )
        self.store.put_new(confirmed)
        logger.info("commercial partners consent confirmed", extra={"subject_key": key})
        return confirmed


# A partner's contract as the directory keeps it (ISO dates), from `PartnerContract`.
CONTRACT_FIELDS = ("country", "transfer_safeguard", "contract_signed_on", "dpa_signed_on", "next_review_on")


class PartnerDirectory:
    """The commercial partners that exports name, and whom Art. 19 notices reach."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, name: str, email: str, operator: str, contract: dict[str, str] | None = None) -> Item:
        """Add a partner or set its contact and contract (the name is kept as first written; contract
        fields not given keep their value)."""
        current = self.store.get(*partner_key(name))
        entry = partner_entry(
            str(current["name"]) if current else name,
            {
                **{k: v for k, v in (current or {}).items() if k in CONTRACT_FIELDS},
                **(contract or {}),
                "contact_email": email,
                "added_at": (current or {}).get("added_at", clock.now().isoformat()),
                "updated_by": operator,
                "updated_at": clock.now().isoformat(),
            },
        )
        self.store.put(entry)
        return entry

    def known(self, name: str) -> None:
        """An export named this partner: it is in the directory, with no contact until an operator adds one."""
        if self.store.get(*partner_key(name)) is None:
            self.store.put(partner_entry(name, {"added_at": clock.now().isoformat()}))

    def entries(self) -> list[Item]:
        return self.store.query(PARTNERS, PARTNER)

    def reviews_due(self, on: date) -> list[Item]:
        """Partners whose contract review date has passed, or that no review has dated yet (an export
        named them before an operator recorded their contract): the DPO's monthly report lists them."""
        return [e for e in self.entries() if str(e.get("next_review_on") or "") < on.isoformat()]

    def contact_of(self, name: str) -> str | None:
        entry = self.store.get(*partner_key(name))
        return str(entry["contact_email"]) if entry and entry.get("contact_email") else None

    def open_task(self, request_id: str, partner: str, **fields: Any) -> Item:
        """A notice no contact could carry: an operator tells the partner (ids and references only)."""
        task = partner_task(clock.now().isoformat(), request_id, partner, fields)
        self.store.put(task)
        return task

    def tasks(self) -> list[Item]:
        return self.store.query(PARTNER_TASKS)
