"""Commercial partners: the directory Art. 19 notices reach (name, contact email), and the notices
left to operators for a partner without a contact."""

from __future__ import annotations

import click

from jaqe_ops.context import Ops, OpsGroup, pass_ops

PARTNERS = "/v1/admin/commercial-partners"


@click.group(cls=OpsGroup, help="commercial partners: directory (Art. 19 contacts) and notices to carry")
def partners() -> None:
    pass


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
