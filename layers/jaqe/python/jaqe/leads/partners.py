"""Commercial partners (C4-05): data goes to them only with the person's specific consent.

An operator exports the people whose current choice for `commercial_partners` is granted,
and only them; each person exported is recorded as a disclosure (who received what,
when, under which consent, and the person's reference in that export), so access requests list
the partner and erasure, restriction and rectification notices reach it (Art. 19). The export runs
asynchronously (a queue and its worker): the file is written to the partner-exports bucket as the
people are read, and the operator downloads it through a short-lived link.

A consent given in a form counts only once the person confirms the address from the link the
quote confirmation email carries (anyone can type anyone's address); unconfirmed, it lapses after
30 days (`jaqe.privacy.consent`).

The partners directory holds one entry per partner named in an export: its name and the contact
that Art. 19 notices go to. A notice for a partner without a contact becomes an operator's task.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

from jaqe.leads.records import (
    PARTNER,
    PARTNER_TASKS,
    PARTNERS,
    export_key,
    lead_key,
    partner_disclosure,
    partner_entry,
    partner_export,
    partner_key,
    partner_task,
)
from jaqe.platform import clock
from jaqe.platform.errors import LinkGone
from jaqe.platform.ids import new_id
from jaqe.platform.keyed_hash import link_token
from jaqe.platform.objects import ObjectStore
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


class ExportStatus(StrEnum):
    PENDING = "pending"  # recorded and queued; the worker has not finished writing the file
    COMPLETE = "complete"  # the file is in the partner-exports bucket: its status gives a link


EXPORT_COLUMNS = ("reference", *EXPORTED_FIELDS)
# What `new_id("exp")` makes.
EXPORT_ID = re.compile(r"exp_[0-9a-f]{32}")
# People read together: one BatchGetItem each for their flags, suppressions and quote requests.
EXPORT_BATCH = 100
# The operator downloads the file once and hands it to the partner: a short-lived link.
DOWNLOAD_LINK_SECONDS = 900


def export_object_key(export_id: str) -> str:
    """Where an export's file lives: its id only (no partner name, nothing personal)."""
    return f"partner-exports/{export_id}.csv"


def consenting_grants(store: Store, purpose_id: PurposeId) -> dict[str, ConsentEvent]:
    """The latest event of each subject whose consent to `purpose_id` counts (granted; address
    confirmed where the purpose asks it, so a pending or lapsed grant does not). The segment index is
    read page by page; what stays in memory is one event per person who ever decided (not the rows)."""
    latest: dict[str, list[ConsentEvent]] = {}
    for item in store.query_index(SEGMENT_INDEX, "segment", f"consent#{purpose_id.value}"):
        latest.setdefault(item["subject_key"], []).append(ConsentEvent.from_item(item))
    now = clock.now()
    counting = {key: derive_state(events)[purpose_id] for key, events in latest.items()}
    return {key: event for key, event in sorted(counting.items()) if event.counts(now)}


def contacts_of(store: Store, grants: dict[str, ConsentEvent]) -> dict[str, dict[str, Any]]:
    """The contact each person gave with the consent: the quote request the grant came from (100 per
    BatchGetItem); a grant from elsewhere (or whose request is gone): the person's latest quote
    request on the subject index. Nobody's when no quote request of theirs remains."""
    from_leads = {
        lead["subject_key"]: dict(lead["contact"])
        for lead in store.get_many(
            [lead_key(g.source) for g in grants.values() if g.source.startswith("lead_")],
            ("subject_key", "contact", "expires_at"),
        ).values()
        if lead.get("subject_key") in grants
    }
    for key in grants.keys() - from_leads.keys():
        leads = [i for i in store.by_subject(key) if i.get("item_type") == "lead"]
        if leads:
            from_leads[key] = dict(max(leads, key=lambda lead: lead["received_at"])["contact"])
    return from_leads


