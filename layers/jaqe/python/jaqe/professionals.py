"""Professionals (policy 3 "référencement des professionnels"; C2-02, C3-05, C3-06, C3-07).

Registration, the professional's own profile, operators' decisions, the listing entries that
matching reads, insurance expiry and delisting to archive.

Retention (purpose PROFESSIONAL_LISTING, legal basis contract): while the relationship lasts
(pending review, approved) the profile, its documents and its listing entries carry no
`expires_at`; on delisting (or rejection) the profile and its documents get
`expires_at = end + 5 years` and the listing entries are deleted in the same transaction.

Listing entries exist exactly while the professional is approved and insured
(`listed` = status approved and insurance_valid_until >= today). Every write of a profile
goes through `_save`, which moves the entries, the insurance watch item and the documents'
expiry with the profile in one DynamoDB transaction, guarded by the profile's `version`.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from jaqe import aws, clock
from jaqe.departements import check_departement, check_siret
from jaqe.errors import Conflict, Forbidden, InvalidInput, NotFound
from jaqe.ids import new_id
from jaqe.mail import Mailer
from jaqe.observability import logger
from jaqe.register import PurposeId, purpose
from jaqe.settings import LoginSettings, get_settings
from jaqe.store import (
    SEGMENT_INDEX,
    Item,
    Store,
    expiry_fields,
    plain,
    query_before,
    query_index_page,
    query_professional_index,
    transact_actions,
)
from jaqe.subject import normalise_email
from jaqe.templates import (
    professional_approved,
    professional_delisted,
    professional_insurance_expired,
    professional_invitation,
    professional_rejected,
)
from jaqe.trades import check_trade
from jaqe.validation import Email, FrenchPhone, Name, PolicyVersion, ShortText, bounded, departement_of

MAX_TRADES = 4
MAX_AREAS = 20
# One DynamoDB transaction moves every entry of a profile (old and new ones): at most 100 actions.
MAX_LISTING_ENTRIES = 40
PROFILE_SK = "PROFILE"
INSURANCE_WATCH_PK = "INSURANCE_WATCH"


class Status(StrEnum):
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    DELISTED = "delisted"


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


TradeId = Annotated[str, StringConstraints(max_length=40), AfterValidator(check_trade)]
Departement = Annotated[str, StringConstraints(max_length=3), AfterValidator(check_departement)]
Siret = Annotated[str, StringConstraints(max_length=20), AfterValidator(check_siret)]
Label = Annotated[str, bounded(1, 60)]
Trades = Annotated[list[TradeId], Field(min_length=1, max_length=MAX_TRADES), AfterValidator(_unique)]
Areas = Annotated[list[Departement], Field(min_length=1, max_length=MAX_AREAS), AfterValidator(_unique)]
Certifications = Annotated[list[Label], Field(max_length=20), AfterValidator(_unique)]


def _coverage_error(trades: list[str], areas: list[str]) -> str | None:
    if len(trades) * len(areas) > MAX_LISTING_ENTRIES:
        return (
            f"au plus {MAX_LISTING_ENTRIES} couples métier × département "
            f"({len(trades)} × {len(areas)} demandés)"
        )
    return None


class ProContact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: Name
    last_name: Name
    email: Email
    phone: FrenchPhone


class ProfessionalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company_name: ShortText
    siret: Siret
    contact: ProContact
    trades: Trades
    service_areas: Areas
    certifications: Certifications = []
    terms_version: PolicyVersion

    @model_validator(mode="after")
    def _coverage(self) -> ProfessionalIn:
        if error := _coverage_error(self.trades, self.service_areas):
            raise ValueError(error)
        return self


class ContactPatch(BaseModel):
    """The login email is not changed here (it is the Cognito username): write to support."""

    model_config = ConfigDict(extra="forbid")

    first_name: Name | None = None
    last_name: Name | None = None
    phone: FrenchPhone | None = None


class ProfilePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trades: Trades | None = None
    service_areas: Areas | None = None
    certifications: Certifications | None = None
    contact: ContactPatch | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> ProfilePatch:
        if not self.model_dump(exclude_none=True):
            raise ValueError("rien à modifier (trades, service_areas, certifications ou contact)")
        return self


class RegistrationAccepted(BaseModel):
    professional_id: str
    status: str


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, bounded(1, 500)] | None = None


# --- logins (Cognito) -------------------------------------------------------------------


class Logins(Protocol):
    def create(self, email: str, pro_id: str, temporary_password: str) -> None: ...

    def delete(self, email: str) -> None: ...


class CognitoLogins:
    """The professionals' user pool. Cognito's own invitation is suppressed: we send ours (French,
    with the controller footer) so that every email goes through the same mailer."""

    def create(self, email: str, pro_id: str, temporary_password: str) -> None:
        from botocore.exceptions import ClientError

        try:
            aws.client("cognito-idp").admin_create_user(
                UserPoolId=get_settings(LoginSettings).user_pool_id,
                Username=normalise_email(email),
                UserAttributes=[
                    {"Name": "email", "Value": normalise_email(email)},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "custom:pro_id", "Value": pro_id},
                ],
                TemporaryPassword=temporary_password,
                MessageAction="SUPPRESS",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "UsernameExistsException":
                raise Conflict("Un compte professionnel existe déjà pour cette adresse email.") from error
            raise

    def delete(self, email: str) -> None:
        from botocore.exceptions import ClientError

        try:
            aws.client("cognito-idp").admin_delete_user(
                UserPoolId=get_settings(LoginSettings).user_pool_id, Username=normalise_email(email)
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "UserNotFoundException":
                raise


def temporary_password() -> str:
    """Meets the pool's policy (12+ characters, upper, lower, digit, symbol). Never logged."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(14))
    return f"Jq{core}7#"


