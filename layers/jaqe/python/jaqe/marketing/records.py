"""The marketing records' keys, the only code that builds them.

NEWSLETTER#<subject>   SUBSCRIPTION     a newsletter subscription (double opt-in)
VISITOR#<visitor_id>   COOKIE_CONSENT   a visitor's cookie choices (proof of consent)
"""

from __future__ import annotations


def subscription_key(subject_key: str) -> tuple[str, str]:
    return f"NEWSLETTER#{subject_key}", "SUBSCRIPTION"


def cookie_consent_key(visitor_id: str) -> tuple[str, str]:
    return f"VISITOR#{visitor_id}", "COOKIE_CONSENT"
