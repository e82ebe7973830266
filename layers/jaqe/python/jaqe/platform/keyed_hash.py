"""The HMAC key held in Secrets Manager (SUBJECT_KEY_SECRET_ARN), and digests keyed with it.

Subject keys (`jaqe.privacy.subject_keys`) and idempotency fingerprints (`jaqe.platform.api`) are
HMAC-SHA256 under this key: without it a digest reveals nothing, even to someone who holds a list
of candidate addresses (an unkeyed hash of an address can be reversed by trying the list). The
tokens of the links a quote request's emails carry are too (`link_token`).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from jaqe.platform import aws
from jaqe.platform.restore import on_restore
from jaqe.platform.settings import SubjectKeySettings, get_settings


@cache
def secret() -> bytes:
    # Fetched once per container (again after a SnapStart restore); rotating the key means re-keying
    # stored items.
    from aws_lambda_powertools.utilities import parameters

    settings = get_settings(SubjectKeySettings)
    provider = parameters.SecretsProvider(boto3_client=aws.client("secretsmanager"))
    value = provider.get(settings.subject_key_secret_arn, max_age=3600)
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes):
        return value
    raise TypeError("the subject-key secret must be a string")


@on_restore
def forget_secret() -> None:
    secret.cache_clear()


def keyed_digest(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def link_token(kind: str, reference: str) -> str:
    """The token of a link of `kind` about `reference` (a lead's id), as unguessable as a random one
    without the key, and made again from the ids alone: the mail sender renders the email that
    carries the link from its records at send time, so no stored message keeps the token."""
    return keyed_digest(secret(), f"link:{kind}:{reference}".encode())
