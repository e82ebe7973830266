"""Rights requests (GDPR Art. 12-22): list, deadlines, show, register (post, phone), qualify or close
(email), the operator's decisions, extension, lift of a restriction, resume, post-mortem
directives, and the privacy scan of one email."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

import click

from jaqe_ops.audit import reason_option, require_reason
from jaqe_ops.context import DomainChoice, Ops, OpsCommand, pass_ops, wait_options

ADMIN = "/v1/admin/rights-requests"


def request_statuses() -> Sequence[str]:
    from jaqe.rights.model import RequestStatus

    return [status.value for status in RequestStatus]


def running_statuses() -> tuple[str, ...]:
    """While a request is in one of these, its workflow is still running."""
    from jaqe.rights.model import RequestStatus

    return (RequestStatus.RECEIVED.value, RequestStatus.IN_PROGRESS.value)


def _path(request_id: str, suffix: str = "") -> str:
    return f"{ADMIN}/{quote(request_id, safe='')}{suffix}"


def _missing(request_id: str) -> str:
    return f"no rights request {request_id}"


def _show(ops: Ops, request_id: str, reason: str) -> dict[str, Any]:
    """The request's details: personal data, read with the operator's reason (access trail)."""
    path = _path(request_id) + "?" + urlencode({"reason": reason})
    answer: dict[str, Any] = ops.call("GET", path, missing=_missing(request_id))
    return answer


def _act(ops: Ops, request_id: str, suffix: str, body: Any = None) -> Any:
    return ops.call("POST", _path(request_id, suffix), body, missing=_missing(request_id))


def _act_and_maybe_wait(
    ops: Ops, request_id: str, suffix: str, body: Any, wait: bool, timeout: float, interval: float
) -> int:
    if not wait:
        ops.emit(_act(ops, request_id, suffix, body))
        return 0
    # Following one's own action is the reason for reading the request while waiting.
    reason = f"suivi de l'action {suffix.strip('/')} sur {request_id}"
    before = _show(ops, request_id, reason)["status"]
    _act(ops, request_id, suffix, body)
    running = (before, *running_statuses())
    return ops.wait_until_settled(
        request_id, lambda: _show(ops, request_id, reason), running, timeout, interval
    )


request_id_argument = click.argument("request_id")


@click.command("list", cls=OpsCommand, help="rights requests by due date, optionally by status")
@click.option("--status", type=DomainChoice(request_statuses))
@click.option("--due-within-days", type=int, help="only those due within N days (overdue included)")
@pass_ops
def list_requests(ops: Ops, status: str | None, due_within_days: int | None) -> int:
    query = {k: v for k, v in (("status", status), ("due_within_days", due_within_days)) if v is not None}
    answer = ops.call("GET", ADMIN + (f"?{urlencode(query)}" if query else ""))
    found = answer["requests"]
    rows = [_row(r) for r in found]
    return ops.listing(answer, REQUEST_HEADERS, rows, f"{len(found)} rights request(s)")


REQUEST_HEADERS = ("id", "type", "status", "received", "due")


def _row(request: dict[str, Any]) -> tuple[str, ...]:
    """A request as `list` shows it: dates to the day (deadlines are counted in days)."""
    status = request["status"] + (" (to qualify)" if request.get("needs_qualification") else "")
    return (
        request["request_id"],
        request.get("request_type") or "-",
        status,
        (request.get("received_at") or "-")[:10],
        (request.get("due_at") or "-")[:10],
    )


@click.command(cls=OpsCommand, help="open rights requests overdue or due within 7 days")
@pass_ops
def deadlines(ops: Ops) -> int:
    answer = ops.call("GET", f"{ADMIN}/deadlines")
    overdue, due_soon = answer["overdue"], answer["due_soon"]
    rows = [("overdue", *_row(r)) for r in overdue] + [("due soon", *_row(r)) for r in due_soon]
    summary = f"{len(overdue)} overdue, {len(due_soon)} due within 7 days"
    return ops.listing(answer, ("deadline", *REQUEST_HEADERS), rows, summary)


@click.command(cls=OpsCommand, help="one rights request with its history (REQUEST_ID: rr_... from `list`)")
@request_id_argument
@reason_option
@pass_ops
def show(ops: Ops, request_id: str, reason: str | None) -> int:
    ops.emit(_show(ops, request_id, require_reason(reason)))
    return 0


def request_types() -> Sequence[str]:
    from jaqe.rights.model import RequestType

    return [kind.value for kind in RequestType]


def _type_fields(command: Any) -> Any:
    """The options that make a request's type and fields, as `POST /v1/rights-requests` takes them."""
    options = [
        click.option("--type", "request_type", type=DomainChoice(request_types), required=True),
        click.option("--details", help="what the person wrote or said, in their words"),
        click.option(
            "--purpose",
            "purposes",
            multiple=True,
            help="withdraw_consent / objection: a purpose of the register (repeat for several)",
        ),
        click.option(
            "--correct",
            "corrections",
            multiple=True,
            metavar="FIELD=VALUE",
            help="rectification: first_name, last_name, phone or company_name (repeat)",
        ),
        click.option("--instructions", help="post_mortem_directives: the directives"),
        click.option("--on-death", type=click.Choice(["erase", "keep", "communicate"]), default="erase"),
        click.option("--designated-name", help="post_mortem_directives: the designated person"),
        click.option("--designated-email"),
        click.option("--recipient-email", help="portability: another controller the export links go to"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def type_body(
    request_type: str,
    details: str | None,
    purposes: Sequence[str],
    corrections: Sequence[str],
    instructions: str | None,
    on_death: str,
    designated_name: str | None,
    designated_email: str | None,
    recipient_email: str | None = None,
) -> dict[str, Any]:
    """The type and the fields it needs; the API validates them (and says what is missing)."""
    body: dict[str, Any] = {"type": request_type}
    if details:
        body["details"] = details
    if purposes:
        body["purposes"] = list(purposes)
    if corrections:
        pairs = [c.partition("=") for c in corrections]
        if any(not sep for _, sep, _ in pairs):
            raise click.BadParameter("FIELD=VALUE", param_hint="--correct")
        body["corrections"] = {field: value for field, _, value in pairs}
    if instructions or request_type == "post_mortem_directives":
        body["directives"] = {"on_death": on_death, "instructions": instructions}
        if designated_name or designated_email:
            body["directives"]["designated_person"] = {"name": designated_name, "email": designated_email}
    if recipient_email:
        body["recipient_email"] = recipient_email
    return body


@click.command(cls=OpsCommand, help="register a request received by post or told on the phone")
@click.option("--channel", type=click.Choice(["post", "phone"]), required=True)
@click.option("--received-on", required=True, metavar="YYYY-MM-DD", help="the deadline runs from this day")
@click.option("--email", required=True, help="the person's email (verification and answer go there)")
@_type_fields
@pass_ops
def register(ops: Ops, channel: str, received_on: str, email: str, **fields: Any) -> int:
    body = {**type_body(**fields), "email": email, "channel": channel, "received_on": received_on}
    ops.emit(ops.call("POST", ADMIN, body))
    return 0


@click.command(cls=OpsCommand, help="give a request received by email its type and fields")
@request_id_argument
@_type_fields
@pass_ops
def qualify(ops: Ops, request_id: str, **fields: Any) -> int:
    ops.emit(_act(ops, request_id, "/qualify", type_body(**fields)))
    return 0


@click.command(cls=OpsCommand, help="close a request that is not a rights request, emailing the answer")
@request_id_argument
@click.option("--reason", required=True, help="why it is not a rights request (kept in the history)")
@click.option("--answer", required=True, help="the answer emailed to the person")
@pass_ops
def close(ops: Ops, request_id: str, reason: str, answer: str) -> int:
    ops.emit(_act(ops, request_id, "/close", {"reason": reason, "answer": answer}))
    return 0


def _decision(decision: str, help_text: str) -> click.Command:
    @click.command(decision, cls=OpsCommand, help=help_text)
    @request_id_argument
    @click.option("--reason", required=True, help="told to the person (refusals also name the CNIL)")
    @wait_options
    @pass_ops
    def decide(ops: Ops, request_id: str, reason: str, wait: bool, timeout: float, interval: float) -> int:
        body = {"decision": decision, "reason": reason}
        return _act_and_maybe_wait(ops, request_id, "/decision", body, wait, timeout, interval)

    return decide


@click.command(cls=OpsCommand, help="extend the due date by 1 or 2 months (before the first due date)")
@request_id_argument
@click.option("--months", type=click.IntRange(1, 2), required=True, help="1 or 2")
@click.option("--reason", required=True, help="emailed to the person")
@pass_ops
def extend(ops: Ops, request_id: str, months: int, reason: str) -> int:
    ops.emit(_act(ops, request_id, "/extension", {"months": months, "reason": reason}))
    return 0


@click.command("lift-restriction", cls=OpsCommand, help="lift a restriction (the person is told first)")
@request_id_argument
@click.option("--reason", required=True)
@pass_ops
def lift_restriction(ops: Ops, request_id: str, reason: str) -> int:
    ops.emit(_act(ops, request_id, "/lift-restriction", {"reason": reason}))
    return 0


@click.command(cls=OpsCommand, help="restart a rights request that needs an operator")
@request_id_argument
@wait_options
@pass_ops
def resume(ops: Ops, request_id: str, wait: bool, timeout: float, interval: float) -> int:
    return _act_and_maybe_wait(ops, request_id, "/resume", None, wait, timeout, interval)


@click.command(
    "execute-post-mortem",
    cls=OpsCommand,
    help="record a death and carry out the directives (erase; keep; communicate: the designated person "
    "is emailed a link first). Run again: where it stands, or a fresh link if still unconfirmed",
)
@click.option("--email", required=True, help="the deceased person's email")
@pass_ops
def execute_post_mortem(ops: Ops, email: str) -> int:
    missing = "no post-mortem directives recorded for this email"
    ops.emit(ops.call("POST", f"{ADMIN}/post-mortem-executions", {"email": email}, missing=missing))
    return 0


@click.command("privacy-scan", cls=OpsCommand, help="everything held about one email, by store and purpose")
@click.option("--email", required=True, help="the person's email (sent in the body, never in a URL)")
@reason_option
@pass_ops
def privacy_scan(ops: Ops, email: str, reason: str | None) -> int:
    body = {"email": email, "reason": require_reason(reason)}
    ops.emit(ops.call("POST", "/v1/admin/privacy-scans", body))
    return 0


COMMANDS = (
    list_requests,
    deadlines,
    show,
    register,
    qualify,
    close,
    _decision("approve", "approve the manual step of a rights request"),
    _decision("deny", "deny it, with the reason"),
    extend,
    lift_restriction,
    resume,
    execute_post_mortem,
    privacy_scan,
)
