"""Commercial partners: the directory Art. 19 notices reach (name, contact email), and the notices
left to operators for a partner without a contact."""

from __future__ import annotations

import click

from jaqe_ops.context import Ops, OpsGroup, pass_ops
from jaqe_ops.output import table

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
@click.option("--json", "as_json", is_flag=True, help="the list as JSON")
@pass_ops
def list_command(ops: Ops, as_json: bool) -> int:
    found = ops.call("GET", PARTNERS)["partners"]
    if as_json:
        ops.emit({"partners": found})
        return 0
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
    print(f"{len(found)} partner(s)", file=ops.out)
    if rows:
        print(table(("id", "name", "contact", "country", "next review"), rows), file=ops.out)
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
