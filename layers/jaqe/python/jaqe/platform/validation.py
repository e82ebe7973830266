"""Field types shared by the API models: French formats, bounded text, emails."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from jaqe.platform.controller import PUBLISHED_VERSIONS

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# Metropolitan numbers (01-09 after the trunk 0) and the overseas country codes.
_FR_NATIONAL = re.compile(r"^(?:\+33|0033|0)([1-9]\d{8})$")
_FR_OVERSEAS = re.compile(r"^(?:\+|00)(262|269|508|590|594|596|687|689)(\d{6,9})$")
_POSTCODE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$")


def check_email(value: str) -> str:
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("adresse email invalide")
    return value


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


Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(check_email)]
FrenchPhone = Annotated[str, StringConstraints(max_length=30), AfterValidator(french_phone_e164)]
Postcode = Annotated[str, StringConstraints(max_length=5), AfterValidator(check_postcode)]
Name = Annotated[str, bounded(1, 100)]
ShortText = Annotated[str, bounded(1, 200)]
LongText = Annotated[str, bounded(1, 5000)]
# A version the register lists as published: what the person agreed to must be provable.
PolicyVersion = Annotated[str, bounded(1, 20), AfterValidator(check_published_version)]


def normalise_email(email: str) -> str:
    """One spelling per address: the subject key and the professionals' login both use it."""
    return email.strip().lower()
