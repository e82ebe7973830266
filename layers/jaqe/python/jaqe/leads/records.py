"""The leads' records, and the only code that builds their keys and items.

LEAD#<id>      LEAD                  quote request (project + contact), segment `<trade>#<month>`
LEAD#<id>      DISCLOSURE#<pro_id>   what was shared with one professional (index by_professional)
EXPORT#<id>    EXPORT                a commercial-partner export: status, count, its file's key (ids only)
EXPORT#<id>    DISCLOSURE#<subject>  what that export shared about one person (and its reference in the export)
PARTNERS       PARTNER#<slug>        a commercial partner of the directory: name, contact email (Art. 19)
PARTNER_TASKS  <at>#<request>#<slug> a notice an operator must carry to a partner without a contact
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jaqe.platform.store import Item, Store
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import Dependents, retention_fields

DISCLOSURE = "DISCLOSURE#"
# On a lead received while the person's data was restricted (Art. 18): shared with no one.
RECEIVED_UNDER_RESTRICTION = "received_under_restriction"


def lead_pk(lead_id: str) -> str:
    return f"LEAD#{lead_id}"


def lead_id_of(disclosure: Item) -> str:
    return str(disclosure["pk"]).removeprefix("LEAD#")


def disclosure_key(lead_id: str, pro_id: str) -> tuple[str, str]:
    return lead_pk(lead_id), f"{DISCLOSURE}{pro_id}"


def is_disclosure_to(item: Item, pro_id: str) -> bool:
    return str(item.get("sk", "")).startswith(DISCLOSURE) and item.get("pro_id") == pro_id


def lead_key(lead_id: str) -> tuple[str, str]:
    return lead_pk(lead_id), "LEAD"


def new_lead(lead_id: str, fields: dict[str, Any]) -> Item:
    return {"pk": lead_pk(lead_id), "sk": "LEAD", "item_type": "lead", "lead_id": lead_id, **fields}


def new_disclosure(lead_id: str, pro_id: str, fields: dict[str, Any]) -> Item:
    pk, sk = disclosure_key(lead_id, pro_id)
    return {"pk": pk, "sk": sk, "item_type": "disclosure", "lead_id": lead_id, "pro_id": pro_id, **fields}


def export_pk(export_id: str) -> str:
    return f"EXPORT#{export_id}"


def partner_disclosure(export_id: str, subject_key: str, fields: dict[str, Any]) -> Item:
    return {
        "pk": export_pk(export_id),
        "sk": f"{DISCLOSURE}{subject_key}",
        "item_type": "disclosure",
        **fields,
    }


def export_id_of(disclosure: Item) -> str:
    return str(disclosure["pk"]).removeprefix("EXPORT#")


@dataclass(frozen=True)
class DisclosedTo:
    """Who received a disclosure, whatever its kind: ids only, for an Art. 19 notice."""

    kind: str  # "professional" | "commercial_partner"
    recipient_id: str  # the professional's id, or the partner's name as the export named it
    reference: str  # the lead, or the export
    person_reference: str | None = None  # the person's reference in a partner export
    fields: tuple[str, ...] = ()  # the fields received


PROFESSIONAL, COMMERCIAL_PARTNER = "professional", "commercial_partner"


def disclosed_to(disclosure: Item) -> DisclosedTo:
    fields = tuple(str(f) for f in disclosure.get("fields", []))
    if str(disclosure["pk"]).startswith("EXPORT#"):
        return DisclosedTo(
            COMMERCIAL_PARTNER,
            str(disclosure["company_name"]),
            export_id_of(disclosure),
            disclosure.get("reference"),
            fields,
        )
    return DisclosedTo(PROFESSIONAL, str(disclosure["pro_id"]), lead_id_of(disclosure), None, fields)


def export_key(export_id: str) -> tuple[str, str]:
    return export_pk(export_id), "EXPORT"


def partner_export(export_id: str, fields: dict[str, Any]) -> Item:
    pk, sk = export_key(export_id)
    return {"pk": pk, "sk": sk, "item_type": "partner_export", **fields}


PARTNERS, PARTNER = "PARTNERS", "PARTNER#"
PARTNER_TASKS = "PARTNER_TASKS"


def partner_slug(name: str) -> str:
    """The directory's key for a partner name: case, accents aside, spaces and punctuation ignored."""
    import unicodedata

    plain_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", "-", plain_name).strip("-") or "partner"


def partner_key(name: str) -> tuple[str, str]:
    """One partition for the whole directory: it is small, and listed in one Query."""
    return PARTNERS, f"{PARTNER}{partner_slug(name)}"


def partner_entry(name: str, fields: dict[str, Any]) -> Item:
    pk, sk = partner_key(name)
    return {
        "pk": pk,
        "sk": sk,
        "item_type": "commercial_partner",
        "partner_id": partner_slug(name),
        "name": name,
        **fields,
    }


def partner_task(at: str, request_id: str, partner: str, fields: dict[str, Any]) -> Item:
    """An Art. 19 notice no directory contact could carry: an operator's task (ids only)."""
    return {
        "pk": PARTNER_TASKS,
        "sk": f"{at}#{request_id}#{partner_slug(partner)}",
        "item_type": "partner_notice_task",
        "request_id": request_id,
        "partner": partner,
        "partner_id": partner_slug(partner),
        "created_at": at,
        **fields,
        **retention_fields(PurposeId.RIGHTS_REQUESTS, None),
    }


# The item types `dependents` acts on (the cascade's stream filter lets only their removal through).
CASCADING = ("lead",)


def dependents(deleted: Item, store: Store) -> Dependents:
    """A lead's disclosures go with it."""
    if deleted.get("item_type") != "lead":
        return Dependents()
    return Dependents(items=[(i["pk"], i["sk"]) for i in store.query(deleted["pk"], DISCLOSURE)])
