"""The access trail: `jaqe-ops audit` exports it (about one person, by one operator, or from a date),
and `--reason` is what every read of personal data must give (asked for when missing, on a terminal).

    jaqe-ops audit --subject-email person@example.fr --reason "Contrôle CNIL du 3 décembre" [--csv]
    jaqe-ops audit --operator alice --reason "..."
    jaqe-ops audit --since 2026-11-01 --reason "..."
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click

from jaqe_ops.context import Ops, OpsCommand, pass_ops
from jaqe_ops.transport import CliError

F = TypeVar("F", bound=Callable[..., Any])

COLUMNS = ("at", "operator", "method", "route", "ids", "subject_key", "reason", "status", "operator_arn")


def reason_option(command: F) -> F:
    """--reason: why the operator reads this personal data (kept in the access trail)."""
    return click.option(
        "--reason",
        help="why you read this personal data (kept in the access trail; asked for when missing)",
    )(command)


def require_reason(reason: str | None) -> str:
    """The reason given, else asked for on a terminal; without a terminal, an error (exit 2)."""
    if reason and reason.strip():
        return reason.strip()
    if not sys.stdin.isatty():
        raise CliError("--reason is required to read personal data (it is kept in the access trail)")
    answer = str(click.prompt("Motif de la consultation (gardé dans le journal des accès)")).strip()
    if not answer:
        raise CliError("a reason is required to read personal data")
    return answer


def entries_csv(entries: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for entry in entries:
        row = [entry.get(column) for column in COLUMNS]
        writer.writerow(
            ["" if v is None else json.dumps(v, sort_keys=True) if isinstance(v, dict) else v for v in row]
        )
    return out.getvalue()


@click.command(
    cls=OpsCommand, help="export the access trail: about one person, by one operator, or from a date"
)
@click.option("--subject-email", help="entries about this person (sent in the body, never in a URL)")
@click.option("--operator", "operator_name", help="entries of this operator (their name)")
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="entries from this day on (YYYY-MM-DD)"
)
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of a table")
@reason_option
@pass_ops
def audit(
    ops: Ops,
    subject_email: str | None,
    operator_name: str | None,
    since: datetime | None,
    as_csv: bool,
    reason: str | None,
) -> int:
    criteria = {
        "subject_email": subject_email,
        "operator": operator_name,
        "since": since.date().isoformat() if since else None,
    }
    given = {k: v for k, v in criteria.items() if v}
    if len(given) != 1:
        raise click.UsageError("give exactly one of --subject-email, --operator, --since")
    answer = ops.call("POST", "/v1/admin/access-trail/search", {**given, "reason": require_reason(reason)})
    entries = answer["entries"]
    if as_csv:
        ops.out.write(entries_csv(entries))
        return 0
    rows = [
        (
            e["at"][:19],
            e["operator"],
            e["method"],
            e["route"],
            e.get("subject_key") or "-",
            e.get("reason") or "-",
        )
        for e in entries
    ]
    headers = ("at", "operator", "method", "route", "subject key", "reason")
    return ops.listing(answer, headers, rows, f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")
