"""Matching a quote request with listed professionals, with a fair rotation.

Rotation: among the eligible professionals of a (trade, département), those matched least
recently come first; ties (never matched yet) are broken at random. Each match stamps
`last_matched_at` = "<time>#<position in the request>" on the listing entry, which makes
the eligible professionals a queue: with P of them and N slots per request, after k
requests each has received floor(kN/P) or ceil(kN/P) leads.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from jaqe.platform.store import Item


@dataclass(frozen=True)
class Candidate:
    pro_id: str
    company_name: str
    last_matched_at: str
    insurance_valid_until: str | None

    @classmethod
    def from_listing(cls, item: Item) -> Candidate:
        return cls(
            pro_id=item["pro_id"],
            company_name=item.get("company_name", ""),
            last_matched_at=item.get("last_matched_at", ""),
            insurance_valid_until=item.get("insurance_valid_until"),
        )

    def insured_on(self, day: date) -> bool:
        return (
            self.insurance_valid_until is None or date.fromisoformat(self.insurance_valid_until[:10]) >= day
        )


def choose(candidates: Iterable[Candidate], limit: int, today: date, rng: random.Random) -> list[Candidate]:
    eligible = [c for c in candidates if c.insured_on(today)]
    rng.shuffle(eligible)
    eligible.sort(key=lambda c: c.last_matched_at)  # stable sort keeps the random order among ties
    return eligible[:limit]
