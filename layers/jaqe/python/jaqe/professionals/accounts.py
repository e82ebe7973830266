"""Professionals (policy 3 "référencement des professionnels"; C2-02, C3-05, C3-06, C3-07): what
they and the operators do.

Registration, the professional's own profile, operators' decisions and review queue, the leads
received, delisting to archive. The items and their transactions are `jaqe.professionals.records`;
insurance expiry is `jaqe.professionals.insurance`, documents `jaqe.professionals.documents`.

Retention (purpose PROFESSIONAL_LISTING, legal basis contract): a registration awaiting review
expires after PENDING_REGISTRATION_PERIOD (30 days) with its documents and login; while the
professional is approved the profile, its documents and its listing entries carry no
`expires_at`; on delisting (or rejection) the profile and its documents get
`expires_at = end + 5 years` and the listing entries are deleted in the same transaction.
Listing entries exist exactly while the professional is approved and insured
(`listed` = status approved and insurance_valid_until >= today).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from jaqe.platform import clock
from jaqe.platform.cognito import Logins, temporary_password
from jaqe.platform.cursors import encode_cursor, read_cursor
from jaqe.platform.errors import Conflict, InvalidInput
from jaqe.platform.ids import new_id
from jaqe.platform.mail import Mailer
from jaqe.platform.observability import logger
from jaqe.platform.store import SEGMENT_INDEX, Item, Store, query_index_page, query_professional_index
from jaqe.platform.templates import (
    professional_account_exists,
    professional_approved,
    professional_delisted,
    professional_invitation,
    professional_rejected,
)
from jaqe.professionals.model import (
    ProfessionalIn,
    ProfilePatch,
    Status,
    coverage_error,
)
from jaqe.professionals.records import (
    archive_expiry,
    from_epoch,
    intervention,
    is_insured,
    load_profile,
    new_profile,
    save,
    siret_claim,
    siret_holder,
    siret_release,
    status_segment,
)


def profile_view(profile: Item) -> dict[str, Any]:
    view = {
        "professional_id": profile["pro_id"],
        "company_name": profile["company_name"],
        "siret": profile["siret"],
        "contact": dict(profile["contact"]),
        "trades": list(profile["trades"]),
        "service_areas": list(profile["service_areas"]),
        "certifications": list(profile.get("certifications", [])),
        "terms_version": profile["terms_version"],
        "status": profile["status"],
        "listed": bool(profile.get("listed")),
        "insurance_valid_until": profile.get("insurance_valid_until"),
        "registered_at": profile["registered_at"],
    }
    if profile.get("delisted_at"):
        view["delisted_at"] = profile["delisted_at"]
    if profile.get("expires_at"):
        view["archive_expires_at"] = from_epoch(int(profile["expires_at"])).isoformat()
    return view


# --- registration and profile --------------------------------------------------------------------------


def register_professional(
    data: ProfessionalIn,
    *,
    store: Store,
    mailer: Mailer,
    logins: Logins,
    subject_key: Callable[[str], str],
    login_url: str,
) -> str | None:
    """C2-02: a professional gives their data through the form; C3-06: under the contract.

    The caller answers the same whatever happens here (no account enumeration): a new address gets
    its reference and login by email; a known address is told by email that its account exists.
    A SIRET already held by another account does not stop the registration: the operators' review
    queue shows it. Returns the new professional's id (None for a known address)."""
    email = data.contact.email
    if logins.exists(email):
        _tell_account_exists(mailer, email, login_url)
        return None
    pro_id = new_id("pro")
    key = subject_key(email)
    profile = new_profile(
        pro_id,
        key,
        {
            "company_name": data.company_name,
            "siret": data.siret,
            "contact": data.contact.model_dump(),
            "trades": data.trades,
            "service_areas": data.service_areas,
            "certifications": data.certifications,
            "terms_version": data.terms_version,
        },
    )
    password = temporary_password()
    try:
        logins.create(email, pro_id, password)
    except Conflict:  # registered by a concurrent request since `exists`
        _tell_account_exists(mailer, email, login_url)
        return None
    claim = [] if siret_holder(store, data.siret) else [siret_claim(data.siret, profile)]
    try:
        save(store, None, profile, claim)
    except Exception:
        logins.delete(email)  # nothing half-written: no login without a profile
        raise
    logger.info("professional registered", extra={"pro_id": pro_id, "subject_key": key})
    mailer.send(professional_invitation(email, data.company_name, pro_id, password))
    return pro_id


