"""Email intake: parse a raw message and classify what the sender asks, in French or English.

The policy invites people to exercise their rights by email (C7-09). A clear request
becomes a rights request through the same workflow as the web form; an unclear one is
kept "to triage" with its legal clock running from receipt; anything else is a contact
message. Parsing uses the standard library only; attachments are noted, never processed.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC
from email import message_from_bytes, policy
from email.header import decode_header
from email.message import EmailMessage, MIMEPart
from email.utils import parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from typing import cast

# A request is acted on automatically at or above this confidence; below, operators triage it.
CLEAR_CONFIDENCE = 0.7

# Phrases per type, already without accents and in lower case; weights say how decisive they are.
RIGHTS_PHRASES: dict[str, tuple[tuple[str, float], ...]] = {
    "erasure": (
        ("supprimer", 0.6),
        ("suppression", 0.6),
        ("effacer", 0.7),
        ("effacement", 0.8),
        ("droit a l'oubli", 0.9),
        ("delete", 0.6),
        ("erase", 0.8),
        ("erasure", 0.9),
        ("right to be forgotten", 0.9),
        ("remove my data", 0.9),
        ("remove all my", 0.8),
        ("supprimez", 0.7),
        ("effacez", 0.8),
        ("fermer mon compte", 0.6),
    ),
    "access": (
        ("acces a mes donnees", 0.9),
        ("copie de mes donnees", 0.9),
        ("droit d'acces", 0.9),
        ("quelles donnees", 0.7),
        ("copy of my personal data", 0.9),
        ("copy of my data", 0.9),
        ("access to my data", 0.9),
        ("access my personal data", 0.9),
        ("what data you hold", 0.8),
        ("what personal data", 0.8),
        ("subject access request", 0.9),
        ("acceder a mes donnees", 0.9),
        ("communiquer mes donnees", 0.8),
        ("donnees que vous detenez", 0.8),
    ),
    "rectification": (
        ("rectifier", 0.8),
        ("rectification", 0.9),
        ("corriger", 0.7),
        ("correction", 0.6),
        ("modifier mon", 0.6),
        ("rectify", 0.9),
        ("correct my", 0.8),
        ("update my", 0.6),
        ("mettre a jour mon", 0.6),
        ("inexact", 0.6),
        ("inaccurate", 0.7),
        ("erreur dans mon", 0.6),
        ("mistake in my", 0.6),
    ),
    "restriction": (
        ("limiter le traitement", 0.9),
        ("limitation du traitement", 0.9),
        ("limiter", 0.6),
        ("limitation", 0.6),
        ("restrict", 0.8),
        ("restriction of processing", 0.9),
        ("geler", 0.5),
    ),
    "portability": (
        ("portabilite", 0.9),
        ("portability", 0.9),
        ("format structure", 0.7),
        ("machine-readable", 0.8),
        ("transferer mes donnees", 0.8),
        ("transfer my data", 0.8),
        ("export de mes donnees", 0.8),
    ),
    "objection": (
        ("je m'oppose", 0.9),
        ("opposition", 0.8),
        ("m'opposer", 0.9),
        ("i object", 0.9),
        ("object to", 0.8),
        ("objection", 0.8),
        ("ne plus recevoir", 0.6),
        ("stop processing", 0.7),
        ("stop using my", 0.7),
    ),
    "withdraw_consent": (
        ("retirer mon consentement", 0.9),
        ("retrait de mon consentement", 0.9),
        ("retire mon consentement", 0.9),
        ("withdraw my consent", 0.9),
        ("withdraw consent", 0.9),
        ("revoke my consent", 0.9),
        ("revoquer mon consentement", 0.9),
    ),
    "post_mortem_directives": (
        ("directives apres deces", 0.9),
        ("directives post mortem", 0.9),
        ("post-mortem", 0.8),
        ("apres mon deces", 0.9),
        ("after my death", 0.9),
        ("in the event of my death", 0.9),
        ("deces", 0.5),
        ("death", 0.5),
    ),
    "unsubscribe": (
        ("desinscrire", 0.9),
        ("desinscription", 0.9),
        ("desabonner", 0.9),
        ("desabonnement", 0.9),
        ("unsubscribe", 0.9),
        ("newsletter", 0.3),
        ("ne plus recevoir la newsletter", 0.9),
        ("remove me from your mailing list", 0.9),
    ),
}
# Words that say the message is about personal data at all; they raise confidence a little.
DATA_WORDS = ("donnees", "data", "rgpd", "gdpr", "personnelles", "personal", "cnil", "informations")

_QUOTE_HEADERS = re.compile(
    r"^(le .{3,120} a ecrit ?:|on .{3,120} wrote:|-{2,} ?(original message|message d'origine|forwarded message|"
    r"message transfere) ?-{2,}|de ?: .+|from: .+|envoye ?: .+|sent: .+)$"
)
_SIGNATURE_START = re.compile(
    r"^(-- ?|cordialement,?|bien cordialement,?|best regards,?|regards,?|kind regards,?|"
    r"envoye de mon (iphone|ipad|android)|sent from my (iphone|ipad|phone))$"
)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class ParsedEmail:
    sender: str
    subject: str
    body: str
    received_at: str | None
    attachments: list[Attachment] = field(default_factory=list)
    language: str = "fr"
    # What could not be read (see `parse`): the message is kept all the same, flagged for an operator.
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Classification:
    kind: str  # a rights type, "unsubscribe", or "contact"
    confidence: float
    matched: tuple[str, ...] = ()

    @property
    def is_clear(self) -> bool:
        return self.confidence >= CLEAR_CONFIDENCE


def fold(text: str) -> str:
    """Lower case without accents, typographic apostrophes made plain: what the phrases are written in."""
    text = text.replace("’", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "blockquote"):
            self._skip += 1
        if tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "blockquote") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    return re.sub(r"\n\s*\n+", "\n\n", "".join(extractor.parts)).strip()


def new_content(body: str) -> str:
    """The sender's own words: quoted replies (`>`, "Le ... a écrit :") and the signature cut off."""
    kept: list[str] = []
    for line in body.splitlines():
        folded = fold(line.strip())
        if folded.startswith(">") or _QUOTE_HEADERS.match(folded):
            if folded.startswith(">"):
                continue
            break
        if _SIGNATURE_START.match(folded) and kept:
            break
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


