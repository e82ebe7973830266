"""The one-click unsubscribe link every marketing email carries (RFC 8058)."""

from __future__ import annotations

from datetime import timedelta

from jaqe.platform import clock
from jaqe.platform.settings import LinkSettings, get_settings
from jaqe.platform.tokens import Tokens
from jaqe.privacy.register import PurposeId, purpose


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
