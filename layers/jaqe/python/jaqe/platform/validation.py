"""Field types shared by the API models: French formats, bounded text, emails.

Text comes in two kinds. `SingleLine` (names, subject, city, company, ...) refuses every control
character and Unicode line separator: such values end up in email headers and one-line displays,
where a CR/LF would split them. `FreeText` (messages, descriptions, reasons) keeps newlines and tabs
and refuses the other control characters. Both are checked before surrounding whitespace is
stripped, so a trailing CR/LF is refused too; `bounded` then gives the field its lengths:
`Annotated[SingleLine, bounded(1, 100)]`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, StringConstraints

from jaqe.platform.controller import PUBLISHED_VERSIONS

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# Metropolitan numbers (01-09 after the trunk 0) and the overseas country codes.
_FR_NATIONAL = re.compile(r"^(?:\+33|0033|0)([1-9]\d{8})$")
_FR_OVERSEAS = re.compile(r"^(?:\+|00)(262|269|508|590|594|596|687|689)(\d{6,9})$")
_POSTCODE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$")
# C0, DEL and C1 controls, and what str.splitlines() (and so the email package) splits a header on.
_NOT_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Free text keeps tab (\x09) and newline (\x0a).
_NOT_FREE_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A JSON string (skipped whole: brackets inside it do not nest) or a bracket.
_JSON_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def check_single_line(value: Any) -> Any:
    """A one-line value: no control character, no line break (checked on the raw input)."""
    if isinstance(value, str) and _NOT_SINGLE_LINE.search(value):
        raise ValueError("caractère de contrôle ou retour à la ligne interdit dans ce champ")
    return value


def check_free_text(value: Any) -> Any:
    """Free text: newlines and tabs are kept; other control characters are refused."""
    if isinstance(value, str) and _NOT_FREE_TEXT.search(value):
        raise ValueError("caractère de contrôle interdit (seuls retours à la ligne et tabulations)")
    return value


def single_line_of(text: str) -> str:
    """Text read elsewhere (an email's headers) made fit for a `SingleLine` field: each run of
    whitespace, control characters or line breaks becomes one space."""
    return " ".join(_NOT_SINGLE_LINE.sub(" ", text).split())


def free_text_of(text: str) -> str:
    """Text read elsewhere (an email's body) made fit for a `FreeText` field: CR LF and CR become
    newlines, the other control characters go."""
    return _NOT_FREE_TEXT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def json_nesting_exceeds(text: str, limit: int) -> bool:
    """Whether a JSON text opens more than `limit` arrays or objects inside one another, found
    without parsing it (a parser recurses once per level)."""
    if text.count("[") + text.count("{") <= limit:
        return False  # most bodies: too few brackets to nest that deep
    depth = 0
    for token in _JSON_STRING_OR_BRACKET.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        elif bracket in "]}":
            depth -= 1
    return False


def check_email(value: str) -> str:
    """The syntax check pydantic's EmailStr runs (email-validator, no DNS lookup), with our French
    message, and its normalised form (domain in lower case). Not EmailStr itself: building a model
    with it imports pydantic.networks and email-validator at cold start, about a tenth of the
    floor (bench/cold_start.py) in every function with an email field; here email-validator is
    imported by the first email checked."""
    from email_validator import EmailNotValidError, validate_email

    try:
        # ASCII local parts only: Amazon SES does not send to SMTPUTF8 addresses.
        return validate_email(value.strip(), check_deliverability=False, allow_smtputf8=False).normalized
    except EmailNotValidError:
        raise ValueError("adresse email invalide") from None


def french_phone_e164(value: str) -> str:
    compact = _PHONE_SEPARATORS.sub("", value)
    if match := _FR_NATIONAL.match(compact):
        return "+33" + match.group(1)
    if match := _FR_OVERSEAS.match(compact):
        return "+" + match.group(1) + match.group(2)
    raise ValueError("numéro de téléphone français invalide (ex. 06 12 34 56 78)")


def check_postcode(value: str) -> str:
    value = value.strip()
    # Corsica uses 20xxx postcodes (départements 2A and 2B); overseas 97xxx and 98xxx.
    if not _POSTCODE.match(value):
        raise ValueError("code postal français invalide (5 chiffres)")
    return value


def departement_of(postcode: str) -> str:
    if postcode.startswith("20"):
        # 200xx-201xx: Corse-du-Sud (2A); 202xx-206xx: Haute-Corse (2B).
        return "2A" if int(postcode[:3]) < 202 else "2B"
    if postcode.startswith("97") or postcode.startswith("98"):
        return postcode[:3]
    return postcode[:2]


def check_published_version(value: str) -> str:
    if value not in PUBLISHED_VERSIONS:
        raise ValueError(f"version inconnue ; versions publiées : {', '.join(PUBLISHED_VERSIONS)}")
    return value


def bounded(min_length: int, max_length: int) -> object:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


# The check runs on the raw input, before the stripping that `bounded` lengths are measured after.
SingleLine = Annotated[str, StringConstraints(strip_whitespace=True), BeforeValidator(check_single_line)]
FreeText = Annotated[str, StringConstraints(strip_whitespace=True), BeforeValidator(check_free_text)]

Email = Annotated[
    str, StringConstraints(max_length=254), AfterValidator(check_email), BeforeValidator(check_single_line)
]
FrenchPhone = Annotated[
    str,
    StringConstraints(max_length=30),
    AfterValidator(french_phone_e164),
    BeforeValidator(check_single_line),
]
Postcode = Annotated[
    str, StringConstraints(max_length=5), AfterValidator(check_postcode), BeforeValidator(check_single_line)
]
Name = Annotated[SingleLine, bounded(1, 100)]
ShortText = Annotated[SingleLine, bounded(1, 200)]
LongText = Annotated[FreeText, bounded(1, 5000)]
# A version the register lists as published: what the person agreed to must be provable.
PolicyVersion = Annotated[SingleLine, bounded(1, 20), AfterValidator(check_published_version)]


def normalise_email(email: str) -> str:
    """One spelling per address: the subject key and the professionals' login both use it."""
    return email.strip().lower()
