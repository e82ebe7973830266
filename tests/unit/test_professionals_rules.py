"""SIRET, départements, trades and the registration model: no AWS."""

from __future__ import annotations

import pytest
from jaqe.platform.departements import DEPARTEMENTS, check_departement, check_siret
from jaqe.platform.trades import TRADES
from jaqe.professionals.model import MAX_LISTING_ENTRIES, ProfessionalIn, ProfilePatch
from jaqe.professionals.records import is_listable
from pydantic import ValidationError

REGISTRATION = {
    "company_name": "Plomberie Héraultaise SARL",
    "siret": "73282932000074",
    "contact": {
        "first_name": "Jeanne",
        "last_name": "Artisan",
        "email": "j@example.fr",
        "phone": "0698765432",
    },
    "trades": ["plomberie"],
    "service_areas": ["34"],
    "terms_version": "2023-09",
}


@pytest.mark.parametrize("siret", ["73282932000074", "732 829 320 00074", "44306184100047", "35600000000048"])
def test_valid_sirets_pass_and_are_compacted(siret):
    assert check_siret(siret) == siret.replace(" ", "")


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000075",
        "7328293200007",
        "732829320000740",
        "7328293200007A",
        "",
        "٧٣٢٨٢٩٣٢٠٠٠٠٧٤",
        "12345678000014",  # the SIRET's key is right, its SIREN's (123456780) is not
    ],
)
def test_invalid_sirets_are_refused(siret):
    with pytest.raises(ValueError, match="SIRET"):
        check_siret(siret)


def test_la_poste_establishments_use_their_own_key():
    # La Poste's SIREN 356000000: sum of the 14 digits divisible by 5, even when Luhn fails.
    from stdnum import luhn

    assert not luhn.is_valid("35600000049837")
    assert check_siret("35600000049837") == "35600000049837"


def test_the_departement_list_is_the_real_one():
    assert len(DEPARTEMENTS) == 94 + 2 + 6
    for code in ("01", "19", "21", "34", "95", "2A", "2B", "971", "976"):
        assert check_departement(code) == code
    assert check_departement("2a") == "2A"


@pytest.mark.parametrize("code", ["20", "00", "96", "1", "970", "977", "984", "2C", "AB", ""])
def test_other_departement_codes_are_refused(code):
    with pytest.raises(ValueError, match="département"):
        check_departement(code)


def test_trades_catalogue_has_the_agreed_ids():
    assert set(TRADES) == {
        "plomberie", "electricite", "chauffage", "toiture", "peinture", "menuiserie",
        "maconnerie", "carrelage", "isolation", "serrurerie", "jardinage", "climatisation",
    }  # fmt: skip


def test_registration_model_normalises_and_deduplicates():
    model = ProfessionalIn.model_validate(
        {
            **REGISTRATION,
            "siret": "732 829 320 00074",
            "service_areas": ["34", "2a", "34"],
            "trades": ["plomberie", "plomberie"],
        }
    )
    assert model.siret == "73282932000074"
    assert model.service_areas == ["34", "2A"] and model.trades == ["plomberie"]
    assert model.contact.phone == "+33698765432"


def test_registration_caps_trade_by_departement_pairs_to_one_transaction():
    too_many = {
        **REGISTRATION,
        "trades": ["plomberie", "chauffage", "toiture"],
        "service_areas": [f"{n:02d}" for n in range(1, 15)],
    }
    assert MAX_LISTING_ENTRIES < 3 * 14
    with pytest.raises(ValidationError, match="couples"):
        ProfessionalIn.model_validate(too_many)


def test_patch_refuses_email_changes_and_empty_bodies():
    with pytest.raises(ValidationError):
        ProfilePatch.model_validate({"contact": {"email": "x@example.fr"}})
    with pytest.raises(ValidationError):
        ProfilePatch.model_validate({})


def test_only_approved_and_insured_professionals_are_listable():
    from datetime import date

    today = date(2026, 11, 26)
    insured = {"status": "approved", "insurance_valid_until": "2026-11-26"}
    assert is_listable(insured, today)
    assert not is_listable({**insured, "insurance_valid_until": "2026-11-25"}, today)
    assert not is_listable({"status": "approved"}, today)
    for status in ("pending_review", "rejected", "delisted"):
        assert not is_listable({**insured, "status": status}, today)


def test_a_known_address_is_told_by_email_and_nothing_is_written_or_created():
    """No enumeration: the handler answers the same; only the address's owner learns the account exists."""
    from jaqe.professionals.accounts import register_professional

    class KnownLogins:
        def __init__(self) -> None:
            self.created: list[str] = []

        def exists(self, email: str) -> bool:
            return True

        def create(self, email: str, pro_id: str, temporary_password: str) -> None:
            self.created.append(email)

        def delete(self, email: str) -> None:
            raise AssertionError("nothing to delete")

    class Outbox:
        def __init__(self) -> None:
            self.sent: list = []

        def send(self, email) -> None:  # type: ignore[no-untyped-def]
            self.sent.append(email)

    registration = ProfessionalIn.model_validate(
        {
            "company_name": "Connue SARL",
            "siret": "73282932000074",
            "contact": {
                "first_name": "A",
                "last_name": "B",
                "email": "connue@example.fr",
                "phone": "0611223344",
            },
            "trades": ["plomberie"],
            "service_areas": ["34"],
            "terms_version": "2023-09",
        }
    )
    logins, outbox = KnownLogins(), Outbox()
    result = register_professional(
        registration,
        store=None,  # type: ignore[arg-type]  # never touched for a known address
        mailer=outbox,  # type: ignore[arg-type]
        logins=logins,
        subject_key=lambda email: "k" * 64,
        login_url="https://jaqe.fr/professionnels.html",
    )

    assert result is None and logins.created == []
    [email] = outbox.sent
    assert email.to == "connue@example.fr" and "déjà un compte" in email.subject
    assert "https://jaqe.fr/professionnels.html" in email.text


def test_a_removed_profile_names_its_login_and_nothing_else_does():
    from jaqe.professionals.records import login_of_removed

    assert (
        login_of_removed({"item_type": "professional", "contact": {"email": "a@example.fr"}})
        == "a@example.fr"
    )
    assert login_of_removed({"item_type": "professional_document"}) is None
    assert login_of_removed({"item_type": "lead", "contact": {"email": "a@example.fr"}}) is None
