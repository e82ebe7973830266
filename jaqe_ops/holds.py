"""Holds: keep a person's data past its retention during a dispute (items and documents), list the
active holds, lift one (the person's retention clock starts again)."""

from __future__ import annotations

import click

from jaqe_ops.context import Ops, OpsGroup, pass_ops

HOLDS = "/v1/admin/holds"


@click.group(cls=OpsGroup, help="holds: keep a person's data past its retention during a dispute")
def hold() -> None:
    pass


@hold.command(help="place a hold on everything held about one email (its expiry is set aside)")
@click.option("--email", required=True, help="the person's email (sent in the body, never in a URL)")
@click.option("--reason", required=True, help="why (the dispute); shown to the person in an access export")
@pass_ops
def place(ops: Ops, email: str, reason: str) -> int:
    ops.emit(ops.call("POST", HOLDS, {"email": email, "reason": reason}))
    return 0


@hold.command(help="lift a hold: the retention clock starts again, what is past its period goes next night")
@click.argument("hold_id")
@click.option("--reason", required=True, help="why the data is no longer needed")
@pass_ops
def lift(ops: Ops, hold_id: str, reason: str) -> int:
    ops.emit(ops.call("POST", f"{HOLDS}/{hold_id}/lift", {"reason": reason}, missing=f"no hold {hold_id}"))
    return 0


@hold.command("list", help="the active holds, oldest first")
@pass_ops
def list_command(ops: Ops) -> int:
    found = ops.call("GET", HOLDS)["holds"]
    rows = [(h["hold_id"], h["origin"], h["placed_at"], h.get("placed_by", ""), h["reason"]) for h in found]
    headers = ("id", "origin", "since", "by", "reason")
    return ops.listing({"holds": found}, headers, rows, f"{len(found)} active hold(s)")
