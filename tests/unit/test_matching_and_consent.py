from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from jaqe.leads.matching import Candidate, choose
from jaqe.platform.controller import POLICY_VERSION
from jaqe.platform.validation import check_published_version
from jaqe.privacy.consent import ADDRESS_CONFIRMATION_WINDOW, ConsentEvent, ConsentState, derive_state
from jaqe.privacy.register import PurposeId
from jaqe.privacy.subject_flags import SubjectStatus, consented_since

TODAY = date(2026, 11, 26)


def test_rotation_gives_every_eligible_professional_its_turn():
    rng = random.Random(7)
    pros = {f"p{i}": "" for i in range(5)}
    received: Counter[str] = Counter()
    for request in range(40):
        candidates = [Candidate(pid, pid, last, None) for pid, last in pros.items()]
        for position, chosen in enumerate(choose(candidates, 2, TODAY, rng)):
            received[chosen.pro_id] += 1
            pros[chosen.pro_id] = f"{request:04d}#{position}"
    assert set(received.values()) == {16}


def test_ties_are_broken_at_random_not_by_storage_order():
    firsts = Counter(
        choose([Candidate(f"p{i}", "", "", None) for i in range(4)], 1, TODAY, random.Random(seed))[0].pro_id
        for seed in range(200)
    )
    assert len(firsts) == 4 and min(firsts.values()) > 20


def test_professionals_whose_insurance_expired_are_not_chosen():
    candidates = [Candidate("old", "", "", "2026-11-25"), Candidate("ok", "", "", "2026-11-26")]
    assert [c.pro_id for c in choose(candidates, 3, TODAY, random.Random(1))] == ["ok"]


def event(purpose: PurposeId, granted: bool, minutes: int) -> ConsentEvent:
    return ConsentEvent(
        purpose, granted, "2023-09", "web", datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes), "h"
    )


def test_c7_01_current_consent_is_the_latest_event_per_purpose():
    events = [
        event(PurposeId.NEWSLETTER, True, 1),
        event(PurposeId.QUOTE_MATCHING, True, 2),
        event(PurposeId.NEWSLETTER, False, 3),
        event(PurposeId.COMMERCIAL_PARTNERS, True, 0),
    ]
    state = derive_state(reversed(events))
    assert state[PurposeId.NEWSLETTER].granted is False
    assert state[PurposeId.QUOTE_MATCHING].granted is True
    assert state[PurposeId.COMMERCIAL_PARTNERS].granted is True
    assert derive_state([]) == {}


def test_c4_05_a_commercial_partners_grant_counts_only_once_its_address_is_confirmed_and_lapses_unconfirmed():
    given = datetime(2026, 1, 1, tzinfo=UTC)
    pending = replace(
        event(PurposeId.COMMERCIAL_PARTNERS, True, 0), confirm_by=given + ADDRESS_CONFIRMATION_WINDOW
    )
    confirmed = replace(
        pending, confirm_by=None, address_confirmed_by="email_link", address_confirmed_at=given
    )

    assert pending.state(given + timedelta(days=29)) is ConsentState.PENDING_CONFIRMATION
    assert not pending.counts(given + timedelta(days=29))
    assert pending.state(given + timedelta(days=30)) is ConsentState.LAPSED
    assert confirmed.counts(given + timedelta(days=400))
    # A grant recorded before confirmation existed (no deadline, never confirmed) does not count.
    assert event(PurposeId.COMMERCIAL_PARTNERS, True, 0).state(given) is ConsentState.LAPSED
    # Purposes that do not ask for a confirmed address count at once; a withdrawal never counts.
    assert event(PurposeId.QUOTE_MATCHING, True, 0).counts(given)
    assert event(PurposeId.COMMERCIAL_PARTNERS, False, 0).state(given) is ConsentState.WITHDRAWN


@pytest.mark.parametrize("version", ["x", "2024-01", "2026-09", ""])
def test_c3_02_only_published_policy_versions_are_accepted(version):
    with pytest.raises(ValueError, match="version inconnue"):
        check_published_version(version)
    assert check_published_version(POLICY_VERSION) == POLICY_VERSION


def decision(
    purpose_id: PurposeId, at: datetime, *, granted: bool = True, confirmed: bool = True
) -> ConsentEvent:
    return ConsentEvent(
        purpose_id,
        granted,
        POLICY_VERSION,
        "quote_form",
        at,
        "ab" * 32,
        confirm_by=at + ADDRESS_CONFIRMATION_WINDOW,
        address_confirmed_by="email_link" if confirmed else "",
    )


MARKETING = (PurposeId.NEWSLETTER, PurposeId.SIMILAR_SERVICES_EMAILS, PurposeId.COMMERCIAL_PARTNERS)


def test_c7_04_a_suppression_stops_marketing_and_exports_but_not_the_service_asked_for():
    suppressed = SubjectStatus(suppressed=True)
    assert suppressed.may_be_matched
    assert not any(suppressed.may_receive(p) for p in MARKETING)


def test_c7_04_a_consent_given_since_the_suppression_reopens_its_purpose_only():
    renewed = SubjectStatus(suppressed=True, consented_since_suppression=frozenset({PurposeId.NEWSLETTER}))
    assert renewed.may_receive(PurposeId.NEWSLETTER)
    assert not renewed.may_receive(PurposeId.SIMILAR_SERVICES_EMAILS)  # legitimate interest: never renewed
    assert not renewed.may_receive(PurposeId.COMMERCIAL_PARTNERS)
    restricted = SubjectStatus(
        restricted=True, suppressed=True, consented_since_suppression=frozenset(MARKETING)
    )
    assert not restricted.may_be_matched and not any(restricted.may_receive(p) for p in MARKETING)
    objected = SubjectStatus(objections=frozenset({PurposeId.SIMILAR_SERVICES_EMAILS}))
    assert objected.may_be_matched and not objected.may_receive(PurposeId.SIMILAR_SERVICES_EMAILS)


def test_c7_04_only_a_consent_that_counts_and_came_after_the_suppression_renews_a_purpose():
    suppressed_at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    now = suppressed_at + timedelta(days=2)
    before, after = suppressed_at - timedelta(seconds=1), suppressed_at + timedelta(days=1)
    assert (
        consented_since({PurposeId.NEWSLETTER: decision(PurposeId.NEWSLETTER, before)}, suppressed_at, now)
        == set()
    )
    assert consented_since(
        {PurposeId.NEWSLETTER: decision(PurposeId.NEWSLETTER, after)}, suppressed_at, now
    ) == {PurposeId.NEWSLETTER}
    pending = decision(PurposeId.COMMERCIAL_PARTNERS, after, confirmed=False)
    withdrawn = decision(PurposeId.NEWSLETTER, after, granted=False)
    current = {PurposeId.COMMERCIAL_PARTNERS: pending, PurposeId.NEWSLETTER: withdrawn}
    assert consented_since(current, suppressed_at, now) == set()
