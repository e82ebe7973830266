"""Email intake: parse a raw message and classify what the sender asks, in French or English.

The policy invites people to exercise their rights by email (C7-09). A clear request
becomes a rights request through the same workflow as the web form; an unclear one is
kept "to triage" with its legal clock running from receipt; anything else is a contact
message. Parsing uses the standard library only; attachments are noted, never processed.
Parsing never fails: whatever could not be read (a broken date, an unknown charset, no From...) is
listed in `ParsedEmail.problems` and the message is kept with the rest, for an operator to look at.
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
from functools import cache
from html.parser import HTMLParser
from typing import cast

# A request is acted on automatically at or above this confidence; below, operators triage it.
CLEAR_CONFIDENCE = 0.7

# Classification: rules over the sender's own words, folded (lower case, no accents). Verbs are written
# as stems, so that every inflection matches (supprimer, supprimez, supprimiez, supprimé...), with the
# usual typos (suprimer, donées). A rule names what it asks for, usually a verb and its object a few
# words away: "supprimer" alone says nothing (a quote request, a photo, a review can be deleted too).
# `~` is a gap of up to three words; {DATA}, {ACCOUNT}, {FIELD}, {MINE} are the word classes below.
_WORDS = {
    "DATA": r"(?:(?:donn?ees?|donnes|infos?|informations?|coordonn?e+s|renseignements?|dossier|fiche|records?|data|details"
    r"|personal information|information)(?! (?:de|du|d') ?(?:facturation|paiement|connexion)))",
    "ACCOUNT": r"(?:compte|profil|account|profile)",
    "FIELD": r"(?:adresse(?! (?:de|du|des) (?:chantier|travaux|intervention))|e-?mail|mail|courriel|nom|prenom|numero|telephone|tel|portable|date de naissance"
    r"|civilite|coordonnees|name|surname|first name|address|phone|number|date of birth)",
    "MINE": r"(?:(?:mon|ma|mes|my) |m')",
}
_GAP = r"\W+(?:\w+\W+){0,3}?"


def _rule(pattern: str) -> re.Pattern[str]:
    for name, words in _WORDS.items():
        pattern = pattern.replace("{" + name + "}", words)
    pattern = pattern.replace(" ~ ", _GAP).replace(" ?", r"\W*").replace(" ", r"\W+")
    return re.compile(r"(?<![\w])" + pattern + r"(?![\w])")


_ERASE = (
    r"(?:supp?rim\w*|suppression|effac\w*|enlev\w*|retir\w*|detrui\w*|destruction|disparaitre|delet\w*|eras\w*"
    r"|remov\w*|destroy\w*|wipe|get rid of)"
)
_TO_ME = r"(?:me |m')(?:communiquer|communiquez|transmettre|transmettez|envoyer|envoyez|adresser|adressez|faire parvenir|fournir|fournissez)"

# (kind, weight, pattern); a weight of 0.7 or more makes a request clear on its own.
RULES: tuple[tuple[str, float, str], ...] = (
    (
        "erasure",
        0.95,
        r"(?:droit (?:a l'oubli|a l'effacement|de suppression|d'effacement)|right to (?:be forgotten|erasure))",
    ),
    ("erasure", 0.8, r"(?:effacement|erasure)"),
    ("erasure", 0.8, _ERASE + r" ~ (?:{DATA}|{ACCOUNT}|tout|toutes?|everything)"),
    (
        "erasure",
        0.8,
        r"(?:{DATA}|{ACCOUNT}) ~ (?:(?:soit|soient|etre|be|been|get) )?(?:supp?rim\w*|effac\w*|retire\w*|enleve\w*|deleted|erased|removed)",
    ),
    ("erasure", 0.8, r"(?:supp?rim\w*|effac\w*|ray\w*|enlev\w*)-(?:moi|les|la|le)"),
    (
        "erasure",
        0.8,
        r"(?:supp?rim\w*|effac\w*|ray\w*|enlev\w*|retir\w*|delet\w*|eras\w*|remov\w*) ~ (?:de|from) (?:vos|votre|your) (?:fichiers?|bases?|base de donnees|annuaire|database|records|files|systems?)",
    ),
    (
        "erasure",
        0.8,
        r"(?:ne|n') ?\w* ?plus (?:figurer|apparaitre|etre (?:inscrit\w*|enregistre\w*|reference\w*)) ~ (?:base|fichiers?|site|plateforme|annuaire)",
    ),
    ("erasure", 0.8, r"desinscri\w* (?:du|de la|de votre) (?:site|plateforme|service)"),
    ("erasure", 0.6, r"(?:fermer|fermez|cloturer|cloturez|close|closing) ~ {ACCOUNT}"),
    ("access", 0.95, r"(?:droit d'acces|right of access|subject access|(?:data )?access request)"),
    ("access", 0.8, r"(?:copie|copy|communication|extrait) ~ (?:{DATA}|fichiers?)"),
    ("access", 0.75, r"(?:d'ou viennent|origine|provenance|where did you get|how did you get) ~ {DATA}"),
    (
        "access",
        0.75,
        r"(?:comment|ou|d'ou|how|where|sur quelle base) ~ (?:obtenu|eu|trouve|recupere|got|get|obtained|found) {MINE}(?:\w+ )?(?:{FIELD}|{DATA})",
    ),
    ("access", 0.8, r"(?:acces|acceder|access) ~ {DATA}"),
    (
        "access",
        0.8,
        r"(?:quel|quels|quelle|quelles|what|which) (?:personal )?{DATA}(?!\W+(?:dois|doit|faut|faudra|faudrait|devez|devrais|do i|should|must|are needed|is needed))",
    ),
    (
        "access",
        0.75,
        r"(?:obtenir|recevoir|consulter|connaitre|voir|see|know|obtain|view) ~ {MINE}(?:\w+ )?{DATA}",
    ),
    (
        "access",
        0.75,
        r"(?:obtenir|recevoir|consulter|connaitre|voir|see|know|obtain|view) ~ {DATA} ~ (?:me concernant|sur moi|a mon sujet|about me|on me|personnel\w*|stocke\w*|collecte\w*|detenue?s?|enregistre\w*|held|stored|collected)",
    ),
    ("access", 0.75, _TO_ME + r" ~ {DATA}"),
    ("access", 0.75, r"(?:send|give|provide) me ~ {DATA}"),
    ("rectification", 0.95, r"(?:droit de rectification|right to rectification|rectification)"),
    ("rectification", 0.8, r"rectifi\w*"),
    (
        "rectification",
        0.75,
        r"(?:corrig\w*|correct\w*|modifi\w*|mettre a jour|mettez a jour|update\w*|chang\w*|fix\w*|amend\w*|remplac\w*|replac\w*) ~ {MINE}(?:\w+ )?(?:{FIELD}|{DATA})",
    ),
    (
        "rectification",
        0.75,
        r"(?:erreur|faute|error|mistake|typo) (?:\w+ ){0,2}?(?:dans|sur|in|on) {MINE}(?:\w+ )?{FIELD}",
    ),
    (
        "rectification",
        0.75,
        r"{MINE}(?:\w+ )?{FIELD} ~ (?:a change|ont change|has changed|have changed|changed)",
    ),
    (
        "rectification",
        0.75,
        r"(?:mal (?:orthographie\w*|ecrit\w*|saisi\w*|renseigne\w*)|misspel\w*|faute (?:dans|a) {MINE}{FIELD})",
    ),
    (
        "rectification",
        0.75,
        r"{MINE}{FIELD} ~ (?:errone\w*|inexact\w*|faux|fausse|incorrect\w*|wrong|inaccurate|outdated|(?:n'est|ne sont|is|are) (?:plus|pas|no longer|not) (?:le bon|la bonne|a jour|valide|correct\w*|exact\w*|valid|up to date))",
    ),
    (
        "rectification",
        0.75,
        r"(?:inverse\w*|interverti\w*|confondu\w*|swapped|mixed up) ~ {MINE}(?:\w+ )?{FIELD}",
    ),
    (
        "restriction",
        0.95,
        r"(?:droit a la limitation|right to restrict\w*|restriction of (?:the )?processing|limitation (?:du|de|des) traitements?)",
    ),
    ("restriction", 0.85, r"(?:limit\w*|restrict\w*) ~ (?:traitement|processing|utilisation|use|usage)"),
    (
        "restriction",
        0.75,
        r"(?:gel\w*|bloqu\w*|freez\w*|suspend\w*) ~ (?:{DATA}|traitement|utilisation|processing)",
    ),
    (
        "restriction",
        0.75,
        r"(?:traitement|utilisation|processing) ~ (?:suspendu\w*|gele\w*|bloque\w*|suspended|frozen|limite\w*|restricted)",
    ),
    (
        "restriction",
        0.75,
        r"(?:ne plus|ne pas|cess\w*|arret\w*|suspend\w*|stop) ~ (?:utiliser|traiter|using|processing) ~ (?:le temps|pendant|tant que|jusqu'a|until|while)",
    ),
    (
        "restriction",
        0.75,
        r"(?:en attendant|pendant|le temps de|until|while)\W+(?:\w+\W+){0,8}?(?:ne plus|ne pas|cess\w*|arret\w*|stop|suspend\w*) ~ (?:utiliser|traiter|using|processing)",
    ),
    ("portability", 0.95, r"(?:portabilite|portability)"),
    (
        "portability",
        0.8,
        r"(?:format (?:structure|ouvert|lisible|csv|json|xml)|lisible par (?:une )?machine|machine[- ]readable)",
    ),
    (
        "portability",
        0.75,
        r"{DATA} ~ (?:en|in) (?:format |un fichier |a )?(?:csv|json|xml|excel|xlsx?|tableur|spreadsheet)",
    ),
    (
        "portability",
        0.75,
        r"(?:envoy\w*|transmet\w*|send|transfer\w*) ~ {DATA} ~ (?:a|to|vers) (?:mon|my) (?:nouveau|nouvel|nouvelle|new) (?:prestataire|fournisseur|service|provider|supplier)",
    ),
    (
        "portability",
        0.75,
        r"(?:recuper\w*|export\w*|transfer\w*|importer|emporter|move|take) ~ {DATA}\W+(?:\w+\W+){0,6}?(?:concurrent|ailleurs|autre (?:service|site|plateforme|prestataire)|another (?:service|provider|platform|company))",
    ),
    (
        "portability",
        0.7,
        r"(?:transfer\w*|transmettre|transmettez|export\w*) ~ (?:{DATA}|demandes|tout) ~ (?:a|vers|to) (?:la societe|un autre|une autre|another|[a-z]+ (?:pro|sas|sarl))",
    ),
    (
        "objection",
        0.95,
        r"(?:droit d'opposition|right to object|je m'oppose|m'opposer|i object|object to|objecting to)",
    ),
    ("objection", 0.8, r"opposition ~ (?:traitement|utilisation|{DATA}|prospection|profilage)"),
    (
        "objection",
        0.8,
        r"(?:arret\w*|cess\w*|stop) (?:de |d')?(?:m'appeler|me contacter|me solliciter|me demarcher|me relancer|me harceler|calling me|contacting me|texting me)",
    ),
    ("objection", 0.8, r"(?:do not|don't) (?:contact|call|text) me"),
    (
        "objection",
        0.8,
        r"(?:do not|don't|stop|ne pas|ne plus) ~ (?:share\w*|sell\w*|pass on|partager|vendre|revendre|transmettre|ceder) ~ {DATA}",
    ),
    (
        "objection",
        0.8,
        r"(?:ne|n') ?(?:\w+ )?(?:plus|pas) (?:etre |me |m')?(?:(?:re)?contact\w*|appel\w*|demarch\w*|sollicit\w*|relanc\w*|derang\w*)",
    ),
    (
        "objection",
        0.8,
        r"(?:ne|n') ?\w* ?plus (?:que vous )?(?:recevoir|avoir|m'envoy\w*|m'adress\w*) ~ (?:appels?|sms|textos?|offres|sollicitations|propositions|publicites?|prospection|demarchage)",
    ),
    (
        "objection",
        0.8,
        r"(?:refuse|do not want|don't want) ~ {DATA} ~ (?:transmis\w*|utilis\w*|communique\w*|partage\w*|vendu\w*|cede\w*|shared|sold|used|passed)",
    ),
    (
        "objection",
        0.8,
        r"(?:plus|pas) que (?:{MINE})?{DATA} ~ (?:utilis\w*|traite\w*|exploit\w*|transmis\w*|servent|serve|\w*vendu\w*|partage\w*)",
    ),
    (
        "objection",
        0.8,
        r"(?:cess\w*|arret\w*|stop\w*) ~ (?:utilis\w*|using|use|traitement|processing|exploitation) ~ {DATA}(?! ~ (?:le temps|pendant|tant que|jusqu'a|until|while))",
    ),
    (
        "withdraw_consent",
        0.95,
        r"(?:retir\w*|retrait|revoqu\w*|revocation|annul\w*|withdraw\w*|revok\w*|cancel\w*|take back|taking back) ~ (?:consentement|consent)",
    ),
    (
        "withdraw_consent",
        0.8,
        r"(?:retir\w*|retrait|revoqu\w*|withdraw\w*|revok\w*) ~ (?:accord|autorisation|permission)",
    ),
    (
        "withdraw_consent",
        0.85,
        r"(?:ne consens plus|no longer consent|reviens sur mon (?:consentement|accord)|retire mon accord)",
    ),
    (
        "post_mortem_directives",
        0.95,
        r"(?:directives? ~ (?:deces|mort|post[- ]?mortem)|post[- ]?mortem|article 85)",
    ),
    (
        "post_mortem_directives",
        0.85,
        r"(?:(?:apres|after) (?:mon|ma|my) (?:deces|mort|death|disparition)|(?:en cas de|in the event of|upon|on) (?:mon |my )?(?:deces|death)|when i (?:die|pass away)|if i die|a ma mort|(?:quand|lorsque|si) je (?:serai mort\w*|mourrai|meurs|decede\w*))",
    ),
    (
        "unsubscribe",
        0.9,
        r"(?:desinscri\w*|desinscriv\w*|desabonn\w*|unsubscrib\w*|opt[- ]?out)"
        r"(?!\W+(?:du|de\W+la|de\W+l'|de\W+votre)\W*(?:site|plateforme|service|application|appli))",
    ),
    (
        "unsubscribe",
        0.85,
        r"(?:ne|n') ?\w* ?plus (?:recevoir|m'envoyer|m'adresser) ~ (?:newsletters?|lettres?|mails?|e-?mails?|courriels?|messages)",
    ),
    (
        "unsubscribe",
        0.85,
        r"(?:arret\w*|cess\w*|stop) (?:de |d')?(?:m'envoyer|sending me) ~ (?:newsletters?|lettres?|mails?|e-?mails?|courriels?)",
    ),
    (
        "unsubscribe",
        0.85,
        r"(?:ne|n') ?(?:veux|souhaite|desire|voudrais) plus (?:de|d') ~ (?:newsletters?|lettres?|mails?|e-?mails?|courriels?)",
    ),
    (
        "unsubscribe",
        0.85,
        r"^plus (?:de |d')(?:newsletters?|lettres? d'information|mails?|e-?mails?|courriels?)",
    ),
    ("unsubscribe", 0.9, r"(?:take|remove) me (?:off|from) ~ (?:list|mailing|newsletters?|e-?mails)"),
    ("unsubscribe", 0.85, r"retir\w* ~ (?:liste|mailing|listes? de diffusion)"),
)
# Descriptions ("the data you hold about me") that are a request for access only when nothing else is
# asked: "delete all the information you have on me" is an erasure.
SUPPORT_RULES: tuple[tuple[str, float, str], ...] = (
    (
        "access",
        0.75,
        r"{DATA} ~ (?:que vous|you) (?:\w+ )?(?:detenez|avez|possedez|conservez|gardez|traitez|hold|have|keep|process|store)",
    ),
    (
        "access",
        0.75,
        r"(?:avez|detenez|possedez|conservez|gardez|enregistre|savez|have|hold|keep|know) ~ (?:sur moi|a mon sujet|me concernant|about me|on me)",
    ),
)
# The rights the GDPR numbers: an article cited names the request.
ARTICLES = {
    "15": "access",
    "16": "rectification",
    "17": "erasure",
    "18": "restriction",
    "20": "portability",
    "21": "objection",
}
_ARTICLE = re.compile(r"\b(?:article|art\.?) ?(\d{2})\b")


@cache
def _compiled(rules: tuple[tuple[str, float, str], ...]) -> tuple[tuple[str, float, re.Pattern[str]], ...]:
    """Compiled on first use (about 30 ms): functions that import this module only to parse don't pay it."""
    return tuple((kind, weight, _rule(pattern)) for kind, weight, pattern in rules)


