"""The inbound records' keys, the only code that builds them.

CONTACT#<id>       MESSAGE   a contact message (form or email)
BOUNCE#<subject>   BOUNCE    an address that hard-bounced or complained: no further mail
"""

from __future__ import annotations


def contact_message_key(message_id: str) -> tuple[str, str]:
    return f"CONTACT#{message_id}", "MESSAGE"


def bounce_key(subject_key: str) -> tuple[str, str]:
    return f"BOUNCE#{subject_key}", "BOUNCE"
