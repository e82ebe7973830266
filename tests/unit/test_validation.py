from __future__ import annotations

import subprocess
import sys

import pytest
from jaqe.platform.validation import check_email, check_postcode, departement_of, french_phone_e164


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("04-67-00-00-00", "+33467000000"),
        ("+262 692 12 34 56", "+262692123456"),
    ],
)
def test_french_phone_numbers_are_normalised_to_e164(raw, e164):
    assert french_phone_e164(raw) == e164


@pytest.mark.parametrize(
    "raw", ["12345", "+1 212 555 0100", "06 12 34 56", "00 12 34 56 78", "0612345678901"]
)
def test_other_phone_numbers_are_refused(raw):
    with pytest.raises(ValueError, match="téléphone"):
        french_phone_e164(raw)


@pytest.mark.parametrize(
    ("postcode", "departement"),
    [
        ("34000", "34"),
        ("01000", "01"),
        ("20000", "2A"),
        ("20167", "2A"),
        ("20200", "2B"),
        ("97400", "974"),
        ("75001", "75"),
    ],
)
def test_postcodes_map_to_their_departement_including_corsica(postcode, departement):
    assert departement_of(check_postcode(postcode)) == departement


@pytest.mark.parametrize("postcode", ["00100", "3400", "340000", "ABCDE", "99000"])
def test_invalid_postcodes_are_refused(postcode):
    with pytest.raises(ValueError):
        check_postcode(postcode)


@pytest.mark.parametrize(
    "email",
    [
        "a@b",
        "no-at.example.fr",
        "a b@example.fr",
        "x@" + "a" * 250 + ".fr",
        "a..b@example.fr",
        "é@example.fr",
    ],
)
def test_invalid_emails_are_refused_in_french(email):
    with pytest.raises(ValueError, match=r"^adresse email invalide$"):
        check_email(email)


def test_an_email_keeps_its_local_part_and_gets_its_domain_in_lower_case():
    assert check_email(" Camille.Durand+devis@Example.FR ") == "Camille.Durand+devis@example.fr"


def test_email_and_siret_libraries_load_on_first_use_not_at_cold_start():
    """Every API model module imports without email-validator, stdnum or pydantic.networks (what
    EmailStr would cost each function at import); the first check loads them."""
    code = (
        "import sys\n"
        "import jaqe.inbound.model, jaqe.leads.model, jaqe.marketing.model, jaqe.professionals.model\n"
        "import jaqe.rights.model\n"
        "heavy = ('email_validator', 'stdnum', 'pydantic.networks')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "from jaqe.platform.departements import check_siret\n"
        "from jaqe.platform.validation import check_email\n"
        "check_email('a@example.fr'), check_siret('73282932000074')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.splitlines() == ["[]", "['email_validator', 'stdnum']"]
