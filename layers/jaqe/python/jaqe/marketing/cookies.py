"""Cookie consents of a visitor (policy section 6, C3-11..C3-13, C6-02, C6-04).

A visitor is a random UUID set by the site (a technical cookie, exempt from consent,
C6-01). Each choice supersedes the previous one and is valid 13 months from when it is
made; afterwards the banner asks again (GET answers 404).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from jaqe.marketing.model import CookieConsentIn, CookieConsentOut
from jaqe.marketing.records import cookie_consent_key
from jaqe.platform import clock
from jaqe.platform.errors import NotFound
from jaqe.platform.ids import new_id
from jaqe.platform.store import Store, expiry_fields
from jaqe.privacy.consent import wording_hash
from jaqe.privacy.register import PurposeId, purpose
from jaqe.privacy.trackers import SITE_PURPOSES

BANNER_WORDING = (
    "Nous utilisons des cookies de mesure d'audience et des cookies publicitaires, déposés par Google, "
    "Meta, Microsoft, Hubspot et Cloudflare, uniquement avec votre accord."
)


def honour_gpc(data: CookieConsentIn, gpc: bool) -> tuple[CookieConsentIn, bool]:
    """With the browser's Global Privacy Control signal, advertising (data shared with third parties for
    targeting) is refused unless the visitor ticked it in "Personnaliser"; the choice says it was GPC."""
    if not gpc or not data.choices.advertising or data.source == "customise":
        return data, False
    choices = data.choices.model_copy(update={"advertising": False})
    return data.model_copy(update={"choices": choices, "source": "gpc"}), True


def record_choice(store: Store, data: CookieConsentIn, *, gpc: bool = False) -> CookieConsentOut:
    data, gpc_applied = honour_gpc(data, gpc)
    now = clock.now()
    # Both cookie purposes share the 13-month rule; take it from the register, not a constant.
    expires_at = purpose(PurposeId.AUDIENCE_MEASUREMENT).expires_at(now)
    assert expires_at is not None
    consent = CookieConsentOut(
        consent_id=new_id("cc"),
        visitor_id=str(data.visitor_id),
        choices=data.choices,
        policy_version=data.policy_version,
        decided_at=now.isoformat(),
        expires_at=datetime.fromtimestamp(expires_at, UTC).isoformat(),
        source=data.source,
        gpc_applied=gpc_applied,
    )
    pk, sk = cookie_consent_key(consent.visitor_id)
    store.put(
        {
            "pk": pk,
            "sk": sk,
            "item_type": "cookie_consent",
            "purpose": PurposeId.AUDIENCE_MEASUREMENT.value,
            "created_at": now.isoformat(),
            "wording_hash": wording_hash(BANNER_WORDING),
            **consent.model_dump(mode="json", exclude={"expires_at", "gpc_applied"}),
            **expiry_fields(expires_at),  # epoch seconds for TTL; the API shows it as ISO 8601
        }
    )
    return consent


def current_choice(store: Store, visitor_id: uuid.UUID) -> CookieConsentOut:
    item = store.get(*cookie_consent_key(str(visitor_id)))
    if item is None:
        raise NotFound("Aucun choix en vigueur pour ce visiteur : le bandeau doit être présenté.")
    fields = {k: item[k] for k in CookieConsentOut.model_fields if k in item and k != "expires_at"}
    return CookieConsentOut(
        **fields, expires_at=datetime.fromtimestamp(int(item["expires_at"]), UTC).isoformat()
    )


def withdraw_recorded_choice(store: Store, visitor_id: str, purposes: Iterable[PurposeId]) -> bool:
    """A written withdrawal (a rights request) giving the visitor id shown in "Gérer mes cookies": the
    recorded choice refuses these purposes from now on, and the browser applies it on its next visit
    (the site kit checks its record once per session). False when no choice is recorded for that id."""
    pk, sk = cookie_consent_key(visitor_id)
    item = store.get(pk, sk)
    if item is None:
        return False
    refused = {name: False for name, purpose_id in SITE_PURPOSES.items() if purpose_id in set(purposes)}
    store.update(
        pk,
        sk,
        {
            "choices": {**item["choices"], **refused},
            "source": "rights_request",
            "decided_at": clock.now().isoformat(),
        },
    )
    return True
