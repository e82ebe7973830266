"""Commercial partners: exports (started, waited for, downloaded), the directory Art. 19 notices
reach (name, contact email), and the notices left to operators for a partner without a contact."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import click

from jaqe_ops.audit import reason_option, require_reason
from jaqe_ops.context import Ops, OpsGroup, output_option, pass_ops, wait_options

PARTNERS = "/v1/admin/commercial-partners"
EXPORTS = f"{PARTNERS}/exports"


@click.group(cls=OpsGroup, help="commercial partners: directory (Art. 19 contacts) and notices to carry")
def partners() -> None:
    pass


@partners.command(help="export the people who consented to PARTNER: the file is written asynchronously")
@click.argument("partner")
@reason_option
@wait_options
@output_option
@pass_ops
def export(
    ops: Ops,
    partner: str,
    reason: str | None,
    wait: bool,
    timeout: float,
    interval: float,
    output: str | None,
) -> int:
    """Prints the export's id and status; --wait polls until the file is written and prints its
    short-lived link; --output FILE (which waits) downloads the CSV to FILE instead."""
    reason = require_reason(reason)  # it reads personal data: kept in the access trail
    started = ops.call("POST", EXPORTS, {"partner": partner, "reason": reason})
    if not (wait or output):
        ops.emit(started)
        return 0
    export_id = started["export_id"]
    settled = ops.wait_until_settled(
        export_id,
        lambda: _status(ops, export_id, reason),
        ("pending",),
        timeout,
        interval,
        quiet=bool(output),
    )
    if settled or not output:
        return settled
    status = _status(ops, export_id, reason)
    Path(output).write_bytes(ops.download(status["download_url"]))
    print(f"{status['count']} person(s) exported to {output} (export {export_id})", file=ops.out)
    return 0


@partners.command(
    "export-status", help="an export's status; once complete, its count and a link valid 15 minutes"
)
@click.argument("export_id")
@reason_option
@pass_ops
def export_status(ops: Ops, export_id: str, reason: str | None) -> int:
    ops.emit(_status(ops, export_id, require_reason(reason)))
    return 0


def _status(ops: Ops, export_id: str, reason: str) -> dict[str, Any]:
    """The status, and once complete the file's link: a read of personal data, for `reason`."""
    path = f"{EXPORTS}/{quote(export_id, safe='')}?{urlencode({'reason': reason})}"
    return dict(ops.call("GET", path, missing=f"export {export_id}"))


@partners.command(help="add a partner (as exports name it) or set its contact email and contract")
@click.argument("name")
@click.option("--email", required=True, help="where erasure, restriction and rectification notices go")
@click.option("--country", help="ISO code of the country it processes the data in, e.g. FR")
@click.option(
    "--safeguard", "transfer_safeguard", help="transfer safeguard (adequacy, SCCs, EU-US framework...)"
)
@click.option("--contract-signed", "contract_signed_on", help="YYYY-MM-DD")
@click.option("--dpa-signed", "dpa_signed_on", help="YYYY-MM-DD: its data-sharing agreement")
@click.option("--next-review", "next_review_on", help="YYYY-MM-DD: the DPO's next review of both")
@pass_ops
def add(ops: Ops, name: str, email: str, **contract: str | None) -> int:
    given = {k: v for k, v in contract.items() if v is not None}
    ops.emit(ops.call("POST", PARTNERS, {"name": name, "email": email, **given}))
    return 0


@partners.command("list", help="the directory: each partner and its contact (none: notices become tasks)")
@pass_ops
def list_command(ops: Ops) -> int:
    found = ops.call("GET", PARTNERS)["partners"]
    rows = [
        (
            p["partner_id"],
            p["name"],
            p.get("contact_email") or "- (no contact)",
            p.get("country") or "-",
            p.get("next_review_on") or "- (no contract recorded)",
        )
        for p in found
    ]
    columns = ("id", "name", "contact", "country", "next review")
    return ops.listing({"partners": found}, columns, rows, f"{len(found)} partner(s)")


@partners.command(help="notices no contact could carry: tell these partners, then add their contact")
@pass_ops
def tasks(ops: Ops) -> int:
    found = ops.call("GET", f"{PARTNERS}/tasks")["tasks"]
    rows = [
        (
            t["created_at"][:10],
            t["partner"],
            t["notice"],
            t["export_id"],
            t.get("person_reference") or "-",
            ",".join(t.get("fields") or []) or "-",
            t["request_id"],
        )
        for t in found
    ]
    headers = ("since", "partner", "notice", "export", "person", "fields", "request")
    return ops.listing({"tasks": found}, headers, rows, f"{len(found)} notice(s) to carry")