# --- items ------------------------------------------------------------------------------


def _from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def profile_pk(pro_id: str) -> str:
    return f"PRO#{pro_id}"


def _owner_fields(profile: Item) -> Item:
    """What every item of a professional carries: subject key, purpose, creation time."""
    return {
        "subject_key": profile["subject_key"],
        "purpose": PurposeId.PROFESSIONAL_LISTING.value,
        "created_at": clock.now().isoformat(),
    }


def is_insured(profile: Item, today: date) -> bool:
    valid_until = profile.get("insurance_valid_until")
    return bool(valid_until) and str(valid_until) >= today.isoformat()


def is_listable(profile: Item, today: date) -> bool:
    return profile.get("status") == Status.APPROVED and is_insured(profile, today)


def _entry_keys(profile: Item | None) -> set[tuple[str, str]]:
    if not profile or not profile.get("listed"):
        return set()
    return {(t, d) for t in profile.get("trades", []) for d in profile.get("service_areas", [])}


def _watch_sk(profile: Item | None) -> str | None:
    if not profile or not profile.get("listed"):
        return None
    return f"{profile['insurance_valid_until']}#{profile['pro_id']}"


def listing_entry(profile: Item, trade: str, dept: str) -> Item:
    return {
        "pk": f"LISTING#{trade}#{dept}",
        "sk": profile_pk(profile["pro_id"]),
        "item_type": "listing_entry",
        "pro_id": profile["pro_id"],
        "trade": trade,
        "departement": dept,
        "company_name": profile["company_name"],
        "insurance_valid_until": profile["insurance_valid_until"],
        **_owner_fields(profile),
    }


def archive_expiry(moment: Any) -> Item:
    """expires_at of archived data: the end of the listing + 5 years (register, C3-07)."""
    return expiry_fields(purpose(PurposeId.PROFESSIONAL_LISTING).expires_at(moment))


