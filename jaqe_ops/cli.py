"""`jaqe-ops`: the operators' command line, against `make dev` or a deployed stack.

    jaqe-ops list --status awaiting_operator
    jaqe-ops deadlines
    jaqe-ops show rr_...
    jaqe-ops approve rr_... --reason "Justificatif vérifié" [--wait]
    jaqe-ops deny rr_... --reason "..."
    jaqe-ops extend rr_... --months 2 --reason "..."
    jaqe-ops lift-restriction rr_... --reason "..."
    jaqe-ops resume rr_... [--wait]
    jaqe-ops execute-post-mortem --email person@example.fr
    jaqe-ops privacy-scan --email person@example.fr
    jaqe-ops retention-report [--days 30] [--json]
    jaqe-ops art30-export --format csv|markdown [--output FILE]     (offline: the register is code)
    jaqe-ops professionals list [--status pending_review]
    jaqe-ops professionals approve pro_...
    jaqe-ops professionals reject pro_... --reason "..."
    jaqe-ops incident declare --file incident.json --wait
    jaqe-ops incident decide inc_... --high-risk --reason "..." --wait
    jaqe-ops incident cnil-draft inc_... [--output notification.md]
    jaqe-ops incident cnil-submitted inc_... --submitted-at ... --reference ...

Local (default, http://127.0.0.1:3000): the operator's name travels in `X-Local-Operator`.
Deployed (`--api https://api.jaqe.fr [--profile NAME] [--region eu-west-3]`): requests are
signed with SigV4 using that AWS profile's credentials (the admin routes use IAM authorisation).

Adding a command: write `run_<name>(ctx, args) -> int` and its `Command(...)` entry in
`COMMANDS` (or a `Group` of them, like `professionals`); `main(argv, transport)` stays testable
with any transport `(method, path, body) -> (status, parsed JSON)`.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urlencode, urlsplit

LOCAL_API = "http://127.0.0.1:3000"
DEFAULT_REGION = "eu-west-3"
ADMIN = "/v1/admin/rights-requests"
PROFESSIONALS = "/v1/admin/professionals"
INCIDENTS = "/v1/admin/incidents"
STATUSES = (
    "received",
    "awaiting_verification",
    "in_progress",
    "awaiting_operator",
    "needs_operator",
    "completed",
    "refused",
    "unverified",
)
PROFESSIONAL_STATUSES = ("pending_review", "approved", "rejected", "delisted")
# While a request is in one of these, its workflow is still running.
RUNNING = ("received", "in_progress")

# A transport takes (method, path, body) and returns (status, parsed JSON body).
Transport = Callable[[str, str, Any], tuple[int, Any]]


class CliError(Exception):
    """A one-line error for the operator (exit code 2, no traceback)."""


class ApiError(Exception):
    """The API refused the request (4xx/5xx other than unknown ids and authorisation): exit code 1."""

    def __init__(self, method: str, path: str, status: int, answer: Any) -> None:
        super().__init__(f"{method} {path.split('?')[0]} answered {status}")
        self.answer = answer


# --- transport: local (X-Local-Operator) or deployed (SigV4) ------------------------------------


def http_transport(api: str, operator: str, sign: bool, region: str, session: Any = None) -> Transport:
    def send(method: str, path: str, body: Any) -> tuple[int, Any]:
        url = api.rstrip("/") + path
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if sign:
            headers.update(_sigv4_headers(method, url, data, region, session))
        else:
            headers["X-Local-Operator"] = operator
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                text = response.read().decode()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, {"detail": text}
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise CliError(
                f"cannot reach the API at {api} ({reason}); is it running / the right --api?"
            ) from None

    return send


def aws_session(profile: str | None) -> Any:
    """A boto3 session for this profile, with credentials; a clear error otherwise."""
    import boto3
    from botocore.exceptions import BotoCoreError, ProfileNotFound

    profile = profile or os.environ.get("AWS_PROFILE") or None
    try:
        session = boto3.Session(profile_name=profile)
        credentials = session.get_credentials()
    except ProfileNotFound:
        raise CliError(
            f"AWS profile {profile!r} not found: configure it (aws configure --profile {profile}) "
            "or pass another --profile"
        ) from None
    except BotoCoreError as error:
        raise CliError(f"cannot load AWS credentials: {error}") from None
    if credentials is None:
        which = f"profile {profile!r}" if profile else "the default AWS profile"
        raise CliError(f"no AWS credentials in {which}: the admin API needs an IAM identity (pass --profile)")
    return session


def check_region(region: str) -> str:
    """Operators' calls stay in the EU, as the data does (jaqe.regions, policy section 5)."""
    from jaqe.regions import NonEuRegionError, require_eu_region

    try:
        return require_eu_region(region)
    except NonEuRegionError:
        raise CliError(
            f"region {region!r} is outside the European Union: JAQE's data must stay in the EU "
            "(use eu-west-3, Paris, or another EU region)"
        ) from None


