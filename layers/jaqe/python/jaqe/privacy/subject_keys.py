"""Subject keys: how a person is found without their email being an index key.

A subject key is HMAC-SHA256 of the normalised email under a secret held in Secrets
Manager. The same email always gives the same key; the key alone reveals nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import cache

from jaqe.platform import aws
from jaqe.platform.settings import SubjectKeySettings, get_settings
from jaqe.platform.validation import normalise_email


def subject_key_with(secret: bytes, email: str) -> str:
    return hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()


@cache
def _secret() -> bytes:
    # Fetched once per container; rotating the key means re-keying stored items.
    from aws_lambda_powertools.utilities import parameters

    settings = get_settings(SubjectKeySettings)
    provider = parameters.SecretsProvider(boto3_client=aws.client("secretsmanager"))
    value = provider.get(settings.subject_key_secret_arn, max_age=3600)
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes):
        return value
    raise TypeError("the subject-key secret must be a string")


def subject_key(email: str, secret: Callable[[], bytes] = _secret) -> str:
    return subject_key_with(secret(), email)


def forget_secret() -> None:
    _secret.cache_clear()