# Limits: what is read of a body (text), and of its encoded part before decoding (bytes).
MAX_BODY_CHARS = 200_000
_MAX_PART_BYTES = {"text/plain": 4 * MAX_BODY_CHARS, "text/html": 2_000_000}
_MAX_HEADER_CHARS = 2_000
_BASE64_CHARS = re.compile(rb"[A-Za-z0-9+/]")


def _clean(text: str) -> tuple[str, bool]:
    """Text that any store or JSON accepts: bytes the email package kept as surrogates are read as
    UTF-8, else as Windows-1252; NULs go. The flag says the text was not valid UTF-8."""
    text = text.replace("\x00", "")
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text, False
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # lone surrogates that stand for no byte
        return text.encode("utf-8", "replace").decode("utf-8"), True
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), True


def _decode(payload: bytes, charset: str | None, problems: list[str]) -> str:
    """A text part's bytes as text: its declared charset, else UTF-8, else Windows-1252 (the usual
    mislabelling); an unknown charset and bytes that do not fit it are noted, never raised."""
    name = (charset or "utf-8").strip().strip("\"'").lower()
    try:
        if codecs.lookup(name).name in ("ascii", "us-ascii"):
            name = "utf-8"  # 8-bit bytes in a part said to be ASCII are UTF-8 more often than not
        return payload.decode(name)
    except LookupError:
        problems.append("charset")
    except UnicodeDecodeError:
        problems.append("undecodable_bytes")
    except Exception:  # a codec that is not a text encoding, or one that fails on its own
        problems.append("charset")
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("cp1252", errors="replace")


