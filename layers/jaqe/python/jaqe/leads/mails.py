"""A quote request's emails, rendered by the mail sender from the records they are made of.

The request path writes the lead and its disclosures, then queues each email by ids only
(`jaqe.platform.mail.QueuedMail`): no copy of an email is stored, so each email costs no write of
its own, and an erasure (which deletes the lead and its disclosures) leaves nothing to send. The
links the confirmation carries are made again from the lead's id (`jaqe.platform.keyed_hash.link_token`).

`{"mail": "quote_confirmation", "lead_id", "pro_ids"}`: to the consumer, from the lead and the
disclosures to the professionals in `pro_ids` (in the order they were matched); none: the lead says
whether it was withheld because of a restriction.
`{"mail": "lead_for_professional", "lead_id", "pro_id"}`: to the professional, from the disclosure
(what they receive) and their profile (their address).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jaqe.leads.acceptance import acceptance_url
from jaqe.leads.partners import confirmation_url
from jaqe.leads.records import RECEIVED_UNDER_RESTRICTION, disclosure_key, lead_key
from jaqe.platform.mail import OutgoingEmail, QueuedMail
from jaqe.platform.store import Store
from jaqe.platform.templates import lead_for_professional, quote_confirmation
from jaqe.platform.trades import TRADES
from jaqe.privacy.outbox import Renderer
from jaqe.professionals.records import PROFILE_SK, profile_pk

QUOTE_CONFIRMATION = "quote_confirmation"
LEAD_FOR_PROFESSIONAL = "lead_for_professional"


def confirmation_mail(lead_id: str, pro_ids: list[str]) -> QueuedMail:
    return QueuedMail(QUOTE_CONFIRMATION, {"lead_id": lead_id, "pro_ids": pro_ids})


def professional_mail(lead_id: str, pro_id: str) -> QueuedMail:
    return QueuedMail(LEAD_FOR_PROFESSIONAL, {"lead_id": lead_id, "pro_id": pro_id})


def render_confirmation(store: Store, ids: Mapping[str, Any]) -> OutgoingEmail | None:
    lead_id, pro_ids = ids["lead_id"], list(ids["pro_ids"])
    disclosures = [disclosure_key(lead_id, pro_id) for pro_id in pro_ids]
    items = store.get_many([lead_key(lead_id), *disclosures])
    lead = items.get(lead_key(lead_id))
    if lead is None:
        return None
    companies = [str(items[key]["company_name"]) for key in disclosures if key in items]
    return quote_confirmation(
        lead["contact"]["email"],
        lead_id,
        TRADES[lead["project"]["trade"]],
        companies,
        restricted=bool(lead.get(RECEIVED_UNDER_RESTRICTION)),
        acceptance_url=acceptance_url(lead_id) if companies else None,
        partners_confirm_url=confirmation_url(lead_id) if lead["consents"]["commercial_partners"] else None,
    )


def render_lead_for_professional(store: Store, ids: Mapping[str, Any]) -> OutgoingEmail | None:
    disclosure, profile = (
        disclosure_key(ids["lead_id"], ids["pro_id"]),
        (profile_pk(ids["pro_id"]), PROFILE_SK),
    )
    items = store.get_many([disclosure, profile])
    if disclosure not in items or profile not in items:
        return None
    shared = items[disclosure]["shared"]
    lead_view = {**{k: str(v) for k, v in shared.items()}, "trade_label": TRADES[shared["trade"]]}
    return lead_for_professional(
        items[profile]["contact"]["email"],
        str(items[disclosure]["company_name"]),
        lead_view,
        about=str(items[disclosure]["subject_key"]),
    )


RENDERERS: dict[str, Renderer] = {
    QUOTE_CONFIRMATION: render_confirmation,
    LEAD_FOR_PROFESSIONAL: render_lead_for_professional,
}
