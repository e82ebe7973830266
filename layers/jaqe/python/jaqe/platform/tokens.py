"""Unguessable, expiring tokens for links sent by email.

Only the token's SHA-256 is stored; consuming it is one conditional delete, so a link
works once even if two clicks race. A link meant to be used again while it lives (a quote
acceptance) reads its `payload` without spending it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from jaqe.platform import clock
from jaqe.platform.errors import LinkGone
from jaqe.platform.ids import new_token, token_digest
from jaqe.platform.store import Item, Store, expiry_fields, is_live


def token_item(
    kind: str,
    payload: dict[str, Any],
    ttl: timedelta | None,
    subject_key: str | None,
    token: str | None = None,
) -> tuple[str, Item]:
    """`token`: one made from ids (`jaqe.platform.keyed_hash.link_token`) by a link rendered later;
    by default a random one."""
    token = token or new_token()
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
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        ttl: timedelta | None,
        subject_key: str | None = None,
        token: str | None = None,
    ) -> str:
        token, item = token_item(kind, payload, ttl, subject_key, token)
        self.store.put_new(item)
        return token

    def take(self, kind: str, token: str) -> tuple[dict[str, Any], bool]:
        """(payload, still valid) of a token, which is gone afterwards. Unknown or used: 410."""
        old = self._take_item(kind, token)
        return dict(old["payload"]), is_live(old)

    @contextmanager
    def redeeming(self, kind: str, token: str) -> Iterator[tuple[dict[str, Any], bool]]:
        """`take`, but the token comes back if what the link does fails (the workflow could not be
        resumed, say): a person's link is spent only by a click that worked."""
        old = self._take_item(kind, token)
        try:
            yield dict(old["payload"]), is_live(old)
        except Exception:
            self.store.put_new(old)
            raise

    def usable(self, kind: str, token: str) -> bool:
        """Whether the link still works, without using it (the page a link opens says so at once)."""
        item = self.store.get(f"TOKEN#{token_digest(token)}", "TOKEN")
        return item is not None and item.get("kind") == kind

    def payload(self, kind: str, token: str) -> dict[str, Any]:
        """The payload of a link that many clicks may use while it lives (it is not spent). Unknown or
        expired: 410."""
        item = self.store.get(f"TOKEN#{token_digest(token)}", "TOKEN")
        if item is None or item.get("kind") != kind:
            raise LinkGone()
        return dict(item["payload"])

    def _take_item(self, kind: str, token: str) -> dict[str, Any]:
        old = self.store.take(
            f"TOKEN#{token_digest(token)}",
            "TOKEN",
            where="attribute_exists(pk) AND kind = :kind",
            values={":kind": kind},
        )
        if not old:
            raise LinkGone()
        return old

    def consume(self, kind: str, token: str) -> dict[str, Any]:
        """The token's payload; the token is gone afterwards. Unknown, used or expired: 410."""
        payload, live = self.take(kind, token)
        if not live:
            raise LinkGone()
        return payload
