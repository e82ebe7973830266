"""Retention and the register: the retention report (what expires soon, what is past expiry but
not purged yet) and the Art. 30 record, offline (the register is code in the installed package)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import click

from jaqe_ops.context import Ops, OpsCommand, output_option, pass_ops
from jaqe_ops.output import table


def _tally_rows(tally: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (day["day"], purpose, count)
        for day in tally["by_day"]
        for purpose, count in day["by_purpose"].items()
    ]


def _tally(title: str, day_header: str, tally: dict[str, Any]) -> list[str]:
    lines = [title]
    if tally["total"]:
        lines += ["", table(("purpose", "items"), sorted(tally["by_purpose"].items())), ""]
        lines += [table((day_header, "purpose", "items"), _tally_rows(tally))]
    return lines


def render_retention_report(report: dict[str, Any]) -> str:
    due, overdue = report["due"], report["overdue"]
    lines = [
        f"Retention report as of {report['as_of']} "
        f"(last reconciliation: {report.get('last_reconciliation_day') or 'never'})",
        "",
        *_tally(
            "Past expiry, not yet purged (awaiting TTL or reconciliation; "
            f"last {report['lookback_days']} days): {overdue['total']}",
            "expired on",
            overdue,
        ),
        "",
        *_tally(f"Due to expire within {report['days']} days: {due['total']}", "expires on", due),
    ]
    held = report.get("holds") or {}
    if held.get("active"):
        lines += [
            "",
            f"Kept past retention by {held['active']} active hold(s) (jaqe-ops hold list): "
            f"{held['items_held']} item(s)",
            "",
            table(("purpose", "items"), sorted(held["by_purpose"].items())),
        ]
    return "\n".join(lines)


@click.command(
    "retention-report",
    cls=OpsCommand,
    help="what expires soon and what is past expiry but not yet purged, by purpose and day",
)
@click.option("--days", type=int, default=30, help="what expires within N days (default 30)")
@click.option(
    "--lookback-days",
    type=int,
    default=30,
    help="how far back to look for expired items still held (default 30)",
)
@pass_ops
def retention_report(ops: Ops, days: int, lookback_days: int) -> int:
    query = urlencode({"days": days, "lookback_days": lookback_days})
    ops.progress.update("reading the expiry index day by day...")
    report = ops.call("GET", f"/v1/admin/retention-report?{query}")
    ops.progress.done()
    if ops.json:
        ops.emit(report)
    else:
        print(render_retention_report(report), file=ops.out)
    return 0


@click.command(
    "art30-export",
    cls=OpsCommand,
    help="the Art. 30 record of processing activities (CSV or markdown); offline: the register "
    "is code in the installed package, no API or credentials needed",
)
@click.option("--format", "form", type=click.Choice(("csv", "markdown")), default="csv", show_default=True)
@click.option(
    "--table",
    type=click.Choice(("purposes", "recipients")),
    default="purposes",
    show_default=True,
    help="CSV: the purposes' table, or the recipients' and processors' (markdown has both)",
)
@output_option
@pass_ops
def art30_export(ops: Ops, form: str, table: str, output: str | None) -> int:
    from jaqe.privacy.policy import art30_csv, art30_markdown, art30_recipients_csv

    csv_table = art30_recipients_csv if table == "recipients" else art30_csv
    text = csv_table() if form == "csv" else art30_markdown()
    ops.write(text, output, f"Art. 30 record ({form})")
    return 0


COMMANDS = (retention_report, art30_export)