def _document_expiry_actions(store: Store, before: Item | None, after: Item) -> list[dict[str, Any]]:
    """Documents follow their owner's expiry (pending uploads keep their own short one)."""
    if before is None or before.get("expires_at") == after.get("expires_at"):
        return []
    actions: list[dict[str, Any]] = []
    for doc in store.query(profile_pk(after["pro_id"]), "DOC#"):
        if doc.get("status") == "pending_upload":
            continue
        key = {"pk": doc["pk"], "sk": doc["sk"]}
        if after.get("expires_at") is None:
            actions.append({"Update": {"Key": key, "UpdateExpression": "REMOVE expires_at, expiry_day"}})
        else:
            actions.append(
                {
                    "Update": {
                        "Key": key,
                        "UpdateExpression": "SET expires_at = :e, expiry_day = :d",
                        "ExpressionAttributeValues": {":e": after["expires_at"], ":d": after["expiry_day"]},
                    }
                }
            )
    return actions


def status_segment(status: str) -> str:
    """The `by_segment` partition of the profiles with this status (operators' review queue)."""
    return f"professional#{status}"


def _save(store: Store, before: Item | None, after: Item, extra: list[dict[str, Any]] | None = None) -> None:
    """Write a profile and everything that follows from it, all or nothing."""
    after["listed"] = is_listable(after, clock.now().date())
    after["segment"] = status_segment(after["status"])
    put: dict[str, Any] = {"Item": after}
    if before is None:
        after["version"] = 1
        put["ConditionExpression"] = "attribute_not_exists(pk)"
    else:
        after["version"] = int(before["version"]) + 1
        put["ConditionExpression"] = "version = :v"
        put["ExpressionAttributeValues"] = {":v": before["version"]}
    actions: list[dict[str, Any]] = [{"Put": put}]

    old, new = _entry_keys(before), _entry_keys(after)
    for trade, dept in sorted(old - new):
        actions.append(
            {"Delete": {"Key": {"pk": f"LISTING#{trade}#{dept}", "sk": profile_pk(after["pro_id"])}}}
        )
    for trade, dept in sorted(new - old):
        actions.append({"Put": {"Item": listing_entry(after, trade, dept)}})
    for trade, dept in sorted(new & old):
        # An update, not a put: matching's `last_matched_at` on the entry survives.
        actions.append(
            {
                "Update": {
                    "Key": {"pk": f"LISTING#{trade}#{dept}", "sk": profile_pk(after["pro_id"])},
                    "UpdateExpression": "SET company_name = :c, insurance_valid_until = :i",
                    "ExpressionAttributeValues": {
                        ":c": after["company_name"],
                        ":i": after["insurance_valid_until"],
                    },
                }
            }
        )
    old_watch, new_watch = _watch_sk(before), _watch_sk(after)
    if old_watch != new_watch:
        if old_watch:
            actions.append({"Delete": {"Key": {"pk": INSURANCE_WATCH_PK, "sk": old_watch}}})
        if new_watch:
            watch = {
                "pk": INSURANCE_WATCH_PK,
                "sk": new_watch,
                "item_type": "insurance_watch",
                "pro_id": after["pro_id"],
                **_owner_fields(after),
            }
            actions.append({"Put": {"Item": watch}})
    actions += _document_expiry_actions(store, before, after)
    actions += extra or []
    transact_actions(store, actions)


def load_profile(store: Store, pro_id: str) -> Item:
    profile = store.get(profile_pk(pro_id), PROFILE_SK)
    if profile is None or profile.get("item_type") != "professional":
        raise NotFound("Aucun professionnel ne correspond à cet identifiant.")
    return profile


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
        view["archive_expires_at"] = _from_epoch(int(profile["expires_at"])).isoformat()
    return view


# --- use cases --------------------------------------------------------------------------


