"""The keys of what is held about a person as such, the only code that builds them.

SUBJECT#<subject_key>       CONSENT#<purpose>#<at>#<id>  consent event (append-only)
SUBJECT#<subject_key>       FLAGS                        restriction / objections
SUBJECT#<subject_key>       POST_MORTEM                  post-mortem directives (`jaqe.rights`)
SUPPRESSION#<subject_key>   SUPPRESSION                  suppression entry (subject key only)
"""

from __future__ import annotations

FLAGS_SK = "FLAGS"
CONSENT = "CONSENT#"


def subject_pk(subject_key: str) -> str:
    return f"SUBJECT#{subject_key}"


def consent_sk(purpose: str, at: str, event_id: str) -> str:
    return f"{CONSENT}{purpose}#{at}#{event_id}"


def suppression_key(subject_key: str) -> tuple[str, str]:
    return f"SUPPRESSION#{subject_key}", "SUPPRESSION"
