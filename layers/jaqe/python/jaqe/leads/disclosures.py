"""The leads a professional received (C3-04): listed newest first, with the consumer's acceptance of
their quote (`jaqe.leads.acceptance`) and whether they took the request on."""

from __future__ import annotations

from typing import Any

from jaqe.leads.records import disclosure_key, is_disclosure_to
from jaqe.platform import clock
from jaqe.platform.cursors import encode_cursor, read_cursor
from jaqe.platform.errors import Forbidden, NotFound
from jaqe.platform.store import Item, Store, plain, query_professional_index
from jaqe.professionals.records import live_profile

_CURSOR_KEYS = {"pk", "sk", "pro_id", "disclosed_at"}


def _decode_cursor(cursor: str, pro_id: str) -> dict[str, Any]:
    key = read_cursor(cursor, _CURSOR_KEYS)
    if key["pro_id"] != pro_id:
        raise Forbidden("Ce curseur appartient à un autre professionnel.")
    return key


def list_leads(store: Store, pro_id: str, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """The leads disclosed to this professional only, newest first, while the account lives."""
    live_profile(store, pro_id)
    start = _decode_cursor(cursor, pro_id) if cursor else None
    items, last = query_professional_index(store, pro_id, limit=limit, start_key=start)
    leads = []
    for item in items:
        if not is_disclosure_to(item, pro_id):
            continue
        lead = {
            "lead_id": item["lead_id"],
            "disclosed_at": item["disclosed_at"],
            "shared": {k: plain(v) for k, v in dict(item.get("shared", {})).items()},
        }
        if "accepted" in item:
            lead["accepted"] = bool(item["accepted"])
        for moment in ("accepted_at", "taken_at"):
            if item.get(moment):
                lead[moment] = item[moment]
        if item.get("consent_withdrawn_at"):
            lead["consent_withdrawn"] = True
        leads.append(lead)
    return {"items": leads, "next_cursor": encode_cursor(last) if last else None}


def accept_lead(store: Store, pro_id: str, lead_id: str) -> dict[str, Any]:
    """The professional takes the request on (`taken_at`, first click kept). Acceptance of the quote
    (C3-04: from then on this partner keeps the data as long as the service needs) is the consumer's
    alone (`jaqe.leads.acceptance`): `accepted` and `accepted_at` answer whether the consumer did."""
    live_profile(store, pro_id)
    key = disclosure_key(lead_id, pro_id)
    disclosure = store.get(*key)
    if disclosure is None:
        raise NotFound("Aucune demande de devis de ce numéro ne vous a été transmise.")
    if not disclosure.get("taken_at"):
        disclosure = store.update(*key, {"taken_at": clock.now().isoformat()})
    return {
        "lead_id": lead_id,
        "accepted": bool(disclosure.get("accepted")),
        "accepted_at": disclosure.get("accepted_at"),
        "taken_at": disclosure["taken_at"],
    }


def withdraw_from_professionals(store: Store, disclosures: list[Item]) -> int:
    """The person withdrew the consent their leads were shared under: what a professional sees of them
    goes, except where the quote was accepted (a contract then carries it). The disclosure itself
    stays, as the record of who received what (Art. 15(1)(c), Art. 19). Returns how many changed."""
    withdrawn_at = clock.now().isoformat()
    hidden = 0
    for item in disclosures:
        if item.get("accepted") or "shared" not in item:
            continue
        store.update(item["pk"], item["sk"], {"shared": None, "consent_withdrawn_at": withdrawn_at})
        hidden += 1
    return hidden