def register_professional(
    data: ProfessionalIn,
    *,
    store: Store,
    mailer: Mailer,
    logins: Logins,
    subject_key: Callable[[str], str],
) -> RegistrationAccepted:
    """C2-02: a professional gives their data through the form; C3-06: under the contract."""
    if store.get(f"SIRET#{data.siret}", "SIRET") is not None:
        raise Conflict(
            "Ce SIRET est déjà inscrit sur JAQE.", errors=[{"field": "siret", "message": "déjà inscrit"}]
        )
    pro_id = new_id("pro")
    key = subject_key(data.contact.email)
    now = clock.now()
    profile: Item = {
        "pk": profile_pk(pro_id),
        "sk": PROFILE_SK,
        "item_type": "professional",
        "pro_id": pro_id,
        "company_name": data.company_name,
        "siret": data.siret,
        "contact": data.contact.model_dump(),
        "trades": data.trades,
        "service_areas": data.service_areas,
        "certifications": data.certifications,
        "terms_version": data.terms_version,
        "status": Status.PENDING_REVIEW.value,
        "registered_at": now.isoformat(),
        "channel": "web",
        "subject_key": key,
        "purpose": PurposeId.PROFESSIONAL_LISTING.value,
        "created_at": now.isoformat(),
    }
    siret_claim = {
        "pk": f"SIRET#{data.siret}",
        "sk": "SIRET",
        "item_type": "siret_claim",
        "pro_id": pro_id,
        **_owner_fields(profile),
    }
    password = temporary_password()
    logins.create(data.contact.email, pro_id, password)
    try:
        _save(
            store,
            None,
            profile,
            [{"Put": {"Item": siret_claim, "ConditionExpression": "attribute_not_exists(pk)"}}],
        )
    except Exception:
        logins.delete(data.contact.email)  # nothing half-written: no login without a profile
        raise
    logger.info("professional registered", extra={"pro_id": pro_id, "subject_key": key})
    mailer.send(professional_invitation(data.contact.email, data.company_name, pro_id, password))
    return RegistrationAccepted(professional_id=pro_id, status=Status.PENDING_REVIEW.value)


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
    if error := _coverage_error(after["trades"], after["service_areas"]):
        raise InvalidInput(error, errors=[{"field": "service_areas", "message": error}])
    after["updated_at"] = clock.now().isoformat()
    _save(store, before, after)
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
    after = {k: v for k, v in before.items() if k not in ("expires_at", "expiry_day", "rejection_reason")}
    after.update(status=Status.APPROVED.value, approved_at=clock.now().isoformat(), decided_by=operator)
    _save(store, before, after)
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
    _save(store, before, after)
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
    release_siret = {"Delete": {"Key": {"pk": f"SIRET#{before['siret']}", "sk": "SIRET"}}}
    _save(store, before, after, [release_siret])
    archive_interventions(store, pro_id, before["subject_key"], archive_expiry(now))
    logins.delete(before["contact"]["email"])
    archive_until = _from_epoch(int(after["expires_at"])).date().isoformat()
    logger.info("professional delisted", extra={"pro_id": pro_id, "expires_at": after["expires_at"]})
    mailer.send(professional_delisted(before["contact"]["email"], before["company_name"], archive_until))
    return {
        "professional_id": pro_id,
        "status": after["status"],
        "delisted_at": after["delisted_at"],
        "archive_expires_at": _from_epoch(int(after["expires_at"])).isoformat(),
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
            shared = disclosure["shared"]
            store.put(
                {
                    "pk": profile_pk(pro_id),
                    "sk": f"INTERVENTION#{disclosure['lead_id']}",
                    "item_type": "intervention",
                    "lead_id": disclosure["lead_id"],
                    "trade": shared["trade"],
                    "departement": departement_of(str(shared["postcode"])),
                    "disclosed_at": disclosure["disclosed_at"],
                    "accepted": bool(disclosure.get("accepted")),
                    "accepted_at": disclosure.get("accepted_at"),
                    "purpose": PurposeId.PROFESSIONAL_LISTING.value,
                    "subject_key": subject_key,
                    **expiry,
                }
            )
            archived += 1
        if cursor is None:
            return archived


def record_insurance(store: Store, pro_id: str, valid_until: str, extra: list[dict[str, Any]]) -> None:
    """An accepted insurance document extends the cover (and lists an approved professional again)."""
    before = load_profile(store, pro_id)
    current = before.get("insurance_valid_until")
    after = {**before, "insurance_valid_until": max(valid_until, current) if current else valid_until}
    _save(store, before, after, extra)


def unlist_expired_insurance(store: Store, mailer: Mailer) -> int:
    """Scheduled daily: whoever's insurance ended before today leaves the listing and is told."""
    today = clock.now().date().isoformat()
    unlisted = 0
    for watch in query_before(store, INSURANCE_WATCH_PK, today):
        profile = store.get(profile_pk(watch["pro_id"]), PROFILE_SK)
        if profile is None or _watch_sk(profile) != watch["sk"]:
            store.delete(watch["pk"], watch["sk"])  # stale: the profile moved on
            continue
        _save(store, profile, dict(profile))
        unlisted += 1
        logger.info("professional unlisted: insurance expired", extra={"pro_id": profile["pro_id"]})
        mailer.send(
            professional_insurance_expired(
                profile["contact"]["email"], profile["company_name"], str(profile["insurance_valid_until"])
            )
        )
    return unlisted


# --- leads ------------------------------------------------------------------------------

_CURSOR_KEYS = {"pk", "sk", "pro_id", "disclosed_at"}


def _encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, default=str).encode()).decode().rstrip("=")