def _tell_account_exists(mailer: Mailer, email: str, login_url: str) -> None:
    logger.info("registration for an existing professional account")
    mailer.send(professional_account_exists(email, login_url))


def update_profile(store: Store, pro_id: str, patch: ProfilePatch) -> dict[str, Any]:
    before = load_profile(store, pro_id)
    if before["status"] == Status.DELISTED:
        raise Conflict("Ce profil est déréférencé et archivé : il ne peut plus être modifié.")
    after = dict(before)
    if patch.trades is not None:
        after["trades"] = patch.trades
    if patch.service_areas is not None:
        after["service_areas"] = patch.service_areas
    if patch.certifications is not None:
        after["certifications"] = patch.certifications
    if patch.contact is not None:
        after["contact"] = {**before["contact"], **patch.contact.model_dump(exclude_none=True)}
    if error := coverage_error(after["trades"], after["service_areas"]):
        raise InvalidInput(error, errors=[{"field": "service_areas", "message": error}])
    after["updated_at"] = clock.now().isoformat()
    save(store, before, after)
    logger.info("professional profile updated", extra={"pro_id": pro_id})
    return profile_view(after)


def approve(store: Store, mailer: Mailer, pro_id: str, operator: str) -> dict[str, Any]:
    before = load_profile(store, pro_id)
    if before["status"] not in (Status.PENDING_REVIEW, Status.REJECTED):
        raise Conflict(f"Ce professionnel ne peut pas être approuvé (statut : {before['status']}).")
    if not is_insured(before, clock.now().date()):
        raise Conflict(
            "Aucune attestation d'assurance en cours de validité n'a été acceptée pour ce professionnel."
        )
    holder = siret_holder(store, before["siret"])
    if holder not in (None, pro_id):
        raise Conflict(
            f"Ce SIRET est déjà celui d'un autre compte professionnel ({holder}) : "
            "vérifiez les deux dossiers avant d'en approuver un."
        )
    # No expiry once approved: nor one a hold set aside (`held_expires_at`) to give back when lifted.
    dropped = ("expires_at", "expiry_day", "held_expires_at", "rejection_reason")
    after = {k: v for k, v in before.items() if k not in dropped}
    after.update(status=Status.APPROVED.value, approved_at=clock.now().isoformat(), decided_by=operator)
    save(store, before, after, [] if holder else [siret_claim(before["siret"], after)])
    logger.info("professional approved", extra={"pro_id": pro_id, "listed": after["listed"]})
    mailer.send(professional_approved(after["contact"]["email"], after["company_name"], after["listed"]))
    return {"professional_id": pro_id, "status": after["status"], "listed": after["listed"]}


def reject(store: Store, mailer: Mailer, pro_id: str, operator: str, reason: str | None) -> dict[str, Any]:
    before = load_profile(store, pro_id)
    if before["status"] not in (Status.PENDING_REVIEW, Status.APPROVED):
        raise Conflict(f"Ce professionnel ne peut pas être refusé (statut : {before['status']}).")
    now = clock.now()
    after = {
        **before,
        "status": Status.REJECTED.value,
        "rejected_at": now.isoformat(),
        "decided_by": operator,
    }
    if reason:
        after["rejection_reason"] = reason
    after.update(archive_expiry(now))
    save(store, before, after)
    logger.info("professional rejected", extra={"pro_id": pro_id})
    mailer.send(professional_rejected(after["contact"]["email"], after["company_name"], reason))
    return {"professional_id": pro_id, "status": after["status"], "listed": False}


