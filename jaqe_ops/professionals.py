"""Professionals awaiting review: the queue (paginated, no contact data), approval and rejection;
their documents awaiting review: the queue, a short-lived download link, acceptance and rejection."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote, urlencode

import click

from jaqe_ops.audit import reason_option, require_reason
from jaqe_ops.context import DomainChoice, Ops, OpsGroup, pass_ops

PROFESSIONALS = "/v1/admin/professionals"
# The default of `professionals list --status` (Status.PENDING_REVIEW), so that listing the review
# queue does not import jaqe.professionals.model.
REVIEW_QUEUE = "pending_review"


def professional_statuses() -> Sequence[str]:
    from jaqe.professionals.model import Status

    return [status.value for status in Status]


def _path(professional_id: str, action: str) -> str:
    return f"{PROFESSIONALS}/{quote(professional_id, safe='')}/{action}"


def _pages(ops: Ops, path: str, field: str, status: str, page_size: int) -> Iterator[dict[str, Any]]:
    """`field`: the answer's list ("professionals", "documents"), also what the progress counts."""
    cursor: str | None = None
    page = count = 0
    while True:
        query = {"status": status, "limit": page_size, **({"cursor": cursor} if cursor else {})}
        answer = ops.call("GET", f"{path}?{urlencode(query)}")
        page += 1
        count += len(answer[field])
        ops.progress.update(f"page {page}: {count} {field.removesuffix('s')}(s) {status}")
        yield from answer[field]
        cursor = answer.get("next_cursor")
        if not cursor:
            ops.progress.done()
            return


def list_professionals(ops: Ops, status: str, page_size: int) -> Iterator[dict[str, Any]]:
    """Every professional with this status, following the API's pages."""
    return _pages(ops, PROFESSIONALS, "professionals", status, page_size)


@click.group(cls=OpsGroup, help="professionals awaiting review: list, approve, reject; their documents")
def professionals() -> None:
    pass


@professionals.command("list", help="professionals by status (default pending_review), oldest first")
@click.option(
    "--status",
    type=DomainChoice(professional_statuses),
    show_default=REVIEW_QUEUE,
)
@click.option("--page-size", type=click.IntRange(1, 100), default=50, show_default=True)
@pass_ops
def list_command(ops: Ops, status: str | None, page_size: int) -> int:
    status = status or REVIEW_QUEUE
    found = list(list_professionals(ops, status, page_size))
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
    summary = f"{len(found)} professional(s) {status}"
    return ops.listing({"status": status, "professionals": found}, headers, rows, summary)


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


# --- documents awaiting review ------------------------------------------------------------------

DOCUMENTS = f"{PROFESSIONALS}/documents"


def _document_path(professional_id: str, document_id: str, *rest: str) -> str:
    parts = [quote(professional_id, safe=""), "documents", quote(document_id, safe=""), *rest]
    return f"{PROFESSIONALS}/{'/'.join(parts)}"


@professionals.group(cls=OpsGroup, help="documents awaiting review: list, show, accept, reject")
def documents() -> None:
    pass


@documents.command("list", help="documents awaiting review (insurance, certifications), oldest first")
@click.option("--page-size", type=click.IntRange(1, 100), default=50, show_default=True)
@pass_ops
def list_documents_command(ops: Ops, page_size: int) -> int:
    found = list(_pages(ops, DOCUMENTS, "documents", REVIEW_QUEUE, page_size))
    rows = [
        (
            d["professional_id"],
            d["document_id"],
            d["kind"],
            d["company_name"],
            d.get("declared_expires_on") or "-",
            d.get("checked_at", d["requested_at"])[:10],
        )
        for d in found
    ]
    headers = ("professional", "document", "kind", "company", "declared until", "uploaded")
    answer = {"status": REVIEW_QUEUE, "documents": found}
    return ops.listing(answer, headers, rows, f"{len(found)} document(s) awaiting review")


document_id_argument = click.argument("document_id")


@documents.command(help="one document and a download link valid a few minutes")
@professional_id_argument
@document_id_argument
@reason_option
@pass_ops
def show(ops: Ops, professional_id: str, document_id: str, reason: str | None) -> int:
    missing = f"no document {document_id} of professional {professional_id}"
    path = _document_path(professional_id, document_id) + "?" + urlencode({"reason": require_reason(reason)})
    ops.emit(ops.call("GET", path, missing=missing))
    return 0


@documents.command(help="accept one (insurance: --expires-on, the last day of cover read on the certificate)")
@professional_id_argument
@document_id_argument
@click.option("--expires-on", type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--reason", help="a note kept with the decision, emailed to the professional")
@pass_ops
def accept(ops: Ops, professional_id: str, document_id: str, expires_on: Any, reason: str | None) -> int:
    body: dict[str, Any] = {"decision": "accept"}
    if expires_on:
        body["expires_on"] = expires_on.date().isoformat()
    if reason:
        body["reason"] = reason
    return _decide(ops, professional_id, document_id, body)


@documents.command("reject", help="reject one (its file is deleted; the professional is told why)")
@professional_id_argument
@document_id_argument
@click.option("--reason", help="emailed to the professional")
@pass_ops
def reject_document(ops: Ops, professional_id: str, document_id: str, reason: str | None) -> int:
    return _decide(
        ops, professional_id, document_id, {"decision": "reject", **({"reason": reason} if reason else {})}
    )


def _decide(ops: Ops, professional_id: str, document_id: str, body: dict[str, Any]) -> int:
    missing = f"no document {document_id} of professional {professional_id}"
    ops.emit(
        ops.call("POST", _document_path(professional_id, document_id, "decision"), body, missing=missing)
    )
    return 0
