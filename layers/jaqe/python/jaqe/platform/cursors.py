"""Opaque pagination cursors: a DynamoDB LastEvaluatedKey, base64url JSON, checked on the way back."""

from __future__ import annotations

import base64
import json
from typing import Any

from jaqe.platform.errors import InvalidInput


def encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, default=str).encode()).decode().rstrip("=")


def read_cursor(cursor: str, keys: set[str]) -> dict[str, Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError as error:
        raise InvalidInput("Curseur de pagination illisible.") from error
    if not isinstance(key, dict) or set(key) != keys or not all(isinstance(v, str) for v in key.values()):
        raise InvalidInput("Curseur de pagination illisible.")
    return key
