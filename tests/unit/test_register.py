"""The processing register against the policy's own figures (section 3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jaqe.privacy.register import (
    PURPOSES,
    RECIPIENTS,
    LegalBasis,
    PurposeId,
    RecipientKind,
    policy_purposes,
    purpose,
)

PLACED = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)


def at(year: int, month: int, day: int) -> int:
    return int(datetime(year, month, day, 12, 0, tzinfo=UTC).timestamp())


def test_c3_03_quote_data_kept_three_years_from_last_contact():
    assert purpose(PurposeId.QUOTE_MATCHING).expires_at(PLACED) == at(2027, 2, 28)


def test_c3_02_quote_matching_rests_on_consent_and_pre_contractual_measures():
    bases = purpose(PurposeId.QUOTE_MATCHING).legal_bases
    assert bases == (LegalBasis.CONSENT, LegalBasis.PRE_CONTRACTUAL)
    assert purpose(PurposeId.QUOTE_MATCHING).needs_consent


def test_c3_06_c3_07_listing_on_contract_kept_while_listed_then_five_years():
    listing = purpose(PurposeId.PROFESSIONAL_LISTING)
    assert listing.legal_bases == (LegalBasis.CONTRACT,)
    assert listing.retention.open_ended_until_anchor  # no expiry while listed
    assert listing.expires_at(PLACED) == at(2029, 2, 28)  # delisted on PLACED


def test_c3_08_similar_services_on_legitimate_interest_three_years_from_last_contact():
    similar = purpose(PurposeId.SIMILAR_SERVICES_EMAILS)
    assert similar.legal_bases == (LegalBasis.LEGITIMATE_INTEREST,)
    assert similar.expires_at(PLACED) == at(2027, 2, 28)
    assert similar.objection.applies and not similar.portability_applies


def test_c3_09_newsletter_on_specific_consent_until_unsubscribe():
    newsletter = purpose(PurposeId.NEWSLETTER)
    assert newsletter.legal_bases == (LegalBasis.CONSENT,)
    assert newsletter.expires_at(PLACED) is None  # deleted on unsubscribe, never by a timer
    assert newsletter.retention.open_ended_until_anchor


def test_c3_10_contact_requests_on_contract_for_the_documented_handling_period():
    contact = purpose(PurposeId.CONTACT_REQUESTS)
    assert contact.legal_bases == (LegalBasis.CONTRACT,)
    assert contact.expires_at(PLACED) == at(2025, 2, 28)
    assert "durée appropriée à la gestion de votre demande" in contact.retention.text_fr


@pytest.mark.parametrize("cookie", [PurposeId.AUDIENCE_MEASUREMENT, PurposeId.ADVERTISING])
def test_c3_11_c3_12_c3_13_cookies_need_consent_and_last_thirteen_months(cookie):
    entry = purpose(cookie)
    assert entry.needs_consent and entry.is_cookie
    assert entry.expires_at(PLACED) == at(2025, 3, 29)


def test_c6_01_technical_cookies_need_no_consent():
    technical = purpose(PurposeId.TECHNICAL_COOKIES)
    assert not technical.needs_consent
    assert technical.recipients == ("hosting",)  # never shared with tracking providers


def test_portability_follows_consent_and_contract():
    for entry in PURPOSES.values():
        based_on_consent_or_contract = bool(
            {LegalBasis.CONSENT, LegalBasis.CONTRACT, LegalBasis.PRE_CONTRACTUAL} & set(entry.legal_bases)
        )
        assert entry.portability_applies == based_on_consent_or_contract


@pytest.mark.parametrize("entry", PURPOSES.values(), ids=lambda p: p.id.value)
def test_c7_07_c7_01_every_purpose_says_what_an_objection_and_a_withdrawal_do(entry):
    """The answers are generated from these: none may be missing, and each right applies only where its
    legal basis allows (objection: legitimate interest; withdrawal: consent)."""
    objection, withdrawal = entry.objection, entry.withdrawal
    assert objection.text_fr and withdrawal.text_fr
    assert not objection.applies or LegalBasis.LEGITIMATE_INTEREST in entry.legal_bases
    assert not withdrawal.applies or entry.needs_consent


def test_c7_07_objection_stops_similar_services_and_names_compelling_grounds_or_necessity_elsewhere():
    applies = {p.id for p in PURPOSES.values() if p.objection.applies}
    assert applies == {PurposeId.SIMILAR_SERVICES_EMAILS}
    assert "motifs légitimes et impérieux" in purpose(PurposeId.SERVER_LOGS).objection.text_fr
    assert "strictement nécessaires" in purpose(PurposeId.TECHNICAL_COOKIES).objection.text_fr


def test_c7_01_cookie_consents_are_withdrawn_in_the_browser_not_by_email():
    for cookie in (PurposeId.AUDIENCE_MEASUREMENT, PurposeId.ADVERTISING):
        effect = purpose(cookie).withdrawal
        assert not effect.applies and "Gérer mes cookies" in effect.text_fr


def test_c4_04_cookie_providers_are_named_with_country_and_safeguard():
    providers = {r.name_fr for r in RECIPIENTS.values() if r.kind is RecipientKind.COOKIE_PROVIDER}
    assert providers == {"Google", "Meta", "Microsoft", "Hubspot", "Cloudflare"}
    for recipient in RECIPIENTS.values():
        if recipient.country == "US":
            assert "Data Privacy Framework" in recipient.transfer_safeguard


def test_every_purpose_names_known_recipients_and_the_policy_lists_section_3_and_cookies():
    for entry in PURPOSES.values():
        assert all(r in RECIPIENTS for r in entry.recipients)
    assert len(policy_purposes()) == 10


def test_system_purposes_have_a_stated_legal_basis_and_retention():
    for purpose_id in (PurposeId.RIGHTS_REQUESTS, PurposeId.CONSENT_PROOFS, PurposeId.SUPPRESSION_LIST):
        entry = purpose(purpose_id)
        assert entry.legal_bases == (LegalBasis.LEGAL_OBLIGATION,)
        assert entry.retention.text_fr
