"""The DPO's monthly report: what a DPO shows an inspector for one calendar month.

- Rights requests: those received in the month, by type and channel; those answered in the month
  (closed completed or refused), on time (closed by their due date, extensions included, Art. 12(3)),
  and the days from receipt to answer (median, 95th percentile by nearest rank); extensions decided in
  the month and refusals, with their reasons; requests closed without an answer (never verified, or not
  a rights request after all).
- Consents recorded in the consent ledger, given and withdrawn per purpose (a grant whose address is
  still to be confirmed is counted apart). Cookie choices are the banner's record per visitor, not
  ledger events: they are not in this report.
- The breach register (Art. 33(5)): every incident declared in the month, notified or not, with its
  facts, effects and remedial action, the risk decision and the CNIL notification.
- Retention health: the daily reconciliation's runs, what they purged, and how late (a run covering
  more than one day since the previous one purged late what it found).
- Processors and recipients whose review is overdue (the register).

Everything is read through indexes (`by_segment` partitions per month, the reconciliation's run
partition), never a scan; the report holds counts, ids, reasons and incident facts, no personal data.
The computations (`build`) take plain records and no store, so that they are tested without AWS.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from jaqe.breach.records import IncidentRecords
from jaqe.dpo.model import Month, ReportFormat
from jaqe.dpo.rendering import render
from jaqe.platform import templates
from jaqe.platform.errors import InvalidInput
from jaqe.platform.mail import Mailer
from jaqe.platform.store import Item, Store, plain
from jaqe.privacy.consent import ConsentEvent, ConsentState, events_recorded_between
from jaqe.privacy.register import consent_purposes, overdue_reviews
from jaqe.privacy.retention import ReconciliationReport, runs_in
from jaqe.privacy.trackers import SITE_PURPOSES
from jaqe.rights.model import RequestStatus
from jaqe.rights.records import RightsRequestRecords

# Consents the ledger records (cookie choices are kept per visitor by the banner's record).
LEDGER_PURPOSES = tuple(p.id for p in consent_purposes() if p.id not in SITE_PURPOSES.values())
ANSWERED = (RequestStatus.COMPLETED.value, RequestStatus.REFUSED.value)
REFUSAL_STEPS = ("refused_by_operator", "address_change_refused")
# A daily job: a run that covers more days than that since the previous one is late.
RECONCILIATION_EXPECTED_LAG_DAYS = 1


@dataclass(frozen=True)
class Extension:
    request_id: str
    request_type: str
    months: int
    reason: str
    decided_at: str


@dataclass(frozen=True)
class Refusal:
    request_id: str
    request_type: str
    reason: str
    closed_at: str


@dataclass
class RightsFigures:
    received: int = 0
    received_by_type: dict[str, int] = field(default_factory=dict)
    received_by_channel: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    answered_on_time: int = 0
    answered_on_time_pct: float | None = None
    days_to_answer_median: float | None = None
    days_to_answer_p95: int | None = None
    closed_unanswered: dict[str, int] = field(default_factory=dict)
    extensions: list[Extension] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)


@dataclass(frozen=True)
class ConsentFigures:
    given: int
    withdrawn: int
    grants_to_confirm: int


@dataclass
class RetentionFigures:
    runs: int = 0
    days_without_run: int = 0
    items_purged: int = 0
    items_purged_on_time: int = 0
    items_purged_late: int = 0
    max_lag_days: int = 0
    purged_by_purpose: dict[str, int] = field(default_factory=dict)


@dataclass
class MonthlyReport:
    month: str
    generated_at: str
    rights_requests: RightsFigures
    consents: dict[str, ConsentFigures]
    breach_register: list[dict[str, Any]]
    retention: RetentionFigures
    overdue_reviews: list[dict[str, str]]

    @property
    def incidents_notified_to_cnil(self) -> int:
        return sum(1 for i in self.breach_register if i["cnil_notification"])

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "breach_summary": {
                "incidents": len(self.breach_register),
                "notified_to_cnil": self.incidents_notified_to_cnil,
                "not_notified_to_cnil": len(self.breach_register) - self.incidents_notified_to_cnil,
            },
        }

    def render(self, report_format: ReportFormat) -> str:
        return render(self.as_dict(), report_format)


# -- computations (no store) ---------------------------------------------------------------------
def nearest_rank(values: Sequence[int], percent: float) -> int:
    """The smallest value at least `percent` % of the values do not exceed (nearest-rank percentile)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(percent / 100 * len(ordered)), 1) - 1]


