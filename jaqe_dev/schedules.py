"""The scheduled functions of the synthesised template (EventBridge rules and Scheduler schedules),
and which of them a move of the local clock has passed the time of.

`make dev` runs each job whose time came between the clock's old and new now once (coalesced,
as a late schedule fires once, not once per missed period); `POST /_local/run/{function}` runs one now.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from jaqe_dev.template import FunctionSpec, SynthesizedStack, find_get_att

RATE = re.compile(r"rate\((\d+) (minute|hour|day)s?\)")
CRON = re.compile(r"cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)")
ANY = ("*", "?")


@dataclass(frozen=True)
class Schedule:
    """`rate(N unit)`, a daily `cron(M H * * ? *)` or a monthly `cron(M H D * ? *)`: the only shapes
    the stacks use (others refused)."""

    expression: str
    period: timedelta = field(init=False)
    minute: int = field(init=False, default=0)
    hour: int = field(init=False, default=0)
    day_of_month: int | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if rate := RATE.fullmatch(self.expression):
            count, unit = int(rate[1]), rate[2]
            object.__setattr__(self, "period", timedelta(**{f"{unit}s": count}))
            return
        cron = CRON.fullmatch(self.expression)
        if (
            not cron
            or not (cron[1].isdigit() and cron[2].isdigit())
            or not (cron[3] in ANY or cron[3].isdigit())
            or any(f not in ANY for f in cron.groups()[3:])
        ):
            raise ValueError(
                "local schedules understand rate(...), daily cron(M H * * ? *) and monthly cron(M H D * ? *), "
                f"not {self.expression}"
            )
        object.__setattr__(self, "period", timedelta(days=1))
        object.__setattr__(self, "minute", int(cron[1]))
        object.__setattr__(self, "hour", int(cron[2]))
        if cron[3].isdigit():
            object.__setattr__(self, "day_of_month", int(cron[3]))

    def _first_firing_after(self, moment: datetime) -> datetime:
        """The first time this schedule fires strictly after `moment` (rates counted from the epoch)."""
        if self.day_of_month is not None:
            month_start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            for months_ahead in range(13):
                year, month = divmod(month_start.month - 1 + months_ahead, 12)
                firing = month_start.replace(
                    year=month_start.year + year,
                    month=month + 1,
                    day=self.day_of_month,
                    hour=self.hour,
                    minute=self.minute,
                )
                if firing > moment:
                    return firing
        anchor = datetime(1970, 1, 1, self.hour, self.minute, tzinfo=UTC)
        periods = (moment - anchor) // self.period
        return anchor + (periods + 1) * self.period

    def fires_between(self, start: datetime, end: datetime) -> bool:
        """Whether it fires at least once in (start, end]."""
        return end > start and self._first_firing_after(start) <= end


@dataclass(frozen=True)
class ScheduledJob:
    name: str  # the function's folder (its POWERTOOLS_SERVICE_NAME)
    logical_id: str
    schedule: Schedule
    event: dict[str, Any]  # the target's input, or an EventBridge scheduled event


def scheduled_jobs(stack: SynthesizedStack) -> list[ScheduledJob]:
    functions: dict[str, FunctionSpec] = stack.functions()
    jobs = []
    for rule in stack.of_type("AWS::Events::Rule").values():
        if "ScheduleExpression" not in rule:
            continue
        for target in rule.get("Targets", []):
            jobs.append(_job(functions, rule["ScheduleExpression"], target))
    for schedule in stack.of_type("AWS::Scheduler::Schedule").values():
        jobs.append(_job(functions, schedule["ScheduleExpression"], schedule["Target"]))
    return sorted(jobs, key=lambda job: job.name)


def _job(functions: dict[str, FunctionSpec], expression: str, target: dict[str, Any]) -> ScheduledJob:
    logical_id = find_get_att(target["Arn"])
    event = (
        json.loads(target["Input"])
        if isinstance(target.get("Input"), str)
        else {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}
    )
    return ScheduledJob(functions[logical_id].name, logical_id, Schedule(expression), event)


def due_jobs(jobs: list[ScheduledJob], start: datetime, end: datetime) -> list[ScheduledJob]:
    """The jobs whose time came in (start, end]: each once, however many periods were passed."""
    return [job for job in jobs if job.schedule.fires_between(start, end)]