def _header(message: EmailMessage, name: str, problems: list[str]) -> str:
    """A header as text (encoded words decoded), "" if absent; never raises. Raw 8-bit headers are
    read as UTF-8 (RFC 6532), else as Windows-1252 (old clients), which is noted."""
    raw = next((str(v) for k, v in message.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return ""
    if any("\ud800" <= c <= "\udfff" for c in raw):
        text, guessed = _clean(raw)
        if guessed:
            problems.append("charset")
    else:
        try:
            text = str(message.get(name))
        except Exception:  # the email package's header parser has raised on some malformed headers
            text = _decode_words(raw, problems)
    text = " ".join(text.split())[:_MAX_HEADER_CHARS].replace("\x00", "")
    if "\ufffd" in text:
        problems.append("undecodable_bytes")
    return text


def _decode_words(raw: str, problems: list[str]) -> str:
    parts = []
    try:
        for chunk, charset in decode_header(raw):
            parts.append(chunk if isinstance(chunk, str) else _decode(chunk, charset, problems))
    except Exception:
        return raw
    return "".join(parts)


def _address(value: str) -> str:
    _, address = parseaddr(value)
    address = address.strip().lower()
    return address if "@" in address.strip("@") and not any(c.isspace() for c in address) else ""


def _payload(part: MIMEPart) -> bytes:
    """A part's decoded bytes (quoted-printable, base64 even broken, 8bit): what Python can recover."""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _body_text(message: EmailMessage, problems: list[str]) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content_type = part.get_content_type()
    payload = _payload(part)
    limit = _MAX_PART_BYTES.get(content_type, _MAX_PART_BYTES["text/plain"])
    truncated = len(payload) > limit
    text = _decode(payload[:limit], part.get_content_charset(), problems)
    if content_type == "text/html":
        text = html_to_text(text)
    if truncated or len(text) > MAX_BODY_CHARS:
        problems.append("body_truncated")
    return text[:MAX_BODY_CHARS]


def _attachment_size(part: MIMEPart) -> int:
    """Decoded size without decoding: base64 is 3 bytes per 4 characters (broken base64 included)."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return 0
    if part.get("Content-Transfer-Encoding", "").strip().lower() == "base64":
        return len(_BASE64_CHARS.findall(payload.encode("ascii", "replace"))) * 3 // 4
    return len(_payload(part))


def _attachments(message: EmailMessage, problems: list[str]) -> list[Attachment]:
    found = []
    try:
        for part in message.iter_attachments():
            try:
                name = _clean(part.get_filename() or "")[0] or "(sans nom)"
            except Exception:
                name = "(sans nom)"
            found.append(Attachment(name[:255], part.get_content_type(), _attachment_size(part)))
    except Exception:
        problems.append("attachments")
    return found


def _date(message: EmailMessage, problems: list[str]) -> str | None:
    raw = next((str(v) for k, v in message.raw_items() if k.lower() == "date"), "")
    try:
        moment = parsedate_to_datetime(raw.strip())
    except Exception:  # absent, not a date at all, or out of range
        problems.append("date")
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def parse(raw: bytes) -> ParsedEmail:
    """What could be read of any bytes: never raises. `problems` lists what could not be, for operators:
    date, from, charset, undecodable_bytes, body_truncated, body, attachments, unparsable."""
    problems: list[str] = []
    try:
        message = cast(EmailMessage, message_from_bytes(raw, policy=policy.default))
    except Exception:  # not seen with the standard parser, but the intake must keep the message
        text = _decode(raw[: _MAX_PART_BYTES["text/plain"]], None, problems)
        body = new_content(_clean(text)[0][:MAX_BODY_CHARS])
        return ParsedEmail("", "", body, None, [], guess_language(body), ("unparsable", *problems))
    sender = next(filter(None, (_address(_header(message, h, problems)) for h in ("Reply-To", "From"))), "")
    if not sender:
        problems.append("from")  # routing falls back on SES's envelope sender
    subject = _header(message, "Subject", problems)
    try:
        text, unreadable = _clean(_body_text(message, problems))
        if unreadable:
            problems.append("undecodable_bytes")
    except Exception:
        text = ""
        problems.append("body")
    body = new_content(text)
    return ParsedEmail(
        sender=sender,
        subject=subject,
        body=body,
        received_at=_date(message, problems),
        attachments=_attachments(message, problems),
        language=guess_language(f"{subject} {body}"),
        problems=tuple(dict.fromkeys(problems)),
    )


def guess_language(text: str) -> str:
    words = re.findall(r"[a-z']+", fold(text))
    english = sum(w in {"the", "my", "please", "data", "i", "you", "your", "me", "to"} for w in words)
    french = sum(w in {"le", "la", "les", "mes", "je", "vous", "de", "des", "mon", "merci"} for w in words)
    return "en" if english > french else "fr"


def classify(subject: str, body: str) -> Classification:
    text = fold(f"{subject}\n{body}")
    scores: dict[str, float] = {}
    matches: dict[str, list[str]] = {}
    for kind, phrases in RIGHTS_PHRASES.items():
        for phrase, weight in phrases:
            if re.search(rf"(?<![a-z]){re.escape(phrase)}", text):
                # Several phrases for one type reinforce each other, without exceeding 1.
                scores[kind] = 1 - (1 - scores.get(kind, 0.0)) * (1 - weight)
                matches.setdefault(kind, []).append(phrase)
    if not scores:
        return Classification("contact", 1.0)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best, score = ranked[0]
    if any(word in text for word in DATA_WORDS):
        score = min(1.0, score + 0.15)
    if len(ranked) > 1 and ranked[1][1] >= 0.6:
        score = min(score, 0.6)  # two different requests in one message: let an operator decide
    return Classification(best, round(score, 2), tuple(matches[best]))
