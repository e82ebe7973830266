"""Commercial partners: the directory Art. 19 notices reach (name, contact email), and the notices
left to operators for a partner without a contact."""

from __future__ import annotations

import click

from jaqe_ops.context import Ops, OpsGroup, pass_ops

PARTNERS = "/v1/admin/commercial-partners"


@click.group(cls=OpsGroup, help="commercial partners: directory (Art. 19 contacts) and notices to carry")
def partners() -> None:
    pass


@partners.command(help="add a partner (as exports name it) or set its contact email")
@click.argument("name")
@click.option("--email", required=True, help="where erasure, restriction and rectification notices go")
@pass_ops
def add(ops: Ops, name: str, email: str) -> int:
    ops.emit(ops.call("POST", PARTNERS, {"name": name, "email": email}))
    return 0


@partners.command("list", help="the directory: each partner and its contact (none: notices become tasks)")
@pass_ops
def list_command(ops: Ops) -> int:
    found = ops.call("GET", PARTNERS)["partners"]
    rows = [(p["partner_id"], p["name"], p.get("contact_email") or "- (no contact)") for p in found]
    return ops.listing({"partners": found}, ("id", "name", "contact"), rows, f"{len(found)} partner(s)")


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
