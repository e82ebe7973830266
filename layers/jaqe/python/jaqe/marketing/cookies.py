"""Cookie consents of a visitor (policy section 6, C3-11..C3-13, C6-02, C6-04).

A visitor is a random UUID set by the site (a technical cookie, exempt from consent,
C6-01). Each choice supersedes the previous one and is valid 13 months from when it is
made; afterwards the banner asks again (GET answers 404).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from jaqe.marketing.model import CookieConsentIn, CookieConsentOut
from jaqe.marketing.records import cookie_consent_key
from jaqe.platform import clock
from jaqe.platform.errors import NotFound
from jaqe.platform.ids import new_id
from jaqe.platform.store import Store, expiry_fields
from jaqe.privacy.consent import wording_hash
from jaqe.privacy.register import PurposeId, purpose

BANNER_WORDING = (
    "Nous utilisons des cookies de mesure d'audience et des cookies publicitaires, déposés par Google, "
    "Meta, Microsoft, Hubspot et Cloudflare, uniquement avec votre accord."
)


def record_choice(store: Store, data: CookieConsentIn) -> CookieConsentOut:
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
            **consent.model_dump(mode="json", exclude={"expires_at"}),
            **expiry_fields(expires_at),  # epoch seconds for TTL; the API shows it as ISO 8601
        }
    )
    return consent


def current_choice(store: Store, visitor_id: uuid.UUID) -> CookieConsentOut:
    item = store.get(*cookie_consent_key(str(visitor_id)))
    if item is None:
        raise NotFound("Aucun choix en vigueur pour ce visiteur : le bandeau doit être présenté.")
    fields = {k: item[k] for k in CookieConsentOut.model_fields if k != "expires_at"}
    return CookieConsentOut(
        **fields, expires_at=datetime.fromtimestamp(int(item["expires_at"]), UTC).isoformat()
    )
