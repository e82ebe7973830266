"""Subject keys: how a person is found without their email being an index key.

A subject key is HMAC-SHA256 of the normalised email under a secret held in Secrets
Manager (`jaqe.platform.keyed_hash`). The same email always gives the same key; the key
alone reveals nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from jaqe.platform.keyed_hash import forget_secret, keyed_digest
from jaqe.platform.keyed_hash import secret as _secret
from jaqe.platform.validation import normalise_email

__all__ = ["forget_secret", "subject_key", "subject_key_with"]


def subject_key_with(secret: bytes, email: str) -> str:
    return keyed_digest(secret, normalise_email(email).encode())


def subject_key(email: str, secret: Callable[[], bytes] = _secret) -> str:
    return subject_key_with(secret(), email)