class PartnerExports:
    """An operator asks for an export (recorded, then queued: `enqueue(export_id)`); the worker writes
    the file to the partner-exports bucket as it reads, in parts (`run`); its status then gives a
    short-lived link. Each person in the file is recorded as a disclosure to that partner."""

    def __init__(
        self, store: Store, objects: ObjectStore, bucket: str, enqueue: Callable[[str], None] | None = None
    ) -> None:
        self.store, self.objects, self.bucket = store, objects, bucket
        self.enqueue = enqueue

    def request(self, partner: str, operator: str) -> Item:
        export_id = new_id("exp")
        record = partner_export(
            export_id,
            {
                "export_id": export_id,
                "partner": partner,
                "operator": operator,
                "status": ExportStatus.PENDING.value,
                "requested_at": clock.now().isoformat(),
                **retention_fields(PurposeId.COMMERCIAL_PARTNERS, None),
            },
        )
        self.store.put_new(record)
        PartnerDirectory(self.store).known(partner)
        if self.enqueue is None:
            raise RuntimeError("PartnerExports.request needs an enqueue function")
        self.enqueue(export_id)
        return record

    def run(self, export_id: str) -> Item | None:
        """Write the file and the disclosures, then mark the export complete. A redelivered message
        starts again (the unfinished upload was aborted, the disclosures are overwritten with the new
        file's references); a complete export is left as it is."""
        record = self.store.get(*export_key(export_id))
        if record is None or record.get("status") == ExportStatus.COMPLETE.value:
            return record
        partner, now = str(record["partner"]), clock.now().isoformat()
        subjects = Subjects(self.store)
        grants = list(consenting_grants(self.store, PurposeId.COMMERCIAL_PARTNERS).items())
        count = 0
        with self.objects.upload(self.bucket, export_object_key(export_id), "text/csv") as upload:
            upload.write(_csv_line(EXPORT_COLUMNS))
            for start in range(0, len(grants), EXPORT_BATCH):
                batch = dict(grants[start : start + EXPORT_BATCH])
                statuses = subjects.statuses(list(batch))
                # Restricted, objected, or suppressed with no consent given since: never shared.
                allowed = {
                    k: g for k, g in batch.items() if statuses[k].may_receive(PurposeId.COMMERCIAL_PARTNERS)
                }
                contacts = contacts_of(self.store, allowed)  # none: the person's data is gone
                disclosures = []
                for key in (k for k in allowed if k in contacts):
                    reference = new_id(
                        "ref"
                    )  # how the partner and we name this person in this export (Art. 19)
                    row = (reference, *(str(contacts[key].get(f) or "") for f in EXPORTED_FIELDS))
                    upload.write(_csv_line(row))
                    disclosures.append(_disclosure(export_id, key, partner, reference, now, self.bucket))
                self.store.put_many(disclosures)
                count += len(disclosures)
        completed = {
            "status": ExportStatus.COMPLETE.value,
            "count": count,
            "exported_at": clock.now().isoformat(),
            "object_key": export_object_key(export_id),
            "object_version": upload.version_id,
        }
        self.store.put({**record, **completed})
        logger.info("partner export written", extra={"export_id": export_id, "count": count})
        return {**record, **completed}

    def status(self, export_id: str) -> Item | None:
        """What an operator sees: the link only once the file is complete (the record names its version)."""
        if not EXPORT_ID.fullmatch(export_id):
            return None  # not an id we give (any text reaches here from the path): unknown
        record = self.store.get(*export_key(export_id))
        if record is None:
            return None
        complete = record.get("status") == ExportStatus.COMPLETE.value
        link = (
            self.objects.download_url(
                self.bucket, str(record["object_key"]), str(record["object_version"]), DOWNLOAD_LINK_SECONDS
            )
            if complete
            else None
        )
        return {
            "export_id": export_id,
            "status": record["status"],
            "count": record.get("count") if complete else None,
            "download_url": link,
        }


def _disclosure(export_id: str, subject_key: str, partner: str, reference: str, at: str, bucket: str) -> Item:
    """Names the export's file too: the person's access and erasure reach it (the inventory's
    `partner_exports`), while it exists."""
    return partner_disclosure(
        export_id,
        subject_key,
        {
            "recipient": "commercial_partners",
            "company_name": partner,
            "disclosed_at": at,
            "fields": list(EXPORTED_FIELDS),
            "reference": reference,
            "s3_bucket": bucket,
            "s3_key": export_object_key(export_id),
            "legal_basis": {"purpose": PurposeId.COMMERCIAL_PARTNERS.value, "consent": "commercial_partners"},
            **retention_fields(PurposeId.COMMERCIAL_PARTNERS, subject_key),
        },
    )


def _csv_line(values: tuple[str, ...]) -> bytes:
    line = io.StringIO()
    csv.writer(line).writerow(values)
    return line.getvalue().encode()


def confirmation_url(lead_id: str) -> str:
    """The link of the quote request `lead_id`'s confirmation email that confirms its consent to
    commercial partners (the token `PartnerConsents.issue_confirmation` stored)."""
    token = link_token(CONFIRM_KIND, lead_id)
    return f"{get_settings(LinkSettings).public_api_url}{CONFIRM_PATH}?token={token}"


class PartnerConsents:
    """The address confirmation that makes a form's consent to commercial partners count."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.tokens = Tokens(store)
        self.ledger = ConsentLedger(store)

    def issue_confirmation(self, subject_key: str, pending: Item, lead_id: str) -> None:
        """The link's token for the address the consent `pending` (its ledger item) was given with the
        quote request `lead_id`; it lives as long as the consent may still be confirmed, and the
        confirmation email carries it (`confirmation_url`)."""
        payload = {
            "subject_key": subject_key,
            "purpose": PurposeId.COMMERCIAL_PARTNERS.value,
            "consent_event": pending["sk"],
        }
        self.tokens.issue(
            CONFIRM_KIND,
            payload,
            ttl=ADDRESS_CONFIRMATION_WINDOW,
            subject_key=subject_key,
            token=link_token(CONFIRM_KIND, lead_id),
        )

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