def delist(store: Store, mailer: Mailer, logins: Logins, pro_id: str) -> dict[str, Any]:
    """C3-07: the listing ends; profile and documents are archived for five years."""
    before = load_profile(store, pro_id)
    if before["status"] == Status.DELISTED:
        raise Conflict("Ce profil est déjà déréférencé.")
    now = clock.now()
    after = {**before, "status": Status.DELISTED.value, "delisted_at": now.isoformat()}
    after.update(archive_expiry(now))
    save(store, before, after, [siret_release(before["siret"])])
    archive_interventions(store, pro_id, before["subject_key"], archive_expiry(now))
    logins.delete(before["contact"]["email"])
    archive_until = from_epoch(int(after["expires_at"])).date().isoformat()
    logger.info("professional delisted", extra={"pro_id": pro_id, "expires_at": after["expires_at"]})
    mailer.send(professional_delisted(before["contact"]["email"], before["company_name"], archive_until))
    return {
        "professional_id": pro_id,
        "status": after["status"],
        "delisted_at": after["delisted_at"],
        "archive_expires_at": from_epoch(int(after["expires_at"])).isoformat(),
    }


def archive_interventions(store: Store, pro_id: str, subject_key: str, expiry: Item) -> int:
    """C3-05, C3-07: the professional's interventions (leads received, quotes accepted) join the
    archive for the listing + 5 years. The consumer's own data keeps its 3-year rule: an
    intervention records the professional's activity (trade, departement, dates), not the consumer."""
    archived, cursor = 0, None
    while True:
        disclosures, cursor = query_professional_index(store, pro_id, limit=100, start_key=cursor)
        for disclosure in disclosures:
            if disclosure.get("item_type") != "disclosure" or disclosure.get("pro_id") != pro_id:
                continue
            store.put(intervention(pro_id, subject_key, disclosure, expiry))
            archived += 1
        if cursor is None:
            return archived


# --- operators' review queue -------------------------------------------------------------

_REVIEW_CURSOR_KEYS = {"pk", "sk", "segment", "created_at"}


def review_view(profile: Item, today: date, siret_held_by: str | None) -> dict[str, Any]:
    """What an operator needs to decide (company, SIRET and whether another account holds it,
    coverage, insurance): no contact data."""
    used_elsewhere = siret_held_by not in (None, profile["pro_id"])
    return {
        "professional_id": profile["pro_id"],
        "company_name": profile["company_name"],
        "siret": profile["siret"],
        "siret_used_by_another_account": used_elsewhere,
        "siret_used_by": siret_held_by if used_elsewhere else None,
        "trades": list(profile["trades"]),
        "service_areas": list(profile["service_areas"]),
        "status": profile["status"],
        "listed": bool(profile.get("listed")),
        "insured": is_insured(profile, today),
        "insurance_valid_until": profile.get("insurance_valid_until"),
        "registered_at": profile["registered_at"],
    }


def list_by_status(store: Store, status: Status, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """Profiles with this status, oldest registration first (index by_segment), one page at a time."""
    segment = status_segment(status.value)
    start = read_cursor(cursor, _REVIEW_CURSOR_KEYS) if cursor else None
    if start and start["segment"] != segment:
        raise InvalidInput("Ce curseur appartient à une autre liste.")
    items, last = query_index_page(store, SEGMENT_INDEX, "segment", segment, limit=limit, start_key=start)
    today = clock.now().date()
    return {
        "status": status.value,
        "professionals": [
            review_view(i, today, siret_holder(store, i["siret"]))
            for i in items
            if i.get("item_type") == "professional"
        ],
        "next_cursor": encode_cursor(last) if last else None,
    }