def _sigv4_headers(method: str, url: str, data: bytes | None, region: str, session: Any) -> dict[str, str]:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    credentials = (session or aws_session(None)).get_credentials()
    request = AWSRequest(method=method, url=url, data=data, headers={"Content-Type": "application/json"})
    SigV4Auth(credentials.get_frozen_credentials(), "execute-api", region).add_auth(request)
    return dict(request.headers.items())


def transport_for(args: argparse.Namespace) -> Transport:
    """Local stack (no credentials) or a deployed one (profile, EU region, SigV4)."""
    local = urlsplit(args.api).hostname in ("127.0.0.1", "localhost")
    if args.region:
        check_region(args.region)
    if local:
        if args.profile:
            raise CliError(
                f"--profile is for a deployed stack, but --api is the local stack ({args.api}): "
                "give --api https://... (or JAQE_API) too"
            )
        return http_transport(args.api, args.operator, sign=False, region=args.region or DEFAULT_REGION)
    session = aws_session(args.profile)
    region = check_region(
        args.region
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or session.region_name
        or DEFAULT_REGION
    )
    return http_transport(args.api, args.operator, sign=True, region=region, session=session)


# --- what every command gets ---------------------------------------------------------------------


class Progress:
    """Progress of long operations on stderr: when stderr is a terminal, or always with --progress."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = stream.isatty()
        self.shown = False

    def update(self, message: str) -> None:
        if not self.enabled:
            return
        if self.tty:
            self.stream.write(f"\r{message}\x1b[K")
        else:
            self.stream.write(f"{message}\n")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.enabled and self.tty and self.shown:
            self.stream.write("\n")
        self.shown = False


@dataclass
class Context:
    args: argparse.Namespace
    make_transport: Callable[[], Transport]
    progress: Progress
    out: TextIO = field(default_factory=lambda: sys.stdout)
    sleep: Callable[[float], None] = time.sleep
    _transport: Transport | None = None

    def call(self, method: str, path: str, body: Any = None, *, missing: str | None = None) -> Any:
        """The API's answer; unknown ids (404) and refused credentials become one-line errors."""
        if self._transport is None:
            self._transport = self.make_transport()
        status, answer = self._transport(method, path, body)
        if status == 404 and missing:
            raise CliError(f"{missing} (the API answered 404)")
        if status in (401, 403):
            detail = answer.get("detail") or answer.get("message") if isinstance(answer, dict) else answer
            raise CliError(f"the API refused this operator ({status}): {detail}")
        if status >= 400:
            raise ApiError(method, path, status, answer)
        return answer

    def emit(self, answer: Any) -> None:
        print(json.dumps(answer, ensure_ascii=False, indent=2), file=self.out)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers], *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- rights requests ----------------------------------------------------------------------------


def _rights_path(request_id: str, suffix: str = "") -> str:
    return f"{ADMIN}/{quote(request_id, safe='')}{suffix}"


def _no_request(request_id: str) -> str:
    return f"no rights request {request_id}"


