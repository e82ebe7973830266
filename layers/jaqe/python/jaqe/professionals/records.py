"""The professionals' records, and the only code that builds their keys, items and transactions.

  PRO#<id>                  PROFILE               profile (segment `professional#<status>`)
  PRO#<id>                  DOC#<doc_id>          a document (`jaqe.professionals.documents`;
                                                  segment `professional_document#pending_review`
                                                  while it awaits an operator)
  PRO#<id>                  INTERVENTION#<lead>   a delisted professional's intervention (archive)
  LISTING#<trade>#<dept>    PRO#<id>              listing entry: present only while listed
  INSURANCE_WATCH           <valid_until>#<id>    when a listed professional's insurance ends
  SIRET#<siret>             SIRET                 which account holds a SIRET (the first to
                                                  register it; the operators see the others)

Every write of a profile goes through `save`, which moves the entries, the insurance watch
item and the documents' expiry with the profile in one DynamoDB transaction, guarded by the
profile's `version`. A registration no operator approved expires with its data after
PENDING_REGISTRATION_PERIOD (the profile's `expires_at`; its documents follow, and `dependents`
names what goes with it, the login included).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from jaqe.platform import clock
from jaqe.platform.errors import Forbidden, NotFound
from jaqe.platform.objects import DOCUMENTS_PREFIX
from jaqe.platform.store import Item, Store, expiry_fields, transact_actions
from jaqe.platform.validation import departement_of
from jaqe.privacy.periods import add_period
from jaqe.privacy.register import PENDING_REGISTRATION_PERIOD, PurposeId, purpose
from jaqe.privacy.retention import Dependents
from jaqe.professionals.model import DocumentStatus, Status

PROFILE_SK = "PROFILE"
INSURANCE_WATCH_PK = "INSURANCE_WATCH"


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def profile_pk(pro_id: str) -> str:
    return f"PRO#{pro_id}"


def listing_pk(trade: str, departement: str) -> str:
    """The listing of one trade in one departement (matching reads it)."""
    return f"LISTING#{trade}#{departement}"


def owner_fields(profile: Item) -> Item:
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


def watch_sk(profile: Item | None) -> str | None:
    if not profile or not profile.get("listed"):
        return None
    return f"{profile['insurance_valid_until']}#{profile['pro_id']}"


def listing_entry(profile: Item, trade: str, dept: str) -> Item:
    return {
        "pk": listing_pk(trade, dept),
        "sk": profile_pk(profile["pro_id"]),
        "item_type": "listing_entry",
        "pro_id": profile["pro_id"],
        "trade": trade,
        "departement": dept,
        "company_name": profile["company_name"],
        "insurance_valid_until": profile["insurance_valid_until"],
        **owner_fields(profile),
    }


def archive_expiry(moment: Any) -> Item:
    """expires_at of archived data: the end of the listing + 5 years (register, C3-07)."""
    return expiry_fields(purpose(PurposeId.PROFESSIONAL_LISTING).expires_at(moment))


def _document_expiry_actions(store: Store, before: Item | None, after: Item) -> list[dict[str, Any]]:
    """Documents follow their owner's expiry (pending uploads keep their own short one), a held
    owner's set-aside one included (`jaqe.privacy.holds`)."""

    def clock_of(profile: Item) -> Any:
        return profile.get("expires_at", profile.get("held_expires_at"))

    if before is None or clock_of(before) == clock_of(after):
        return []
    actions: list[dict[str, Any]] = []
    for doc in store.query(profile_pk(after["pro_id"]), "DOC#"):
        if doc.get("status") == "pending_upload":
            continue
        key = {"pk": doc["pk"], "sk": doc["sk"]}
        if after.get("expires_at") is None:
            removed = "REMOVE expires_at, expiry_day, held_expires_at"
            actions.append({"Update": {"Key": key, "UpdateExpression": removed}})
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


