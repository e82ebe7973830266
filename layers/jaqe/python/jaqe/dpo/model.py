"""The monthly report's parameters: which month, in which format."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# What the report route accepts: a month from 2000, when JAQE may have records.
MONTH_PATTERN = r"^2\d{3}-(0[1-9]|1[0-2])$"
# Any calendar month a date can start (the year 0000 has none): the previous month of 2000-01 too.
_CALENDAR_MONTH = r"^(?!0000)\d{4}-(0[1-9]|1[0-2])$"


class ReportFormat(StrEnum):
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"

    @property
    def media_type(self) -> str:
        return {
            ReportFormat.JSON: "application/json",
            ReportFormat.MARKDOWN: "text/markdown; charset=utf-8",
            ReportFormat.CSV: "text/csv; charset=utf-8",
        }[self]


@dataclass(frozen=True)
class Month:
    """A calendar month, `YYYY-MM`; its bounds are ISO dates, the end excluded (they compare with
    the ISO times the items keep)."""

    value: str

    def __post_init__(self) -> None:
        if not re.match(_CALENDAR_MONTH, self.value):
            raise ValueError(f"a month is written YYYY-MM, not {self.value!r}")

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(f"{day:%Y-%m}")

    @property
    def first_day(self) -> date:
        return date.fromisoformat(f"{self.value}-01")

    @property
    def next_first_day(self) -> date:
        return (self.first_day + timedelta(days=31)).replace(day=1)

    @property
    def last_day(self) -> date:
        return self.next_first_day - timedelta(days=1)

    @property
    def start(self) -> str:
        return self.first_day.isoformat()

    @property
    def end(self) -> str:
        return self.next_first_day.isoformat()

    @property
    def previous(self) -> Month:
        return Month.of(self.first_day - timedelta(days=1))

    def holds(self, moment: str) -> bool:
        """Whether an ISO date or time falls in this month."""
        return moment[:7] == self.value
