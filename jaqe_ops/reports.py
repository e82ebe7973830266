"""The DPO's monthly report (`GET /v1/admin/reports/monthly`): rights requests, consents, the breach
register, retention health and overdue processor reviews, printed as markdown or CSV."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import click

from jaqe_ops.context import Ops, OpsCommand, output_option, pass_ops


def _month(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from jaqe.dpo.model import MONTH_PATTERN

    if not re.match(MONTH_PATTERN, value):
        raise click.BadParameter("a month, YYYY-MM (e.g. 2026-11)")
    return value


@click.command(
    "report",
    cls=OpsCommand,
    help="the DPO's monthly report: rights requests (on time, median and p95 days, extensions, "
    "refusals), consents per purpose, the breach register, retention health, overdue reviews",
)
@click.option("--month", required=True, callback=_month, help="the month, YYYY-MM")
@click.option(
    "--format",
    "form",
    type=click.Choice(("markdown", "csv")),
    default="markdown",
    show_default=True,
)
@output_option
@pass_ops
def report(ops: Ops, month: str, form: str, output: str | None) -> int:
    from jaqe.dpo.model import ReportFormat
    from jaqe.dpo.rendering import render

    ops.progress.update(f"reading {month} from the indexes...")
    answer = ops.call("GET", f"/v1/admin/reports/monthly?{urlencode({'month': month})}")
    ops.progress.done()
    text = render(answer, ReportFormat(form))
    ops.write(text, output, f"report {month} ({form})")
    return 0
