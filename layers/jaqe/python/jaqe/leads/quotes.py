"""Quote requests (policy 3, C3-01..C3-04, C4-02): store the lead, match, share, confirm.

Legal basis: consent to be put in contact (`partner_matching`, mandatory) and
pre-contractual measures. Other consents are optional and never assumed.

Each request records its own consent, so a request after an erasure starts a new relationship: it
is matched and shared like any other (the suppression entry stops marketing and partner exports,
not the service asked for); only a restriction keeps a request from being shared. The confirmation
email says what happened: shared with whom (with the link to accept a quote), or with no one, and why.
Its emails are queued by ids and rendered from the lead and its disclosures when sent (`mails`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from jaqe.leads.acceptance import acceptance_digest
from jaqe.leads.mails import confirmation_mail, professional_mail
from jaqe.leads.matching import Candidate, choose
from jaqe.leads.model import QuoteRequestAccepted, QuoteRequestIn
from jaqe.leads.partners import COMMERCIAL_PARTNERS_WORDING, PartnerConsents
from jaqe.leads.records import RECEIVED_UNDER_RESTRICTION, new_disclosure, new_lead
from jaqe.marketing.newsletter import Newsletter
from jaqe.platform import clock
from jaqe.platform.ids import new_id
from jaqe.platform.mail import QueueingMailer
from jaqe.platform.observability import logger
from jaqe.platform.store import Item, Store, expiry_fields
from jaqe.platform.validation import (
    departement_of,
)
from jaqe.privacy.consent import ConsentEvent, ConsentLedger, consent_required
from jaqe.privacy.register import PurposeId, purpose
from jaqe.privacy.retention import retention_fields
from jaqe.privacy.subject_flags import Subjects, restricted_in
from jaqe.professionals.records import PROFILE_SK, listing_pk, profile_pk

PARTNER_MATCHING_WORDING = (
    "J'accepte que JAQE transmette ma demande et mes coordonnées aux professionnels référencés "
    "en mesure d'y répondre."
)
# Told next to the consent boxes (soft opt-in, art. L.34-5 CPCE), with the box to refuse right there.
SIMILAR_SERVICES_NOTICE = (
    "JAQE pourra vous adresser des emails sur des services analogues à celui que vous demandez ; "
    "vous pouvez le refuser ici ou à tout moment depuis chacun de ces emails."
)
SIMILAR_SERVICES_REFUSAL_WORDING = "Je refuse de recevoir ces emails sur des services analogues."
# What a professional receives: enough to answer the request, nothing more.
SHARED_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "trade",
    "description",
    "postcode",
    "city",
    "timeframe",
)
LEAD_PURPOSES = {
    PurposeId.QUOTE_MATCHING.value,
    PurposeId.SIMILAR_SERVICES_EMAILS.value,
    PurposeId.COMMERCIAL_PARTNERS.value,
}


class QuoteRequests:
    def __init__(
        self,
        store: Store,
        mailer: QueueingMailer,
        subject_key: Callable[[str], str],
        *,
        max_matches: int = 3,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.mailer = mailer
        self.subject_key = subject_key
        self.max_matches = max_matches
        self.rng = rng or random.Random()  # noqa: S311 - rotation tie-break, not security
        self.ledger = ConsentLedger(store)

    def submit(self, data: QuoteRequestIn, source_site: str) -> QuoteRequestAccepted:
        key = self.subject_key(data.contact.email)
        lead_id = new_id("lead")
        now = clock.now()
        # Read before writing: the person's earlier items (whose expiry this contact moves) and flags,
        # as the subject index holds them (keys, purpose, expiry, restriction).
        earlier = self.store.subject_entries(key)
        restricted = restricted_in(earlier)
        lead = new_lead(
            lead_id,
            {
                "project": data.project.model_dump(),
                "contact": data.contact.model_dump(),
                "consents": data.consents.model_dump(),
                "policy_version": data.policy_version,
                "source_site": source_site,
                "received_at": now.isoformat(),
                # Similar-services mailings select past requesters by trade and month through an index.
                "segment": f"{data.project.trade}#{now:%Y-%m}",
                **acceptance_digest(lead_id),
                **({RECEIVED_UNDER_RESTRICTION: True} if restricted else {}),
                **retention_fields(PurposeId.QUOTE_MATCHING, key),
            },
        )
        matching_consent = self._consent(
            key, PurposeId.QUOTE_MATCHING, PARTNER_MATCHING_WORDING, data, lead_id
        )
        consents = [matching_consent]
        partners_consent = None
        if data.consents.commercial_partners:
            # Pending until the person confirms the address from the link in the confirmation email.
            partners_consent = self._consent(
                key, PurposeId.COMMERCIAL_PARTNERS, COMMERCIAL_PARTNERS_WORDING, data, lead_id
            )
            consents.append(partners_consent)
        if data.consents.refuse_similar_services:
            consents.append(
                self.ledger.record(
                    key,
                    PurposeId.SIMILAR_SERVICES_EMAILS,
                    granted=False,
                    policy_version=data.policy_version,
                    channel="quote_form",
                    wording=f"{SIMILAR_SERVICES_NOTICE} {SIMILAR_SERVICES_REFUSAL_WORDING}",
                    source=lead_id,
                )
            )
        self.store.transact([lead, *consents])
        if data.consents.refuse_similar_services:
            # The ledger event is the proof; the flag is what similar-services mailings read.
            Subjects(self.store).object_to(key, [PurposeId.SIMILAR_SERVICES_EMAILS])
        self.refresh_last_contact(earlier)

        if restricted:
            logger.info("lead not shared: subject restricted", extra={"lead_id": lead_id})
        shared_with = [] if restricted else self._match_and_share(key, lead_id, data, matching_consent)
        if partners_consent:
            PartnerConsents(self.store).issue_confirmation(key, partners_consent, lead_id)
        self.mailer.queue(confirmation_mail(lead_id, shared_with), limited_to=data.contact.email)
        if data.consents.newsletter:
            Newsletter(self.store, self.mailer, self.subject_key).subscribe(
                data.contact.email, data.policy_version, channel="quote_form"
            )
        logger.info(
            "quote request stored",
            extra={"lead_id": lead_id, "subject_key": key, "matched": len(shared_with)},
        )
        return QuoteRequestAccepted(request_id=lead_id, matched_professionals=len(shared_with))

    def _consent(
        self, key: str, purpose_id: PurposeId, wording: str, data: QuoteRequestIn, lead_id: str
    ) -> Item:
        return self.ledger.record(
            key,
            purpose_id,
            granted=True,
            policy_version=data.policy_version,
            channel="quote_form",
            wording=wording,
            source=lead_id,
        )

    def refresh_last_contact(self, earlier: list[Item]) -> None:
        """A new contact moves "last contact": the person's earlier lead data (`earlier`, read before
        this request wrote) is kept three more years from now (an email waiting in the outbox keeps its
        own short expiry)."""
        expires = expiry_fields(purpose(PurposeId.QUOTE_MATCHING).expires_at(clock.now()))
        for item in earlier:
            if item["purpose"] in LEAD_PURPOSES and item["item_type"] != "outgoing_mail":
                self.store.update(item["pk"], item["sk"], expires)

    def _match_and_share(self, key: str, lead_id: str, data: QuoteRequestIn, consent: Item) -> list[str]:
        """The professionals the lead was shared with, in the order they were matched."""
        # The consent this request recorded, in the same transaction as the lead, is the latest event
        # for the purpose: deciding from it spares reading the ledger back.
        if not ConsentEvent.from_item(consent).counts(clock.now()):
            raise consent_required(PurposeId.QUOTE_MATCHING)
        departement = departement_of(data.project.postcode)
        listing = self.store.query(listing_pk(data.project.trade, departement))
        chosen = choose(
            [Candidate.from_listing(i) for i in listing], self.max_matches, clock.now().date(), self.rng
        )
        profiles = self.store.get_many([(profile_pk(c.pro_id), PROFILE_SK) for c in chosen])
        shared = {**data.contact.model_dump(), **data.project.model_dump()}
        shared_with = []
        for position, candidate in enumerate(chosen):
            profile = profiles.get((profile_pk(candidate.pro_id), PROFILE_SK))
            if not profile or profile.get("status") != "approved" or not profile.get("listed"):
                continue  # listing entry outlived its professional: never share with them
            self._disclose(key, lead_id, candidate, shared, position)
            self.mailer.queue(professional_mail(lead_id, candidate.pro_id))
            shared_with.append(candidate.pro_id)
        return shared_with

    def _disclose(
        self, key: str, lead_id: str, candidate: Candidate, shared: dict[str, Any], position: int
    ) -> None:
        now = clock.now().isoformat()
        disclosure = new_disclosure(
            lead_id,
            candidate.pro_id,
            {
                "company_name": candidate.company_name,
                "recipient": "listed_professionals",
                "disclosed_at": now,
                "fields": list(SHARED_FIELDS),
                "shared": {k: shared[k] for k in SHARED_FIELDS},
                "legal_basis": {"purpose": PurposeId.QUOTE_MATCHING.value, "consent_source": lead_id},
                "accepted": False,
                **retention_fields(PurposeId.QUOTE_MATCHING, key),
            },
        )
        self.store.put_new(disclosure)
        self.store.update(
            listing_pk(shared["trade"], departement_of(shared["postcode"])),
            profile_pk(candidate.pro_id),
            {"last_matched_at": f"{now}#{position}"},
        )
