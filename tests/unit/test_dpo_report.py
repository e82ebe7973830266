"""The DPO's monthly report computed from plain records (no AWS): what counts as answered and on time,
the median and 95th percentile, extensions and refusals of the month, consents as recorded, retention
runs, the breach register's entries, and the text renderings."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from jaqe.dpo.model import Month, ReportFormat
from jaqe.dpo.reports import (
    MonthlyReport,
    RetentionFigures,
    RightsFigures,
    breach_entry,
    consent_figures,
    nearest_rank,
    retention_figures,
    rights_figures,
)
from jaqe.privacy.consent import ConsentEvent
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import ReconciliationReport

NOVEMBER = Month("2026-11")


def request(
    rid: str,
    received: str,
    *,
    closed: str | None = None,
    due: str | None = None,
    status: str = "completed",
    history: list[dict] | None = None,
) -> dict:
    return {
        "request_id": rid,
        "request_type": "access",
        "channel": "web",
        "received_at": f"{received}T09:00:00+00:00",
        "due_at": f"{due or '2026-12-31'}T09:00:00+00:00",
        "status": status if closed else "in_progress",
        **({"closed_at": f"{closed}T10:00:00+00:00"} if closed else {}),
        "history": history or [],
    }


def test_month_bounds_and_validation():
    assert (NOVEMBER.start, NOVEMBER.end, NOVEMBER.previous.value) == ("2026-11-01", "2026-12-01", "2026-10")
    assert Month("2026-12").end == "2027-01-01" and Month("2027-01").previous.value == "2026-12"
    assert NOVEMBER.last_day == date(2026, 11, 30)
    for wrong in ("2026-13", "2026-1", "nov"):
        with pytest.raises(ValueError):
            Month(wrong)


def test_nearest_rank_percentile():
    assert nearest_rank([2, 10, 16, 40, 41], 95) == 41
    assert nearest_rank(list(range(1, 101)), 95) == 95
    assert nearest_rank([7], 95) == 7


def test_answered_means_completed_or_refused_and_on_time_means_by_the_due_date_extensions_included():
    closed = [
        request("r1", "2026-11-02", closed="2026-11-12", due="2026-12-02"),
        request("r2", "2026-10-01", closed="2026-11-10", due="2026-11-01"),  # late
        request("r3", "2026-10-20", closed="2026-11-30", due="2026-12-20"),  # extended: on time
        request("r4", "2026-11-04", closed="2026-11-20", status="refused"),
        request("r5", "2026-11-10", closed="2026-11-17", status="unverified"),  # not an answer
    ]
    figures = rights_figures(NOVEMBER, received=[], closed=closed, earlier=[])
    assert (figures.answered, figures.answered_on_time, figures.answered_on_time_pct) == (4, 3, 75.0)
    # days: 10, 40, 41, 16 -> median 28, p95 41
    assert (figures.days_to_answer_median, figures.days_to_answer_p95) == (28.0, 41)
    assert figures.closed_unanswered == {"unverified": 1}


def test_no_answer_in_the_month_gives_no_percentage_rather_than_zero():
    figures = rights_figures(NOVEMBER, received=[request("r1", "2026-11-02")], closed=[], earlier=[])
    assert figures.received == 1 and figures.answered == 0
    assert figures.answered_on_time_pct is None and figures.days_to_answer_median is None


def test_extensions_are_those_decided_in_the_month_and_refusals_carry_the_last_reason():
    extended = {
        "step": "extended",
        "at": "2026-11-05T10:00:00+00:00",
        "detail": {"months": 1, "reason": "Volume"},
    }
    earlier_extension = {
        "step": "extended",
        "at": "2026-10-25T10:00:00+00:00",
        "detail": {"months": 1, "reason": "x"},
    }
    refused = {
        "step": "refused_by_operator",
        "at": "2026-11-20T10:00:00+00:00",
        "detail": {"reason": "Identité"},
    }
    figures = rights_figures(
        NOVEMBER,
        received=[request("r4", "2026-11-04", closed="2026-11-20", status="refused", history=[refused])],
        closed=[request("r4", "2026-11-04", closed="2026-11-20", status="refused", history=[refused])],
        earlier=[
            request("r8", "2026-10-20", history=[extended]),
            request("r9", "2026-10-02", history=[earlier_extension]),
        ],
    )
    assert [(e.request_id, e.months, e.reason) for e in figures.extensions] == [("r8", 1, "Volume")]
    assert [(r.request_id, r.reason) for r in figures.refusals] == [("r4", "Identité")]


def test_consents_count_each_event_as_it_was_recorded():
    at = datetime(2026, 11, 3, tzinfo=UTC)

    def event(purpose: PurposeId, granted: bool, **extra) -> ConsentEvent:
        return ConsentEvent(purpose, granted, "v1", "web", at, "hash", **extra)

    partners = PurposeId.COMMERCIAL_PARTNERS
    events = [
        event(partners, True, confirm_by=datetime(2026, 12, 3, tzinfo=UTC)),  # the form's grant, to confirm
        event(partners, True, address_confirmed_by="email_link", address_confirmed_at=at),
        event(partners, False),
    ]
    figures = consent_figures(events)
    assert (figures.given, figures.withdrawn, figures.grants_to_confirm) == (1, 1, 1)
    newsletter = consent_figures([event(PurposeId.NEWSLETTER, True), event(PurposeId.NEWSLETTER, True)])
    assert (newsletter.given, newsletter.withdrawn, newsletter.grants_to_confirm) == (2, 0, 0)


def test_retention_health_counts_runs_late_runs_and_days_without_one():
    def run(day: int, checked: int, purged: int) -> tuple[datetime, ReconciliationReport]:
        report = ReconciliationReport(
            days_checked=checked, items_purged=purged, purged_by_purpose={"contact_requests": purged}
        )
        return datetime(2026, 11, day, 3, 15, tzinfo=UTC), report

    runs = [run(1, 2, 0), run(2, 2, 2), run(3, 2, 0), run(7, 5, 3)]
    figures = retention_figures(NOVEMBER, runs, as_of=date(2026, 12, 1))
    assert figures.runs == 4 and figures.days_without_run == 26
    assert (figures.items_purged, figures.items_purged_on_time, figures.items_purged_late) == (5, 2, 3)
    assert figures.max_lag_days == 4 and figures.purged_by_purpose == {"contact_requests": 5}
    # The current month counts the days so far only.
    assert retention_figures(NOVEMBER, runs, as_of=date(2026, 11, 7)).days_without_run == 3


def test_a_breach_entry_keeps_facts_effects_action_and_notification_but_no_operator_name():
    record = {
        "incident_id": "inc_abcdef",
        "declared_at": "2026-11-10T09:00:00+00:00",
        "declared_by": "alice",
        "status": "closed",
        "incident": {
            "nature": "Export",
            "data_categories": ["identité"],
            "people_categories": ["clients"],
            "likely_consequences": "Hameçonnage",
            "measures_taken": "Clés changées",
        },
        "decision": {"high_risk": False, "reason": "Données chiffrées", "by": "alice"},
        "cnil_submission": None,
        "notification_due_by": "2026-11-13T08:00:00+00:00",
    }
    entry = breach_entry(record)
    assert entry["facts"]["nature"] == "Export" and entry["remedial_action"] == "Clés changées"
    assert entry["effects"]["likely_consequences"] == "Hameçonnage"
    assert entry["risk_decision"] == {"high_risk": False, "reason": "Données chiffrées"}
    assert entry["cnil_notification"] is None
    assert "alice" not in str(entry)


def test_markdown_and_csv_render_every_figure():
    report = MonthlyReport(
        month="2026-11",
        generated_at="2026-12-01T06:00:00+00:00",
        rights_requests=RightsFigures(
            received=3,
            received_by_type={"access": 3},
            received_by_channel={"web": 3},
            answered=2,
            answered_on_time=1,
            answered_on_time_pct=50.0,
            days_to_answer_median=12.5,
            days_to_answer_p95=20,
        ),
        consents={},
        breach_register=[],
        retention=RetentionFigures(runs=30, items_purged=4, items_purged_on_time=4),
        overdue_reviews=[{"id": "crm", "name": "Prestataire de CRM"}],
    )
    text = report.render(ReportFormat.MARKDOWN)
    assert "Répondues dans le mois : 2, dont dans les délais : 1 (50 %)" in text
    assert "médiane 12.5, 95e centile 20" in text and "Prestataire de CRM (crm)" in text
    rows = {
        (r["section"], r["figure"], r["key"]): r["value"]
        for r in csv.DictReader(io.StringIO(report.render(ReportFormat.CSV)))
    }
    assert rows[("rights_requests", "days_to_answer_median", "total")] == "12.5"
    assert rows[("retention", "runs", "total")] == "30"
    assert rows[("processors", "review_overdue", "crm")] == "Prestataire de CRM"
    assert rows[("breach_register", "not_notified_to_cnil", "total")] == "0"