def save(store: Store, before: Item | None, after: Item, extra: list[dict[str, Any]] | None = None) -> None:
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
            {"Delete": {"Key": {"pk": listing_pk(trade, dept), "sk": profile_pk(after["pro_id"])}}}
        )
    for trade, dept in sorted(new - old):
        actions.append({"Put": {"Item": listing_entry(after, trade, dept)}})
    for trade, dept in sorted(new & old):
        # An update, not a put: matching's `last_matched_at` on the entry survives.
        actions.append(
            {
                "Update": {
                    "Key": {"pk": listing_pk(trade, dept), "sk": profile_pk(after["pro_id"])},
                    "UpdateExpression": "SET company_name = :c, insurance_valid_until = :i",
                    "ExpressionAttributeValues": {
                        ":c": after["company_name"],
                        ":i": after["insurance_valid_until"],
                    },
                }
            }
        )
    old_watch, new_watch = watch_sk(before), watch_sk(after)
    if old_watch != new_watch:
        if old_watch:
            actions.append({"Delete": {"Key": {"pk": INSURANCE_WATCH_PK, "sk": old_watch}}})
        if new_watch:
            watch = {
                "pk": INSURANCE_WATCH_PK,
                "sk": new_watch,
                "item_type": "insurance_watch",
                "pro_id": after["pro_id"],
                **owner_fields(after),
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


LIVE_STATUSES = {Status.PENDING_REVIEW.value, Status.APPROVED.value}


def live_profile(store: Store, pro_id: str) -> Item:
    """The profile while the account lives (pending review or approved). Leads and the app are
    served only to it: an erased, delisted or rejected professional's session gets nothing."""
    profile = store.get(profile_pk(pro_id), PROFILE_SK)
    if profile is None or profile.get("status") not in LIVE_STATUSES:
        raise Forbidden("Ce compte professionnel n'est plus actif.")
    return profile


def siret_claim(siret: str, profile: Item) -> dict[str, Any]:
    """The transaction action that claims a SIRET for this profile (fails when already claimed)."""
    item = {
        "pk": f"SIRET#{siret}",
        "sk": "SIRET",
        "item_type": "siret_claim",
        "pro_id": profile["pro_id"],
        **owner_fields(profile),
    }
    return {"Put": {"Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}


def siret_holder(store: Store, siret: str) -> str | None:
    """The professional whose account holds this SIRET, if any."""
    claim = store.get(f"SIRET#{siret}", "SIRET")
    return str(claim["pro_id"]) if claim else None


def siret_release(siret: str) -> dict[str, Any]:
    return {"Delete": {"Key": {"pk": f"SIRET#{siret}", "sk": "SIRET"}}}


def intervention(pro_id: str, subject_key: str, disclosure: Item, expiry: Item) -> Item:
    """A lead received, archived with the professional: their activity, not the consumer's data."""
    shared = disclosure["shared"]
    return {
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


def new_profile(pro_id: str, subject_key: str, fields: dict[str, Any]) -> Item:
    now = clock.now()
    return {
        "pk": profile_pk(pro_id),
        "sk": PROFILE_SK,
        "item_type": "professional",
        "pro_id": pro_id,
        **fields,
        "status": Status.PENDING_REVIEW.value,
        "registered_at": now.isoformat(),
        "channel": "web",
        "subject_key": subject_key,
        "purpose": PurposeId.PROFESSIONAL_LISTING.value,
        "created_at": now.isoformat(),
        # Until an operator approves it (approval removes the expiry).
        **expiry_fields(clock.epoch(add_period(now, PENDING_REGISTRATION_PERIOD))),
    }


def documents_of(store: Store, pro_id: str) -> list[Item]:
    return store.query(profile_pk(pro_id), "DOC#")


def document(store: Store, pro_id: str, doc_id: str) -> Item | None:
    return store.get(profile_pk(pro_id), f"DOC#{doc_id}")


def new_document(profile: Item, doc_id: str, fields: dict[str, Any], expires_at: int) -> Item:
    """A document requested for upload (pending until its object is checked)."""
    return {
        "pk": profile_pk(profile["pro_id"]),
        "sk": f"DOC#{doc_id}",
        "item_type": "professional_document",
        "doc_id": doc_id,
        **fields,
        "subject_key": profile["subject_key"],
        "purpose": profile["purpose"],
        "created_at": fields["requested_at"],
        **expiry_fields(expires_at),
    }


REVIEW_SEGMENT = f"professional_document#{DocumentStatus.PENDING_REVIEW.value}"


def document_outcome(
    owner: Item,
    doc: Item,
    status: DocumentStatus,
    fields: dict[str, Any],
    *,
    expected: DocumentStatus = DocumentStatus.PENDING_UPLOAD,
) -> dict[str, Any]:
    """The transaction action moving a document from `expected` to `status` (a conflict if it has
    moved meanwhile); its expiry now follows its owner's, and only a document awaiting review is
    in the operators' queue (segment)."""
    values = {k: v for k, v in fields.items() if v is not None}
    if status == DocumentStatus.PENDING_REVIEW:
        values["segment"] = REVIEW_SEGMENT
    names = {f"#f{i}": k for i, k in enumerate(["status", *values])}
    sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(names)))
    attribute_values: dict[str, Any] = {f":v{i}": v for i, v in enumerate([status.value, *values.values()])}
    attribute_values[":expected"] = expected.value
    removals = [] if status == DocumentStatus.PENDING_REVIEW else ["#segment"]
    if removals:
        names["#segment"] = "segment"  # a reserved word
    if owner.get("expires_at") is not None:
        sets += ", expires_at = :e, expiry_day = :d"
        attribute_values.update({":e": owner["expires_at"], ":d": owner["expiry_day"]})
    else:
        removals += ["expires_at", "expiry_day"]
    expression = f"SET {sets}" + (f" REMOVE {', '.join(removals)}" if removals else "")
    return {
        "Update": {
            "Key": {"pk": doc["pk"], "sk": doc["sk"]},
            "UpdateExpression": expression,
            "ConditionExpression": "#f0 = :expected",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": attribute_values,
        }
    }


# The item types `dependents` acts on (the cascade's stream filter lets only their removal through).
CASCADING = ("professional", "professional_document")


def dependents(deleted: Item, store: Store) -> Dependents:
    """A professional's documents, archive, listing entries and files go with the profile; a
    document's file with the document."""
    item_type = deleted.get("item_type")
    if item_type == "professional":
        pro_id = deleted["pk"].removeprefix("PRO#")
        items = [(i["pk"], i["sk"]) for i in store.query(deleted["pk"]) if i["sk"] != PROFILE_SK]
        items += [
            (listing_pk(trade, area), profile_pk(pro_id))
            for trade in deleted.get("trades", [])
            for area in deleted.get("service_areas", [])
        ]
        siret = deleted.get("siret")
        if siret and siret_holder(store, str(siret)) == pro_id:
            items.append((f"SIRET#{siret}", "SIRET"))  # the SIRET is free again
        return Dependents(items=items, object_prefixes=[f"{DOCUMENTS_PREFIX}{pro_id}/"])
    if item_type == "professional_document" and deleted.get("s3_key"):
        return Dependents(object_prefixes=[deleted["s3_key"]])
    return Dependents()


def login_of_removed(deleted: Item) -> str | None:
    """The login that goes with a removed profile (an expired registration, an erasure, the end of
    the archive): no login outlives its profile. Deleting an absent login is harmless."""
    if deleted.get("item_type") != "professional":
        return None
    contact = deleted.get("contact") or {}
    return str(contact["email"]) if contact.get("email") else None


def profile_exists(store: Store, pro_id: str) -> bool:
    return store.get(profile_pk(pro_id), PROFILE_SK) is not None