_NEGATED = re.compile(r"(?:\bne|\bn')\s*(?:\w+\s+)?$")
_NEGATION_END = re.compile(r"^\W*\w+\W+(?:\w+\W+)?(?:pas|jamais)\b")
# What a request says is at its start: the rest of a long body (up to MAX_BODY_CHARS) is not classified.
CLASSIFIED_CHARS = 20_000
# Words between a verb and its object that change nothing: "supprimer définitivement l'ensemble de mes données".
_FILLER = re.compile(
    r"\b(?:definitivement|immediatement|rapidement|completement|entierement|totalement|egalement|aussi|bien"
    r"|svp|stp|s'il vous plait|please|pls|plz|also|kindly|l'ensemble (?:de |des |d')|la totalite (?:de |des |d')|l'integralite (?:de |des |d')"
    r"|toutes? les |tous les |toutes |tous |all (?:of )?(?:the )?)"
)
# Boilerplate that is nobody's request: legal disclaimers and mailing footers.
_BOILERPLATE = re.compile(
    r"(ce (message|courriel|mail|e-mail) (et (toutes )?(les|ses) pieces jointes )?(est|sont) (strictement )?confidenti"
    r"|si vous (avez recu|n'etes pas (le|la) destinataire)|this (e-?mail|message) and any (attachments|files)"
    r"|if you (are not|have received this)|pour vous (desinscrire|desabonner)|pour ne plus recevoir (nos|ces)"
    r"|to unsubscribe|cliquez ici|click here)"
)

