from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from jaqe.leads.matching import Candidate, choose
from jaqe.privacy.consent import ConsentEvent, derive_state
from jaqe.privacy.register import PurposeId

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