def run_list(ctx: Context, args: argparse.Namespace) -> int:
    query = {
        k: v for k, v in (("status", args.status), ("due_within_days", args.due_within_days)) if v is not None
    }
    ctx.emit(ctx.call("GET", ADMIN + (f"?{urlencode(query)}" if query else "")))
    return 0


def run_deadlines(ctx: Context, args: argparse.Namespace) -> int:
    ctx.emit(ctx.call("GET", f"{ADMIN}/deadlines"))
    return 0


def run_show(ctx: Context, args: argparse.Namespace) -> int:
    ctx.emit(ctx.call("GET", _rights_path(args.request_id), missing=_no_request(args.request_id)))
    return 0


def _wait_until_settled(ctx: Context, request_id: str, before: str, timeout: float) -> int:
    """Poll the request until its workflow has left `before` and in_progress; print it."""
    started = time.monotonic()
    while True:
        record = ctx.call("GET", _rights_path(request_id), missing=_no_request(request_id))
        status = record.get("status")
        elapsed = time.monotonic() - started
        if status not in (before, *RUNNING):
            ctx.progress.update(f"{request_id}: {status} after {elapsed:.0f} s")
            ctx.progress.done()
            ctx.emit(record)
            return 0
        if elapsed >= timeout:
            ctx.progress.done()
            ctx.emit(record)
            print(f"jaqe-ops: {request_id} still {status} after {timeout:.0f} s", file=sys.stderr)
            return 1
        ctx.progress.update(f"{request_id}: {status}, waiting for the workflow ({elapsed:.0f} s)")
        ctx.sleep(ctx.args.interval)


def _act_and_maybe_wait(
    ctx: Context, args: argparse.Namespace, method: str, suffix: str, body: Any = None
) -> int:
    before = None
    if args.wait:
        before = ctx.call("GET", _rights_path(args.request_id), missing=_no_request(args.request_id))[
            "status"
        ]
    answer = ctx.call(
        method, _rights_path(args.request_id, suffix), body, missing=_no_request(args.request_id)
    )
    if before is None:
        ctx.emit(answer)
        return 0
    return _wait_until_settled(ctx, args.request_id, before, args.timeout)


def run_decide(ctx: Context, args: argparse.Namespace) -> int:
    body = {"decision": args.command, "reason": args.reason}
    return _act_and_maybe_wait(ctx, args, "POST", "/decision", body)


def run_extend(ctx: Context, args: argparse.Namespace) -> int:
    body = {"months": args.months, "reason": args.reason}
    ctx.emit(
        ctx.call(
            "POST", _rights_path(args.request_id, "/extension"), body, missing=_no_request(args.request_id)
        )
    )
    return 0


def run_lift(ctx: Context, args: argparse.Namespace) -> int:
    body = {"reason": args.reason}
    path = _rights_path(args.request_id, "/lift-restriction")
    ctx.emit(ctx.call("POST", path, body, missing=_no_request(args.request_id)))
    return 0


def run_resume(ctx: Context, args: argparse.Namespace) -> int:
    return _act_and_maybe_wait(ctx, args, "POST", "/resume")


def run_post_mortem(ctx: Context, args: argparse.Namespace) -> int:
    body = {"email": args.email}
    ctx.emit(
        ctx.call(
            "POST",
            f"{ADMIN}/post-mortem-executions",
            body,
            missing="no post-mortem directives recorded for this email",
        )
    )
    return 0


def run_privacy_scan(ctx: Context, args: argparse.Namespace) -> int:
    ctx.emit(ctx.call("POST", "/v1/admin/privacy-scans", {"email": args.email}))
    return 0


# --- retention and the register -----------------------------------------------------------------


def _tally_rows(tally: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (day["day"], purpose, count)
        for day in tally["by_day"]
        for purpose, count in day["by_purpose"].items()
    ]


