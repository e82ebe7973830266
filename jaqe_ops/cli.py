"""`jaqe-ops`: what an operator does with rights requests, against `make dev` or a deployed stack.

    jaqe-ops list --status awaiting_operator
    jaqe-ops deadlines
    jaqe-ops show rr_...
    jaqe-ops approve rr_... --reason "Justificatif vérifié"
    jaqe-ops deny rr_... --reason "..."
    jaqe-ops extend rr_... --months 2 --reason "..."
    jaqe-ops lift-restriction rr_... --reason "..."
    jaqe-ops resume rr_...
    jaqe-ops execute-post-mortem --email person@example.fr

Local (default, http://127.0.0.1:3000): the operator's name travels in `X-Local-Operator`.
Deployed (`--api https://api.jaqe.fr`): requests are signed with SigV4 using the current AWS
credentials (the admin routes use IAM authorisation).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

LOCAL_API = "http://127.0.0.1:3000"
ADMIN = "/v1/admin/rights-requests"
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

# A transport takes (method, path, body) and returns (status, parsed JSON body).
Transport = Callable[[str, str, Any], tuple[int, Any]]


def http_transport(api: str, operator: str, sign: bool, region: str) -> Transport:
    def send(method: str, path: str, body: Any) -> tuple[int, Any]:
        url = api.rstrip("/") + path
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if sign:
            headers.update(_sigv4_headers(method, url, data, region))
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

    return send


def _sigv4_headers(method: str, url: str, data: bytes | None, region: str) -> dict[str, str]:
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    credentials = boto3.Session().get_credentials()
    if credentials is None:
        raise SystemExit("No AWS credentials: configure a profile with access to the admin API.")
    request = AWSRequest(method=method, url=url, data=data, headers={"Content-Type": "application/json"})
    SigV4Auth(credentials.get_frozen_credentials(), "execute-api", region).add_auth(request)
    return dict(request.headers.items())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jaqe-ops",
        description="Operate rights requests (GDPR Art. 12-22): list, decide, extend, lift, resume.",
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
        "--region", default=os.environ.get("AWS_REGION", "eu-west-3"), help="region for SigV4 signing"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    listing = commands.add_parser("list", help="requests by due date, optionally by status")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument(
        "--due-within-days", type=int, help="only those due within N days (overdue included)"
    )
    commands.add_parser("deadlines", help="open requests overdue or due within 7 days")
    show = commands.add_parser("show", help="one request with its history")
    show.add_argument("request_id")
    for name, help_text in (
        ("approve", "approve the manual step of a request"),
        ("deny", "deny it, with the reason"),
    ):
        decide = commands.add_parser(name, help=help_text)
        decide.add_argument("request_id")
        decide.add_argument(
            "--reason", required=True, help="told to the person (refusals also name the CNIL)"
        )
    extend = commands.add_parser(
        "extend", help="extend the due date by 1 or 2 months (before the first due date)"
    )
    extend.add_argument("request_id")
    extend.add_argument("--months", type=int, choices=(1, 2), required=True)
    extend.add_argument("--reason", required=True, help="emailed to the person")
    lift = commands.add_parser("lift-restriction", help="lift a restriction (the person is told first)")
    lift.add_argument("request_id")
    lift.add_argument("--reason", required=True)
    resume = commands.add_parser("resume", help="restart a request that needs an operator")
    resume.add_argument("request_id")
    post_mortem = commands.add_parser("execute-post-mortem", help="carry out a deceased person's directives")
    post_mortem.add_argument("--email", required=True, help="the deceased person's email")
    scan = commands.add_parser("privacy-scan", help="everything held about one email, by store and purpose")
    scan.add_argument("--email", required=True)
    return parser


def route(args: argparse.Namespace) -> tuple[str, str, Any]:
    command = args.command
    if command == "list":
        query = {
            k: v
            for k, v in (("status", args.status), ("due_within_days", args.due_within_days))
            if v is not None
        }
        return "GET", ADMIN + (f"?{urlencode(query)}" if query else ""), None
    if command == "deadlines":
        return "GET", f"{ADMIN}/deadlines", None
    if command == "show":
        return "GET", f"{ADMIN}/{args.request_id}", None
    if command in ("approve", "deny"):
        return "POST", f"{ADMIN}/{args.request_id}/decision", {"decision": command, "reason": args.reason}
    if command == "extend":
        return "POST", f"{ADMIN}/{args.request_id}/extension", {"months": args.months, "reason": args.reason}
    if command == "lift-restriction":
        return "POST", f"{ADMIN}/{args.request_id}/lift-restriction", {"reason": args.reason}
    if command == "resume":
        return "POST", f"{ADMIN}/{args.request_id}/resume", None
    if command == "privacy-scan":
        return "POST", "/v1/admin/privacy-scans", {"email": args.email}
    return "POST", f"{ADMIN}/post-mortem-executions", {"email": args.email}


def main(argv: Sequence[str] | None = None, transport: Transport | None = None) -> int:
    args = build_parser().parse_args(argv)
    if transport is None:
        local = urlsplit(args.api).hostname in ("127.0.0.1", "localhost")
        transport = http_transport(args.api, args.operator, sign=not local, region=args.region)
    method, path, body = route(args)
    status, answer = transport(method, path, body)
    print(json.dumps(answer, ensure_ascii=False, indent=2))
    if status >= 400:
        print(f"jaqe-ops: {method} {path.split('?')[0]} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
