"""Commercial partners: exports (started, waited for, downloaded), the directory Art. 19 notices
reach (name, contact email), and the notices left to operators for a partner without a contact."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from jaqe_ops.context import Ops, OpsGroup, output_option, pass_ops, wait_options
from jaqe_ops.output import table

PARTNERS = "/v1/admin/commercial-partners"
EXPORTS = f"{PARTNERS}/exports"


@click.group(cls=OpsGroup, help="commercial partners: directory (Art. 19 contacts) and notices to carry")
def partners() -> None:
    pass


@partners.command(help="export the people who consented to PARTNER: the file is written asynchronously")
@click.argument("partner")
@wait_options
@output_option
@pass_ops
def export(ops: Ops, partner: str, wait: bool, timeout: float, interval: float, output: str | None) -> int:
    """Prints the export's id and status; --wait polls until the file is written and prints its
    short-lived link; --output FILE (which waits) downloads the CSV to FILE instead."""
    started = ops.call("POST", EXPORTS, {"partner": partner})
    if not (wait or output):
        ops.emit(started)
        return 0
    export_id = started["export_id"]
    settled = ops.wait_until_settled(
        export_id, lambda: _status(ops, export_id), ("pending",), timeout, interval, quiet=bool(output)
    )
    if settled or not output:
        return settled
    status = _status(ops, export_id)
    Path(output).write_bytes(ops.download(status["download_url"]))
    print(f"{status['count']} person(s) exported to {output} (export {export_id})", file=ops.out)
    return 0


@partners.command(
    "export-status", help="an export's status; once complete, its count and a link valid 15 minutes"
)
@click.argument("export_id")
@pass_ops
def export_status(ops: Ops, export_id: str) -> int:
    ops.emit(_status(ops, export_id))
    return 0


def _status(ops: Ops, export_id: str) -> dict[str, Any]:
    return dict(ops.call("GET", f"{EXPORTS}/{quote(export_id, safe='')}", missing=f"export {export_id}"))


@partners.command(help="add a partner (as exports name it) or set its contact email")
@click.argument("name")
@click.option("--email", required=True, help="where erasure, restriction and rectification notices go")
@pass_ops
def add(ops: Ops, name: str, email: str) -> int:
    ops.emit(ops.call("POST", PARTNERS, {"name": name, "email": email}))
    return 0


@partners.command("list", help="the directory: each partner and its contact (none: notices become tasks)")
@click.option("--json", "as_json", is_flag=True, help="the list as JSON")
@pass_ops
def list_command(ops: Ops, as_json: bool) -> int:
    found = ops.call("GET", PARTNERS)["partners"]
    if as_json:
        ops.emit({"partners": found})
        return 0
    rows = [(p["partner_id"], p["name"], p.get("contact_email") or "- (no contact)") for p in found]
    print(f"{len(found)} partner(s)", file=ops.out)
    if rows:
        print(table(("id", "name", "contact"), rows), file=ops.out)
    return 0


@partners.command(help="notices no contact could carry: tell these partners, then add their contact")
@click.option("--json", "as_json", is_flag=True, help="the list as JSON")
@pass_ops
def tasks(ops: Ops, as_json: bool) -> int:
    found = ops.call("GET", f"{PARTNERS}/tasks")["tasks"]
    if as_json:
        ops.emit({"tasks": found})
        return 0
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
    print(f"{len(found)} notice(s) to carry", file=ops.out)
    if rows:
        headers = ("since", "partner", "notice", "export", "person", "fields", "request")
        print(table(headers, rows), file=ops.out)
    return 0