def _read_cursor(cursor: str, keys: set[str]) -> dict[str, Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError as error:
        raise InvalidInput("Curseur de pagination illisible.") from error
    if not isinstance(key, dict) or set(key) != keys or not all(isinstance(v, str) for v in key.values()):
        raise InvalidInput("Curseur de pagination illisible.")
    return key


def _decode_cursor(cursor: str, pro_id: str) -> dict[str, Any]:
    key = _read_cursor(cursor, _CURSOR_KEYS)
    if key["pro_id"] != pro_id:
        raise Forbidden("Ce curseur appartient à un autre professionnel.")
    return key


def list_leads(store: Store, pro_id: str, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """The leads disclosed to this professional only, newest first."""
    start = _decode_cursor(cursor, pro_id) if cursor else None
    items, last = query_professional_index(store, pro_id, limit=limit, start_key=start)
    leads = []
    for item in items:
        if not str(item.get("sk", "")).startswith("DISCLOSURE#") or item.get("pro_id") != pro_id:
            continue
        lead = {
            "lead_id": item["lead_id"],
            "disclosed_at": item["disclosed_at"],
            "shared": {k: plain(v) for k, v in dict(item.get("shared", {})).items()},
        }
        if "accepted" in item:
            lead["accepted"] = bool(item["accepted"])
        leads.append(lead)
    return {"items": leads, "next_cursor": _encode_cursor(last) if last else None}


def accept_lead(store: Store, pro_id: str, lead_id: str) -> dict[str, Any]:
    """The professional's quote was accepted (C3-04): the disclosure says so; from then on this partner
    keeps the data for as long as the service needs, as the policy tells the consumer."""
    key = (f"LEAD#{lead_id}", f"DISCLOSURE#{pro_id}")
    if store.get(*key) is None:
        raise NotFound("Aucune demande de devis de ce numéro ne vous a été transmise.")
    accepted_at = clock.now().isoformat()
    store.update(*key, {"accepted": True, "accepted_at": accepted_at})
    return {"lead_id": lead_id, "accepted": True, "accepted_at": accepted_at}


# --- operators' review queue -------------------------------------------------------------

_REVIEW_CURSOR_KEYS = {"pk", "sk", "segment", "created_at"}


def review_view(profile: Item, today: date) -> dict[str, Any]:
    """What an operator needs to decide (company, SIRET, coverage, insurance): no contact data."""
    return {
        "professional_id": profile["pro_id"],
        "company_name": profile["company_name"],
        "siret": profile["siret"],
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
    start = _read_cursor(cursor, _REVIEW_CURSOR_KEYS) if cursor else None
    if start and start["segment"] != segment:
        raise InvalidInput("Ce curseur appartient à une autre liste.")
    items, last = query_index_page(store, SEGMENT_INDEX, "segment", segment, limit=limit, start_key=start)
    today = clock.now().date()
    return {
        "status": status.value,
        "professionals": [review_view(i, today) for i in items if i.get("item_type") == "professional"],
        "next_cursor": _encode_cursor(last) if last else None,
    }
