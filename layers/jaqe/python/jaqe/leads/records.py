"""The leads' records, and the only code that builds their keys and items.

LEAD#<id>      LEAD                  quote request (project + contact), segment `<trade>#<month>`
LEAD#<id>      DISCLOSURE#<pro_id>   what was shared with one professional (index by_professional)
EXPORT#<id>    EXPORT                a commercial-partner export (no personal data)
EXPORT#<id>    DISCLOSURE#<subject>  what that export shared about one person
"""

from __future__ import annotations

from typing import Any

from jaqe.platform.store import Item, Store
from jaqe.privacy.retention import Dependents

DISCLOSURE = "DISCLOSURE#"


def lead_pk(lead_id: str) -> str:
    return f"LEAD#{lead_id}"


def lead_id_of(disclosure: Item) -> str:
    return str(disclosure["pk"]).removeprefix("LEAD#")


def disclosure_key(lead_id: str, pro_id: str) -> tuple[str, str]:
    return lead_pk(lead_id), f"{DISCLOSURE}{pro_id}"


def is_disclosure_to(item: Item, pro_id: str) -> bool:
    return str(item.get("sk", "")).startswith(DISCLOSURE) and item.get("pro_id") == pro_id


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


def partner_export(export_id: str, fields: dict[str, Any]) -> Item:
    return {"pk": export_pk(export_id), "sk": "EXPORT", "item_type": "partner_export", **fields}


def dependents(deleted: Item, store: Store) -> Dependents:
    """A lead's disclosures go with it."""
    if deleted.get("item_type") != "lead":
        return Dependents()
    return Dependents(items=[(i["pk"], i["sk"]) for i in store.query(deleted["pk"], DISCLOSURE)])
