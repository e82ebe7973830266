from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jaqe.privacy.periods import Period, add_months, add_period


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2028, 1, 31, tzinfo=UTC), 1, datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 4, 30, tzinfo=UTC)),
        (datetime(2026, 11, 15, tzinfo=UTC), 3, datetime(2027, 2, 15, tzinfo=UTC)),
        (datetime(2026, 12, 1, tzinfo=UTC), 13, datetime(2028, 1, 1, tzinfo=UTC)),
    ],
)
def test_calendar_months_clamp_to_the_end_of_short_months(start, months, expected):
    assert add_months(start, months) == expected


def test_periods_describe_themselves_in_french():
    assert Period(years=3).describe_fr() == "3 ans"
    assert Period(months=13).describe_fr() == "13 mois"
    assert add_period(datetime(2024, 2, 29, tzinfo=UTC), Period(years=1, days=1)) == datetime(
        2025, 3, 1, tzinfo=UTC
    )
