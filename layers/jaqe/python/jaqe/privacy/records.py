"""The keys of what is held about a person as such, the only code that builds them.

SUBJECT#<subject_key>       CONSENT#<purpose>#<at>#<id>  consent event (append-only)
SUBJECT#<subject_key>       FLAGS                        restriction / objections
SUBJECT#<subject_key>       POST_MORTEM                  post-mortem directives (`jaqe.rights`)
SUPPRESSION#<subject_key>   SUPPRESSION                  suppression entry (subject key only)
SUBJECT#<subject_key>       MAIL_RATE#<template>         when the last limited emails of a kind went to the person (`jaqe.privacy.outbox`)
MAIL#<mail_id>              MESSAGE                      an outgoing email until it is sent (`jaqe.privacy.outbox`)

The access trail has a table of its own (no function may update or delete there): one item per
entry, key `pk` = `ENTRY#<entry_id>`, found by `subject_key`, `operator` or `month` through its indexes
(`jaqe.privacy.access_trail`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from jaqe.platform import clock
from jaqe.platform.store import Item, expiry_fields
from jaqe.privacy.register import PurposeId

FLAGS_SK = "FLAGS"
CONSENT = "CONSENT#"


def subject_pk(subject_key: str) -> str:
    return f"SUBJECT#{subject_key}"


def consent_sk(purpose: str, at: str, event_id: str) -> str:
    return f"{CONSENT}{purpose}#{at}#{event_id}"


def suppression_key(subject_key: str) -> tuple[str, str]:
    return f"SUPPRESSION#{subject_key}", "SUPPRESSION"


# An unsent message outlives the mail dead-letter queue's 14 days by one: a redrive within the
# DLQ's retention still finds it, and nothing of it is left once the queue has forgotten the id.
OUTGOING_MAIL_RETENTION = timedelta(days=15)


def mail_key(mail_id: str) -> tuple[str, str]:
    return f"MAIL#{mail_id}", "MESSAGE"


def outgoing_mail_item(mail_id: str, message: dict[str, Any], about: str, purpose_id: PurposeId) -> Item:
    """An outgoing email as stored until sent: under the subject key of the person it is about (so
    that `by_subject` reaches it and an erasure deletes it), with its purpose and a short expiry."""
    pk, sk = mail_key(mail_id)
    return {
        "pk": pk,
        "sk": sk,
        "item_type": "outgoing_mail",
        "mail_id": mail_id,
        "message": message,
        "subject_key": about,
        "purpose": purpose_id.value,
        "created_at": clock.now().isoformat(),
        **expiry_fields(clock.epoch(clock.now() + OUTGOING_MAIL_RETENTION)),
    }


MAIL_RATE_ITEM_TYPE = "mail_rate"


def mail_rate_key(subject_key: str, template: str) -> tuple[str, str]:
    return subject_pk(subject_key), f"MAIL_RATE#{template}"


def mail_rate_fields(subject_key: str, window: timedelta) -> Item:
    """What the mail-rate item says beside its send times: whose it is, why, and that it goes with its window."""
    return {
        "item_type": MAIL_RATE_ITEM_TYPE,
        "subject_key": subject_key,
        "purpose": PurposeId.SERVER_LOGS.value,
        "created_at": clock.now().isoformat(),  # the subject index's sort key: erasure and access reach it
        **expiry_fields(clock.epoch(clock.now() + window)),
    }


ACCESS_TRAIL_BY_SUBJECT = "by_subject"
ACCESS_TRAIL_BY_OPERATOR = "by_operator"
ACCESS_TRAIL_BY_MONTH = "by_month"


def access_trail_item(entry_id: str, at: str, fields: dict[str, Any], expires_at: int | None) -> Item:
    """One access-trail entry; `at` (ISO 8601, UTC) sorts every index, `month` partitions by date."""
    return {
        "pk": f"ENTRY#{entry_id}",
        "entry_id": entry_id,
        "at": at,
        "month": at[:7],
        "purpose": PurposeId.ACCESS_TRAIL.value,
        **{k: v for k, v in fields.items() if v not in (None, "", {})},
        **expiry_fields(expires_at),
    }