def render_retention_report(report: dict[str, Any]) -> str:
    due, overdue = report["due"], report["overdue"]
    lines = [
        f"Retention report as of {report['as_of']} "
        f"(last reconciliation: {report.get('last_reconciliation_day') or 'never'})",
        "",
        f"Past expiry, not yet purged (awaiting TTL or reconciliation; last {report['lookback_days']} days): "
        f"{overdue['total']}",
    ]
    if overdue["total"]:
        lines += ["", _table(("purpose", "items"), sorted(overdue["by_purpose"].items())), ""]
        lines += [_table(("expired on", "purpose", "items"), _tally_rows(overdue))]
    lines += ["", f"Due to expire within {report['days']} days: {due['total']}"]
    if due["total"]:
        lines += ["", _table(("purpose", "items"), sorted(due["by_purpose"].items())), ""]
        lines += [_table(("expires on", "purpose", "items"), _tally_rows(due))]
    return "\n".join(lines)


def run_retention_report(ctx: Context, args: argparse.Namespace) -> int:
    query = urlencode({"days": args.days, "lookback_days": args.lookback_days})
    ctx.progress.update("reading the expiry index day by day...")
    report = ctx.call("GET", f"/v1/admin/retention-report?{query}")
    ctx.progress.done()
    if args.json:
        ctx.emit(report)
    else:
        print(render_retention_report(report), file=ctx.out)
    return 0


def run_art30_export(ctx: Context, args: argparse.Namespace) -> int:
    from jaqe.privacy.policy import art30_csv, art30_markdown

    text = art30_csv() if args.format == "csv" else art30_markdown()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"jaqe-ops: Art. 30 record ({args.format}) written to {args.output}", file=sys.stderr)
    else:
        ctx.out.write(text)
    return 0


# --- professionals --------------------------------------------------------------------------------


def _professional_path(pro_id: str, action: str) -> str:
    return f"{PROFESSIONALS}/{quote(pro_id, safe='')}/{action}"


def list_professionals(ctx: Context, status: str, page_size: int) -> Iterator[dict[str, Any]]:
    """Every professional with this status, following the API's pages."""
    cursor: str | None = None
    page = count = 0
    while True:
        query = {"status": status, "limit": page_size, **({"cursor": cursor} if cursor else {})}
        answer = ctx.call("GET", f"{PROFESSIONALS}?{urlencode(query)}")
        page += 1
        count += len(answer["professionals"])
        ctx.progress.update(f"page {page}: {count} professional(s) {status}")
        yield from answer["professionals"]
        cursor = answer.get("next_cursor")
        if not cursor:
            ctx.progress.done()
            return


def run_professionals_list(ctx: Context, args: argparse.Namespace) -> int:
    found = list(list_professionals(ctx, args.status, args.page_size))
    if args.json:
        ctx.emit({"status": args.status, "professionals": found})
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
    print(f"{len(found)} professional(s) {args.status}", file=ctx.out)
    if rows:
        print(_table(headers, rows), file=ctx.out)
    return 0


def run_professionals_approve(ctx: Context, args: argparse.Namespace) -> int:
    missing = f"no professional {args.professional_id}"
    ctx.emit(ctx.call("POST", _professional_path(args.professional_id, "approve"), missing=missing))
    return 0


def run_professionals_reject(ctx: Context, args: argparse.Namespace) -> int:
    missing = f"no professional {args.professional_id}"
    body = {"reason": args.reason} if args.reason else None
    ctx.emit(ctx.call("POST", _professional_path(args.professional_id, "reject"), body, missing=missing))
    return 0


# --- personal-data breaches (Art. 33 and 34) ---------------------------------------------------------


def _incident_path(incident_id: str, suffix: str = "") -> str:
    return f"{INCIDENTS}/{quote(incident_id, safe='')}{suffix}"


