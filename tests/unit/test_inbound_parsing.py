"""Raw MIME samples from events/inbound_email parsed and routed (rights workflow faked here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from jaqe.inbound.parsing import classify, parse

SAMPLES = Path(__file__).resolve().parents[2] / "events" / "inbound_email"


def sample(name: str):
    return parse((SAMPLES / f"{name}.eml").read_bytes())


@pytest.mark.parametrize(
    ("name", "kind", "language"),
    [
        ("fr_erasure", "erasure", "fr"),
        ("en_access", "access", "en"),
        ("fr_rectification_multipart", "rectification", "fr"),
        ("fr_objection_html_only", "objection", "fr"),
        ("fr_unsubscribe", "unsubscribe", "fr"),
        ("fr_reply_with_quote", "contact", "fr"),
        ("fr_unrelated", "contact", "fr"),
    ],
)
def test_samples_are_parsed_and_classified(name, kind, language):
    email = sample(name)
    assert email.sender and "@" in email.sender
    assert classify(email.subject, email.body).kind == kind
    assert email.language == language


def test_signatures_and_quotes_are_cut_and_attachments_only_noted():
    multipart = sample("fr_rectification_multipart")
    assert [(a.filename, a.content_type) for a in multipart.attachments] == [
        ("justificatif.pdf", "application/pdf")
    ]
    assert "Camille" not in sample("fr_erasure").body  # signature
    assert "supprimer" not in sample("fr_reply_with_quote").body  # quoted JAQE text
    assert sample("fr_erasure").received_at == "2026-11-20T09:30:00+00:00"
