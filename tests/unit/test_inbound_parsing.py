"""Raw MIME samples from events/inbound_email parsed and routed (rights workflow faked here)."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jaqe.inbound.parsing import MAX_BODY_CHARS, ParsedEmail, classify, parse

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


# Malformed and real-world mail (issue 18 part 6): whatever arrives is kept with what could be read,
# `problems` saying what could not, so that an operator looks at it; parsing never raises.

MAIL = Path(__file__).resolve().parents[1] / "fixtures" / "mail"


def fixture(name: str):
    return parse((MAIL / f"{name}.eml").read_bytes())


def test_outlook_html_with_winmail_dat_is_read_as_text_without_its_quote():
    email = fixture("outlook_html_tnef")
    assert email.sender == "martine.dupont@outlook.fr" and email.problems == ()
    assert email.subject == "RE: Votre demande de devis n° 4521"  # Windows-1252 encoded word
    assert "supprimiez toutes les données me concernant" in email.body
    assert "effacer vos informations" not in email.body  # JAQE's own text under Outlook's "De :"
    assert "MsoNormal" not in email.body and "Martine Dupont" not in email.body
    assert [(a.filename, a.content_type) for a in email.attachments] == [
        ("winmail.dat", "application/ms-tnef")
    ]
    assert email.received_at == "2026-11-24T08:14:55+00:00"


@pytest.mark.parametrize(
    ("name", "subject", "in_body", "problems"),
    [
        ("latin1_8bit", "Accès à mes données", "données me concernant que vous détenez", ("charset",)),
        ("cp1252_qp", "Facture de 150 € – cœur du problème", "Je n’ai pas reçu la facture de 150 €", ()),
        ("not_utf8_in_utf8_part", "Rectification", "mon prénom est mal orthographié", ("undecodable_bytes",)),
        ("unknown_charset", "Opposition", "Je m'oppose au traitement de mes données", ("charset",)),
    ],
)
def test_legacy_unknown_and_wrong_charsets_are_read_and_flagged(name, subject, in_body, problems):
    email = fixture(name)
    assert (email.subject, email.problems) == (subject, problems)
    assert in_body in email.body and "\ufffd" not in email.body
    assert email.sender and email.received_at


def test_a_broken_date_is_flagged_not_fatal():
    email = fixture("broken_date")
    assert (email.received_at, email.problems) == (None, ("date",))
    assert email.sender == "lea.petit@example.fr" and "effacer mes données" in email.body


def test_a_bounce_without_from_keeps_its_text_with_an_empty_sender():
    email = fixture("bounce_no_from")
    assert (email.sender, email.problems) == ("", ("from",))
    assert "could not\nbe delivered" in email.body and email.received_at == "2026-11-27T09:00:01+01:00"


def test_spam_is_parsed_like_any_message():
    email = fixture("spam_html")
    assert email.sender == "noreply@win.example.ru" and email.problems == ()
    assert email.subject.startswith("🎁 Félicitations") and "réclamer votre cadeau" in email.body
    assert "pixel" not in email.body


def test_broken_base64_in_an_attachment_still_gives_a_size():
    email = fixture("broken_base64_attachment")
    assert "demande d'accès à mes données" in email.body and email.problems == ()
    pdf = email.attachments[0]
    assert pdf.content_type == "application/pdf" and 60 < pdf.size < 80 and pdf.filename.endswith(".pdf")


def test_a_3_mb_attachment_is_sized_without_being_decoded_and_a_huge_body_is_truncated():
    attachment = base64.encodebytes(os.urandom(3 * 1024 * 1024))
    body = ("Bonjour, je souhaite accéder à mes données. " * 12_000).encode()  # ~540 KB of text
    raw = (
        b"From: a@example.fr\r\nTo: privacy@jaqe.fr\r\nSubject: Gros\r\nDate: Mon, 30 Nov 2026 09:00:00 +0100\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + body
        + b"\r\n--B\r\n"
        b"Content-Type: application/zip\r\nContent-Disposition: attachment; filename=scan.zip\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + attachment + b"--B--\r\n"
    )
    started = time.perf_counter()
    email = parse(raw)
    assert time.perf_counter() - started < 2
    assert [(a.filename, a.size) for a in email.attachments] == [("scan.zip", 3 * 1024 * 1024)]
    assert email.problems == ("body_truncated",) and len(email.body) <= MAX_BODY_CHARS
    assert email.body.startswith("Bonjour, je souhaite accéder")


def test_an_empty_message_and_bare_garbage_give_an_empty_flagged_email():
    assert parse(b"") == ParsedEmail("", "", "", None, [], "fr", ("from", "date"))
    garbage = parse(b"\x00\xff\xfe\x80 \x1b[31m")
    assert garbage.sender == "" and "from" in garbage.problems


REAL = [p.read_bytes() for p in sorted(MAIL.glob("*.eml"))] + [
    p.read_bytes() for p in sorted(SAMPLES.glob("*.eml"))
]


def mutated(data: st.DataObject) -> bytes:
    raw = bytearray(data.draw(st.sampled_from(REAL)))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw)))
        action = data.draw(st.sampled_from(["insert", "delete", "cut"]))
        if action == "insert":
            raw[at:at] = data.draw(st.sampled_from([b"\xff", b"=?", b"?=", b"\r\n", b"--", b":", b"\x00"]))
        elif action == "delete":
            del raw[at : at + data.draw(st.integers(1, 40))]
        else:
            del raw[at:]
    return bytes(raw)


@settings(
    max_examples=int(os.environ.get("PARSE_FUZZ_EXAMPLES", "150")),
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_parse_never_raises_on_random_or_mutated_bytes(data):
    raw = data.draw(st.binary(max_size=2000)) if data.draw(st.booleans()) else mutated(data)
    email = parse(raw)
    assert isinstance(email.body, str) and isinstance(email.problems, tuple)
    json.dumps(dataclasses.asdict(email))  # storable: no lone surrogates
    (email.sender + email.subject + email.body).encode("utf-8")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("outlook_html_tnef", "erasure"),  # "que vous supprimiez toutes les données me concernant"
        ("latin1_8bit", "access"),
        ("cp1252_qp", "contact"),
        ("not_utf8_in_utf8_part", "rectification"),
        ("unknown_charset", "objection"),
        ("broken_date", "erasure"),
        ("broken_base64_attachment", "access"),
        ("spam_html", "contact"),  # its "pour vous désinscrire, cliquez ici" footer is nobody's request
        ("bounce_no_from", "contact"),
    ],
)
def test_what_real_world_messages_ask_is_read_through_their_flaws(name, kind):
    email = fixture(name)
    found = classify(email.subject, email.body)
    assert found.kind == kind and (kind == "contact" or found.is_clear), found
