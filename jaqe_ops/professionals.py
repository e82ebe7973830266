"""Professionals awaiting review: the queue (paginated, no contact data), approval and rejection."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote, urlencode

import click

from jaqe_ops.context import DomainChoice, Ops, OpsGroup, pass_ops
from jaqe_ops.output import table

PROFESSIONALS = "/v1/admin/professionals"
# The default of `professionals list --status` (Status.PENDING_REVIEW), so that listing the review
# queue does not import jaqe.professionals.model.
REVIEW_QUEUE = "pending_review"


def professional_statuses() -> Sequence[str]:
    from jaqe.professionals.model import Status

    return [status.value for status in Status]


def _path(professional_id: str, action: str) -> str:
    return f"{PROFESSIONALS}/{quote(professional_id, safe='')}/{action}"


def list_professionals(ops: Ops, status: str, page_size: int) -> Iterator[dict[str, Any]]:
    """Every professional with this status, following the API's pages."""
    cursor: str | None = None
    page = count = 0
    while True:
        query = {"status": status, "limit": page_size, **({"cursor": cursor} if cursor else {})}
        answer = ops.call("GET", f"{PROFESSIONALS}?{urlencode(query)}")
        page += 1
        count += len(answer["professionals"])
        ops.progress.update(f"page {page}: {count} professional(s) {status}")
        yield from answer["professionals"]
        cursor = answer.get("next_cursor")
        if not cursor:
            ops.progress.done()
            return


@click.group(cls=OpsGroup, help="professionals awaiting review: list, approve, reject")
def professionals() -> None:
    pass


@professionals.command("list", help="professionals by status (default pending_review), oldest first")
@click.option(
    "--status",
    type=DomainChoice(professional_statuses),
    show_default=REVIEW_QUEUE,
)
@click.option("--page-size", type=click.IntRange(1, 100), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="the list as JSON")
@pass_ops
def list_command(ops: Ops, status: str | None, page_size: int, as_json: bool) -> int:
    status = status or REVIEW_QUEUE
    found = list(list_professionals(ops, status, page_size))
    if as_json:
        ops.emit({"status": status, "professionals": found})
        return 0
    rows = [
        (
            p["professional_id"],
            p["company_name"],
            p["siret"],
            ",".join(p["trades"]),
            ",".join(p["service_areas"]),
            p.get("insurance_valid_until") or "-",
            p["registered_at"][:10],
        )
        for p in found
    ]
    headers = ("id", "company", "siret", "trades", "areas", "insured until", "registered")
    print(f"{len(found)} professional(s) {status}", file=ops.out)
    if rows:
        print(table(headers, rows), file=ops.out)
    return 0


professional_id_argument = click.argument("professional_id")


@professionals.command(help="approve one (needs an accepted, valid insurance certificate)")
@professional_id_argument
@pass_ops
def approve(ops: Ops, professional_id: str) -> int:
    missing = f"no professional {professional_id}"
    ops.emit(ops.call("POST", _path(professional_id, "approve"), missing=missing))
    return 0


@professionals.command(help="reject one (listing removed, archived 5 years)")
@professional_id_argument
@click.option("--reason", help="emailed to the professional")
@pass_ops
def reject(ops: Ops, professional_id: str, reason: str | None) -> int:
    missing = f"no professional {professional_id}"
    body = {"reason": reason} if reason else None
    ops.emit(ops.call("POST", _path(professional_id, "reject"), body, missing=missing))
    return 0