def _wait_for_incident(ctx: Context, incident_id: str, leaving: tuple[str, ...], timeout: float) -> int:
    """Poll the incident until its workflow has left `leaving`; print it."""
    started = time.monotonic()
    while True:
        view = ctx.call("GET", _incident_path(incident_id), missing=f"no incident {incident_id}")
        elapsed = time.monotonic() - started
        found = view.get("people_concerned")
        status = view["status"]
        ctx.progress.update(
            f"{incident_id}: {status}"
            + (f", {found} people concerned" if found is not None else "")
            + f" ({elapsed:.0f} s)"
        )
        if status not in leaving or elapsed >= timeout:
            ctx.progress.done()
            ctx.emit(view)
            if status in leaving:
                print(f"jaqe-ops: {incident_id} still {status} after {timeout:.0f} s", file=sys.stderr)
                return 1
            return 0
        ctx.sleep(ctx.args.interval)


def run_incident_declare(ctx: Context, args: argparse.Namespace) -> int:
    try:
        incident = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read the incident from {args.file}: {error}") from error
    answer = ctx.call("POST", INCIDENTS, incident)
    if not args.wait:
        ctx.emit(answer)
        return 0
    return _wait_for_incident(ctx, answer["incident_id"], ("investigating",), args.timeout)


def run_incident_list(ctx: Context, args: argparse.Namespace) -> int:
    ctx.emit(ctx.call("GET", INCIDENTS))
    return 0


def run_incident_show(ctx: Context, args: argparse.Namespace) -> int:
    ctx.emit(ctx.call("GET", _incident_path(args.incident_id), missing=f"no incident {args.incident_id}"))
    return 0


def run_incident_decide(ctx: Context, args: argparse.Namespace) -> int:
    body = {"high_risk": args.high_risk, "reason": args.reason}
    path = _incident_path(args.incident_id, "/decision")
    answer = ctx.call("POST", path, body, missing=f"no incident {args.incident_id}")
    if not args.wait:
        ctx.emit(answer)
        return 0
    return _wait_for_incident(ctx, args.incident_id, ("awaiting_decision", "notifying"), args.timeout)


def run_incident_cnil_draft(ctx: Context, args: argparse.Namespace) -> int:
    path = _incident_path(args.incident_id, "/cnil-notification")
    answer = ctx.call("GET", path, missing=f"no incident {args.incident_id}")
    if not answer.get("form_text"):
        raise CliError(f"{args.incident_id}: the people concerned are still being counted; try again")
    if args.output:
        Path(args.output).write_text(answer["form_text"], encoding="utf-8")
    else:
        print(answer["form_text"], file=ctx.out)
    return 0


def run_incident_cnil_submitted(ctx: Context, args: argparse.Namespace) -> int:
    body = {"submitted_at": args.submitted_at, "reference": args.reference}
    if args.delay_reasons:
        body["delay_reasons"] = args.delay_reasons
    path = _incident_path(args.incident_id, "/cnil-notification")
    ctx.emit(ctx.call("POST", path, body, missing=f"no incident {args.incident_id}"))
    return 0


def _incident_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("incident_id", help="inc_... (from `incident list` or `incident declare`)")


def _incident_declare_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--file",
        required=True,
        help="JSON: nature, data_categories, people_categories, store (leads|consents), purposes, "
        "window_start, window_end, aware_at, likely_consequences, measures_taken, high_risk_confirmed",
    )
    _wait(parser)


def _incident_decide_args(parser: argparse.ArgumentParser) -> None:
    _incident_id(parser)
    risk = parser.add_mutually_exclusive_group(required=True)
    risk.add_argument("--high-risk", dest="high_risk", action="store_true", help="tell each person (Art. 34)")
    risk.add_argument("--no-high-risk", dest="high_risk", action="store_false", help="close without notices")
    parser.add_argument("--reason", required=True, help="recorded with the decision (Art. 33(5))")
    _wait(parser)


def _incident_draft_args(parser: argparse.ArgumentParser) -> None:
    _incident_id(parser)
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")


def _incident_submitted_args(parser: argparse.ArgumentParser) -> None:
    _incident_id(parser)
    parser.add_argument(
        "--submitted-at", required=True, help="ISO 8601 with offset, e.g. 2026-03-12T10:00:00+01:00"
    )
    parser.add_argument("--reference", required=True, help="the CNIL's acknowledgement number")
    parser.add_argument("--delay-reasons", help="required when later than 72 hours after awareness")


