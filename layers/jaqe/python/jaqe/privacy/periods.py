"""Calendar arithmetic for retention periods and legal deadlines.

Periods are in calendar months and years, as the policy and Art. 12(3) GDPR state them:
31 January + 1 month is the last day of February.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta


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
    """Calendar months, the day kept or cut to the month's last (dateutil, already loaded by boto3)."""
    result: datetime = moment + relativedelta(months=months)
    return result


def add_period(moment: datetime, period: Period) -> datetime:
    result: datetime = moment + relativedelta(months=period.total_months, days=period.days)
    return result