def days_to_answer(record: Item) -> int:
    """Calendar days from receipt to the answer (closing)."""
    return (_moment(record["closed_at"]).date() - _moment(record["received_at"]).date()).days


def answered_on_time(record: Item) -> bool:
    return _moment(record["closed_at"]) <= _moment(record["due_at"])


def rights_figures(
    month: Month, received: Iterable[Item], closed: Iterable[Item], earlier: Iterable[Item]
) -> RightsFigures:
    """`received`: the records received in the month; `closed`: those closed in it; `earlier`: those
    received the month before (an extension is decided before the first due date, one month after
    receipt, so every extension of the month is on a request of one of these three lists)."""
    received, closed = list(received), list(closed)
    figures = RightsFigures(
        received=len(received),
        received_by_type=dict(sorted(Counter(r["request_type"] for r in received).items())),
        received_by_channel=dict(sorted(Counter(r.get("channel", "web") for r in received).items())),
    )
    answered = [r for r in closed if r["status"] in ANSWERED]
    figures.answered = len(answered)
    figures.answered_on_time = sum(answered_on_time(r) for r in answered)
    if answered:
        days = [days_to_answer(r) for r in answered]
        figures.answered_on_time_pct = round(100 * figures.answered_on_time / len(answered), 1)
        figures.days_to_answer_median = float(statistics.median(days))
        figures.days_to_answer_p95 = nearest_rank(days, 95)
    figures.closed_unanswered = dict(
        sorted(Counter(r["status"] for r in closed if r["status"] not in ANSWERED).items())
    )
    seen: dict[str, Item] = {r["request_id"]: r for r in [*earlier, *received, *closed]}
    figures.extensions = sorted(
        (
            Extension(
                r["request_id"],
                r["request_type"],
                int(entry["detail"].get("months", 0)),
                str(entry["detail"].get("reason", "")),
                entry["at"],
            )
            for r in seen.values()
            for entry in r.get("history", [])
            if entry.get("step") == "extended" and month.holds(entry["at"])
        ),
        key=lambda e: e.decided_at,
    )
    figures.refusals = [
        Refusal(r["request_id"], r["request_type"], refusal_reason(r), r["closed_at"])
        for r in closed
        if r["status"] == RequestStatus.REFUSED.value
    ]
    return figures


def refusal_reason(record: Item) -> str:
    """The reason of the last refusal step in the request's history."""
    reasons = [
        str((entry.get("detail") or {}).get("reason", ""))
        for entry in record.get("history", [])
        if entry.get("step") in REFUSAL_STEPS
    ]
    return reasons[-1] if reasons else ""


def consent_figures(events: Iterable[ConsentEvent]) -> ConsentFigures:
    """Each event as it was when recorded: a grant whose address was still to be confirmed is not a
    consent given (`grants_to_confirm`); the event recording its confirmation is."""
    states = Counter(e.state(e.occurred_at) for e in events)
    return ConsentFigures(
        given=states[ConsentState.GRANTED],
        withdrawn=states[ConsentState.WITHDRAWN],
        grants_to_confirm=states[ConsentState.PENDING_CONFIRMATION],
    )