# --- the command table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[Context, argparse.Namespace], int]
    arguments: Callable[[argparse.ArgumentParser], None] = lambda parser: None


@dataclass(frozen=True)
class Group:
    """Commands under one word (`jaqe-ops professionals approve ...`)."""

    name: str
    help: str
    commands: tuple[Command, ...]


def _request_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("request_id", help="rr_... (from `list`)")


def _wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait", action="store_true", help="poll until the workflow has moved on, then print the request"
    )
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait at most (default 120)")
    parser.add_argument("--interval", type=float, default=1.0, help=argparse.SUPPRESS)


def _list_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--status", choices=STATUSES)
    parser.add_argument("--due-within-days", type=int, help="only those due within N days (overdue included)")


def _decide_args(parser: argparse.ArgumentParser) -> None:
    _request_id(parser)
    parser.add_argument("--reason", required=True, help="told to the person (refusals also name the CNIL)")
    _wait(parser)


def _extend_args(parser: argparse.ArgumentParser) -> None:
    _request_id(parser)
    parser.add_argument("--months", type=int, choices=(1, 2), required=True)
    parser.add_argument("--reason", required=True, help="emailed to the person")


def _lift_args(parser: argparse.ArgumentParser) -> None:
    _request_id(parser)
    parser.add_argument("--reason", required=True)


def _resume_args(parser: argparse.ArgumentParser) -> None:
    _request_id(parser)
    _wait(parser)


def _email_args(help_text: str) -> Callable[[argparse.ArgumentParser], None]:
    def add(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--email", required=True, help=help_text)

    return add


def _retention_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--days", type=int, default=30, help="what expires within N days (default 30)")
    parser.add_argument(
        "--lookback-days",
        type=int,
        default=30,
        help="how far back to look for expired items still held (default 30)",
    )
    parser.add_argument("--json", action="store_true", help="the report as JSON")


def _art30_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "markdown"), default="csv")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")


def _pro_list_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--status", choices=PROFESSIONAL_STATUSES, default="pending_review")
    parser.add_argument("--page-size", type=int, default=50, choices=range(1, 101), metavar="1..100")
    parser.add_argument("--json", action="store_true", help="the list as JSON")


def _pro_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("professional_id", help="pro_... (from `professionals list`)")


def _pro_reject_args(parser: argparse.ArgumentParser) -> None:
    _pro_id(parser)
    parser.add_argument("--reason", help="emailed to the professional")