# Words that say the message is about personal data at all; they raise confidence a little.
DATA_WORDS = re.compile(r"\b(donn?e+s|data|rgpd|gdpr|personnelles|personal|cnil|informations)\b")

_QUOTE_HEADERS = re.compile(
    r"^(le .{3,120} a ecrit ?:|on .{3,120} wrote:|-{2,} ?(original message|message d'origine|forwarded message|"
    r"message transfere) ?-{2,}|de ?: .+|from: .+|envoye ?: .+|sent: .+)$"
)
_SIGNATURE_START = re.compile(
    r"^(-- ?|_{5,}|(bien )?cordialement[,.]?|bien a vous[,.]?|salutations( distinguees)?[,.]?|"
    r"merci( d'avance| beaucoup)?[,.!]*|best( regards)?,?|regards,?|kind regards,?|thanks,?|thank you[,.!]*|"
    r"envoye (de|depuis) mon (iphone|ipad|android|smartphone|mobile)|sent from (my (iphone|ipad|phone)|outlook)).*$"
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


def own_words(body: str) -> str:
    """What the sender wrote: no quoted reply, no signature, no legal disclaimer or mailing footer."""
    paragraphs = re.split(r"\n\s*\n", new_content(body))
    return "\n\n".join(p for p in paragraphs if not _BOILERPLATE.search(fold(p)))


def _negated(text: str, start: int) -> bool:
    """ "ne supprimez pas mes données": the verb is denied."""
    return bool(_NEGATED.search(text[max(0, start - 20) : start]) and _NEGATION_END.match(text[start:]))


def classify(subject: str, body: str) -> Classification:
    """What the sender asks. Each rule that matches adds its weight (several reinforce each other); a kind
    named in the subject, by its right ("droit d'accès") or by its GDPR article is declared and wins over
    the others a message mentions (the CNIL's opposition letter also asks to delete the data)."""
    scores: dict[str, float] = {}
    matches: dict[str, list[str]] = {}
    declared: set[str] = set()

    def add(kind: str, weight: float, label: str) -> None:
        scores[kind] = 1 - (1 - scores.get(kind, 0.0)) * (1 - weight)
        matches.setdefault(kind, []).append(label)

    subject_text = _FILLER.sub(" ", fold(" ".join(subject[:1000].split())))
    body_text = _FILLER.sub(" ", fold(own_words(body[:CLASSIFIED_CHARS])))
    for text, in_subject in ((subject_text, True), (body_text, False)):
        for kind, weight, regex in _compiled(RULES):
            found = next((m for m in regex.finditer(text) if not _negated(text, m.start())), None)
            if found:
                add(kind, weight, found.group(0)[:60])
                if in_subject or weight >= 0.95:
                    declared.add(kind)
        for number in dict.fromkeys(_ARTICLE.findall(text)):
            if number in ARTICLES:
                add(ARTICLES[number], 0.9, f"article {number}")
                declared.add(ARTICLES[number])
    asked = set(scores)
    for text in (subject_text, body_text):
        for kind, weight, regex in _compiled(SUPPORT_RULES):
            found = next((m for m in regex.finditer(text) if not _negated(text, m.start())), None)
            if found and (not asked or kind in asked):
                add(kind, weight, found.group(0)[:60])
    if not scores and body_text.strip(" .!\n") in ("stop", "unsubscribe"):
        add("unsubscribe", 0.8, "stop")  # the usual one-word answer to a mailing
    if not scores:
        return Classification("contact", 1.0)
    if "post_mortem_directives" in scores:
        # Whatever else it says (erase, give access to my heir) is what should happen after death.
        scores = {"post_mortem_directives": scores["post_mortem_directives"]}
        declared.add("post_mortem_directives")
    ranked = sorted(scores.items(), key=lambda kv: (kv[0] in declared, kv[1]), reverse=True)
    best, score = ranked[0]
    if DATA_WORDS.search(f"{subject_text} {body_text}"):
        score = min(1.0, score + 0.15)
    sole = best in declared and len(declared) == 1
    if not sole and any(other >= 0.6 for _, other in ranked[1:]):
        score = min(score, 0.6)  # two different requests in one message: let an operator decide
    return Classification(best, round(score, 2), tuple(dict.fromkeys(matches[best])))