def breach_entry(record: Item) -> dict[str, Any]:
    """One incident as the register keeps it (Art. 33(5)): facts, effects, remedial action, decisions.
    No operator names: who declared or decided stays in the incident's own record."""
    record = plain(record)
    incident = record.get("incident") or {}
    decision = record.get("decision") or {}
    submission = record.get("cnil_submission") or {}
    return {
        "incident_id": record["incident_id"],
        "declared_at": record["declared_at"],
        "status": record["status"],
        "facts": {
            "nature": incident.get("nature", ""),
            "data_categories": incident.get("data_categories", []),
            "people_categories": incident.get("people_categories", []),
            "window_start": incident.get("window_start"),
            "window_end": incident.get("window_end"),
            "aware_at": incident.get("aware_at"),
        },
        "effects": {
            "likely_consequences": incident.get("likely_consequences", ""),
            "people_concerned": record.get("people_concerned"),
            "records_concerned": record.get("records_concerned"),
        },
        "remedial_action": incident.get("measures_taken", ""),
        "risk_decision": (
            {"high_risk": bool(decision["high_risk"]), "reason": decision.get("reason", "")}
            if decision
            else None
        ),
        "people_notified": record.get("people_notified"),
        "cnil_notification": (
            {
                "submitted_at": submission.get("submitted_at"),
                "reference": submission.get("reference"),
                "late": bool(submission.get("late")),
                "delay_reasons": submission.get("delay_reasons"),
            }
            if submission
            else None
        ),
        "cnil_notification_due_by": record.get("notification_due_by"),
    }


def retention_figures(
    month: Month, runs: Iterable[tuple[datetime, ReconciliationReport]], as_of: date
) -> RetentionFigures:
    """`lag` of a run: the days since the previous run (`days_checked` - 1). What a late run purged
    was past its expiry for longer than a daily run allows."""
    figures = RetentionFigures()
    run_days: set[date] = set()
    for run_at, run in runs:
        lag = max(run.days_checked - 1, 0)
        run_days.add(run_at.date())
        figures.runs += 1
        figures.items_purged += run.items_purged
        if lag <= RECONCILIATION_EXPECTED_LAG_DAYS:
            figures.items_purged_on_time += run.items_purged
        else:
            figures.items_purged_late += run.items_purged
        figures.max_lag_days = max(figures.max_lag_days, lag)
        for purpose, count in run.purged_by_purpose.items():
            figures.purged_by_purpose[purpose] = figures.purged_by_purpose.get(purpose, 0) + count
    figures.purged_by_purpose = dict(sorted(figures.purged_by_purpose.items()))
    last = min(month.last_day, as_of)
    days = (last - month.first_day).days + 1
    figures.days_without_run = max(days, 0) - len({d for d in run_days if d <= last})
    return figures


# -- gathering (the indexes) ---------------------------------------------------------------------
def monthly_report(store: Store, month: Month, now: datetime) -> MonthlyReport:
    """The report of `month` as the indexes hold it at `now` (a month not begun yet is refused)."""
    # The partners' contract reviews: loaded here, not at admin_retention's cold start.
    from jaqe.leads.partners import PartnerDirectory

    if month.first_day > now.date():
        raise InvalidInput(
            f"Le mois {month.value} n'a pas encore commencé.",
            errors=[{"field": "month", "message": "un mois en cours ou passé"}],
        )
    requests = RightsRequestRecords(store)
    return MonthlyReport(
        month=month.value,
        generated_at=now.isoformat(),
        rights_requests=rights_figures(
            month,
            received=requests.received_in(month.value),
            closed=requests.closed_in(month.value),
            earlier=requests.received_in(month.previous.value),
        ),
        consents={
            p.value: consent_figures(events_recorded_between(store, p, month.start, month.end))
            for p in LEDGER_PURPOSES
        },
        breach_register=[breach_entry(r) for r in IncidentRecords(store).declared_in(month.value)],
        retention=retention_figures(month, runs_in(store, month.value), now.date()),
        overdue_reviews=[{"id": r.id, "name": r.name_fr} for r in overdue_reviews(on=now.date())]
        + [
            {"id": f"commercial_partner:{p['partner_id']}", "name": str(p["name"])}
            for p in PartnerDirectory(store).reviews_due(now.date())
        ],
    )


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def send_monthly_report(
    store: Store, mailer: Mailer, to: str, now: datetime, month: Month | None = None
) -> Month:
    """The report of `month` (by default the previous one: it is sent on the 1st) emailed to the DPO."""
    month = month or Month.of(now.date()).previous
    text = monthly_report(store, month, now).render(ReportFormat.MARKDOWN)
    mailer.send(templates.dpo_monthly_report(to, month.value, text))
    return month