COMMANDS: tuple[Command | Group, ...] = (
    Command("list", "rights requests by due date, optionally by status", run_list, _list_args),
    Command("deadlines", "open rights requests overdue or due within 7 days", run_deadlines),
    Command("show", "one rights request with its history", run_show, _request_id),
    Command("approve", "approve the manual step of a rights request", run_decide, _decide_args),
    Command("deny", "deny it, with the reason", run_decide, _decide_args),
    Command(
        "extend", "extend the due date by 1 or 2 months (before the first due date)", run_extend, _extend_args
    ),
    Command("lift-restriction", "lift a restriction (the person is told first)", run_lift, _lift_args),
    Command("resume", "restart a rights request that needs an operator", run_resume, _resume_args),
    Command(
        "execute-post-mortem",
        "carry out a deceased person's directives",
        run_post_mortem,
        _email_args("the deceased person's email"),
    ),
    Command(
        "privacy-scan",
        "everything held about one email, by store and purpose",
        run_privacy_scan,
        _email_args("the person's email (sent in the body, never in a URL)"),
    ),
    Command(
        "retention-report",
        "what expires soon and what is past expiry but not yet purged, by purpose and day",
        run_retention_report,
        _retention_args,
    ),
    Command(
        "art30-export",
        "the Art. 30 record of processing activities (CSV or markdown); offline: the register "
        "is code in the installed package, no API or credentials needed",
        run_art30_export,
        _art30_args,
    ),
    Group(
        "incident",
        "personal-data breaches: declare, follow, decide on the risk, CNIL draft and submission",
        (
            Command(
                "declare",
                "declare an incident: the workflow finds the people concerned and drafts the CNIL notice",
                run_incident_declare,
                _incident_declare_args,
            ),
            Command("list", "incidents whose CNIL notification is still due", run_incident_list),
            Command(
                "show",
                "one incident: status, people concerned, draft, history",
                run_incident_show,
                _incident_id,
            ),
            Command(
                "decide",
                "decide on the risk; --high-risk emails each person concerned (Art. 34)",
                run_incident_decide,
                _incident_decide_args,
            ),
            Command(
                "cnil-draft",
                "the notification in the order of the CNIL's online form (markdown)",
                run_incident_cnil_draft,
                _incident_draft_args,
            ),
            Command(
                "cnil-submitted",
                "record that the CNIL was notified (late: give the reasons)",
                run_incident_cnil_submitted,
                _incident_submitted_args,
            ),
        ),
    ),
    Group(
        "professionals",
        "professionals awaiting review: list, approve, reject",
        (
            Command(
                "list",
                "professionals by status (default pending_review), oldest first",
                run_professionals_list,
                _pro_list_args,
            ),
            Command(
                "approve",
                "approve one (needs an accepted, valid insurance certificate)",
                run_professionals_approve,
                _pro_id,
            ),
            Command(
                "reject",
                "reject one (listing removed, archived 5 years)",
                run_professionals_reject,
                _pro_reject_args,
            ),
        ),
    ),
)


def _add(subparsers: Any, command: Command) -> None:
    parser = subparsers.add_parser(command.name, help=command.help, description=command.help)
    command.arguments(parser)
    parser.set_defaults(handler=command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jaqe-ops",
        description="JAQE operators' tool: rights requests (GDPR Art. 12-22), breaches (Art. 33-34), "
        "retention report, Art. 30 record, professionals' approval. Against `make dev` by default, or a deployed "
        "stack with --api, --profile and an EU --region.",
    )
    parser.add_argument(
        "--api", default=os.environ.get("JAQE_API", LOCAL_API), help="API base URL (default: %(default)s)"
    )
    parser.add_argument(
        "--operator",
        default=os.environ.get("JAQE_OPERATOR") or getpass.getuser(),
        help="operator name (local stack)",
    )
    parser.add_argument(
        "--profile",
        help="AWS profile whose credentials sign requests to a deployed stack (default: $AWS_PROFILE, "
        "then the default credentials)",
    )
    parser.add_argument(
        "--region",
        help="EU region of the deployed stack, for SigV4 (default: $AWS_REGION, the profile's, or eu-west-3)",
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="show progress of long operations on stderr even when it is not a terminal",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    for entry in COMMANDS:
        if isinstance(entry, Group):
            group = commands.add_parser(entry.name, help=entry.help, description=entry.help)
            inner = group.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
            for command in entry.commands:
                _add(inner, command)
        else:
            _add(commands, entry)
    return parser


def command_names() -> list[str]:
    """Every command as typed (`professionals approve` included): for help tests and docs."""
    names: list[str] = []
    for entry in COMMANDS:
        if isinstance(entry, Group):
            names += [f"{entry.name} {c.name}" for c in entry.commands]
        else:
            names.append(entry.name)
    return names


def main(
    argv: Sequence[str] | None = None,
    transport: Transport | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    args = build_parser().parse_args(argv)
    command: Command = args.handler
    ctx = Context(
        args=args,
        make_transport=(lambda: transport) if transport is not None else (lambda: transport_for(args)),
        progress=Progress(sys.stderr, enabled=args.progress or sys.stderr.isatty()),
        sleep=sleep,
    )
    try:
        return command.run(ctx, args)
    except CliError as error:
        ctx.progress.done()
        print(f"jaqe-ops: {error}", file=sys.stderr)
        return 2
    except ApiError as error:
        ctx.progress.done()
        ctx.emit(error.answer)
        print(f"jaqe-ops: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
