"""Single-use, unguessable, expiring tokens for links sent by email.

Only the token's SHA-256 is stored; consuming it is one conditional delete, so a link
works once even if two clicks race.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from jaqe import clock
from jaqe.errors import Gone
from jaqe.ids import new_token, token_digest
from jaqe.register import PurposeId, purpose
from jaqe.settings import LinkSettings, get_settings
from jaqe.store import Item, Store, expiry_fields, is_live


def token_item(
    kind: str, payload: dict[str, Any], ttl: timedelta | None, subject_key: str | None
) -> tuple[str, Item]:
    token = new_token()
    item: Item = {
        "pk": f"TOKEN#{token_digest(token)}",
        "sk": "TOKEN",
        "item_type": "token",
        "kind": kind,
        "payload": payload,
        "created_at": clock.now().isoformat(),
        "purpose": payload.get("purpose", "rights_requests"),
    }
    if subject_key:
        item["subject_key"] = subject_key
    if ttl is not None:
        item.update(expiry_fields(clock.epoch(clock.now() + ttl)))
    return token, item


class Tokens:
    def __init__(self, store: Store) -> None:
        self.store = store

    def issue(
        self, kind: str, payload: dict[str, Any], *, ttl: timedelta | None, subject_key: str | None = None
    ) -> str:
        token, item = token_item(kind, payload, ttl, subject_key)
        self.store.put_new(item)
        return token

    def take(self, kind: str, token: str) -> tuple[dict[str, Any], bool]:
        """(payload, still valid) of a token, which is gone afterwards. Unknown or used: 410."""
        old = self.store.take(
            f"TOKEN#{token_digest(token)}",
            "TOKEN",
            where="attribute_exists(pk) AND kind = :kind",
            values={":kind": kind},
        )
        if not old:
            raise Gone("Ce lien n'est plus valide : il a déjà servi ou a expiré.")
        return dict(old["payload"]), is_live(old)

    def consume(self, kind: str, token: str) -> dict[str, Any]:
        """The token's payload; the token is gone afterwards. Unknown, used or expired: 410."""
        payload, live = self.take(kind, token)
        if not live:
            raise Gone("Ce lien n'est plus valide : il a déjà servi ou a expiré.")
        return payload


def unsubscribe_token(tokens: Tokens, subject_key: str, purpose_id: PurposeId) -> str:
    """The one-click unsubscribe token of a marketing email; it lives as long as the data it stops."""
    retention = purpose(purpose_id).expires_at(clock.now())
    ttl = None if retention is None else timedelta(seconds=retention - clock.epoch())
    return tokens.issue(
        "unsubscribe",
        {"subject_key": subject_key, "purpose": purpose_id.value},
        ttl=ttl,
        subject_key=subject_key,
    )


def unsubscribe_url(token: str) -> str:
    return f"{get_settings(LinkSettings).public_api_url}/v1/newsletter/unsubscribe?token={token}"
