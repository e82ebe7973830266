"""Calendar arithmetic for retention periods and legal deadlines.

Periods are in calendar months and years, as the policy and Art. 12(3) GDPR state them:
31 January + 1 month is the last day of February.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def describe_fr(self) -> str:
        parts = []
        if self.years:
            parts.append(f"{self.years} an{'s' if self.years > 1 else ''}")
        if self.months:
            parts.append(f"{self.months} mois")
        if self.days:
            parts.append(f"{self.days} jour{'s' if self.days > 1 else ''}")
        return " et ".join(parts) or "0 jour"


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, _cal.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def add_period(moment: datetime, period: Period) -> datetime:
    return add_months(moment, period.total_months) + timedelta(days=period.days)
