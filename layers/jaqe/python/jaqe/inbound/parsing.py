"""Email intake: parse a raw message and classify what the sender asks, in French or English.

The policy invites people to exercise their rights by email (C7-09). A clear request
becomes a rights request through the same workflow as the web form; an unclear one is
kept "to triage" with its legal clock running from receipt; anything else is a contact
message. Parsing uses the standard library only; attachments are noted, never processed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
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
    problems: tuple[str, ...] = ()  # what could not be read (the date, a charset, the sender...)


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


def parse(raw: bytes) -> ParsedEmail:
    message = cast(EmailMessage, message_from_bytes(raw, policy=policy.default))
    _, sender = parseaddr(str(message.get("Reply-To") or message.get("From") or ""))
    part = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if part is not None:
        content = part.get_content()
        text = html_to_text(content) if part.get_content_type() == "text/html" else content
    attachments = [
        Attachment(
            a.get_filename() or "(sans nom)", a.get_content_type(), len(a.get_payload(decode=True) or b"")
        )
        for a in message.iter_attachments()
    ]
    date = message.get("Date")
    received_at = parsedate_to_datetime(str(date)).isoformat() if date else None
    body = new_content(text)
    return ParsedEmail(
        sender=sender.strip().lower(),
        subject=str(message.get("Subject") or "").strip(),
        body=body,
        received_at=received_at,
        attachments=attachments,
        language=guess_language(f"{message.get('Subject', '')} {body}"),
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
