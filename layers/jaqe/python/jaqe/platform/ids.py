"""Identifiers and tokens: random, unguessable, never derived from personal data."""

from __future__ import annotations

import hashlib
import secrets
import uuid


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored for a token: its hash, so that a table dump reveals no live link."""
    return hashlib.sha256(token.encode()).hexdigest()
