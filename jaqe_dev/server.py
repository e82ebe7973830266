"""`make dev`: the API on http://127.0.0.1:3000 against an in-process moto server.

Resources come from the synthesised template (run `make synth` first; `make dev` does); all state
is in memory. Local-only endpoints under `/_local/` (README, "Local development"): `GET
/_local/outbox` (emails sent so far; `?to=` one recipient, `?seed=1` with the seed's own),
`GET|POST /_local/clock` (time travel: `{"advance_days": N}`; with `--run-due-jobs`, as `make dev`
runs it, each scheduled job whose time was passed runs once), `POST /_local/run/<function>` (a
scheduled function now; `/_local/jobs/<name>` too), `GET /_local/docs` (Swagger UI) and
`/_local/openapi.json`, `POST /_local/login`, `POST /_local/inbound-email`, `GET /_local/progress`
(what workflows, streams and queues have done so far: tests wait on it), `GET /_local/aws` (the local
AWS endpoint). The site kit (`web/`) is served at `/`: `GET /`, `/<name>.html`, `/<name>.css`,
`/<name>.js`. OPTIONS is the stage's CORS preflight (jaqe_dev/cors.py), HEAD a GET without body.

Hostile requests are answered as API Gateway and Lambda would, never by a dropped connection: a
body over API Gateway's 10 MB gets 413 (the body is read and dropped); a function that fails, or
whose answer is over Lambda's 6 MB, gets the stage's 5xx gateway response (503 problem document).
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import os
import signal
import socket
import sys
import threading
import urllib.request
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from jaqe_dev.cors import Preflight, preflight_answer, read_preflights
from jaqe_dev.outbox import sent_count, sent_emails
from jaqe_dev.problems import PROBLEM_HEADERS, problem_body
from jaqe_dev.provision import REGION
from jaqe_dev.schedules import ScheduledJob, due_jobs
from jaqe_dev.state import remove_state_file, state_file, write_state_file

DEFAULT_PORT = 3000
WEB = Path(__file__).resolve().parent.parent / "web"
OPENAPI_LOCK = threading.Lock()
OPENAPI_DOCUMENT: dict[str, Any] = {}
# Run by an operator in AWS, not by a schedule: `POST /_local/run/<name>` runs them too (body: the event).
OPERATOR_JOBS = ("similar_services",)
STATIC_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}
# What the site would send in production: no inline script or style; third-party tags over HTTPS.
SITE_CSP = (
    "default-src 'self'; script-src 'self' https:; connect-src 'self' https:; img-src 'self' https: data:; "
    "style-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
API_GATEWAY_MAX_REQUEST = 10 * 1024 * 1024
LAMBDA_MAX_RESPONSE = 6 * 1024 * 1024


# infra/constructs/api.py: the stage answers its own 5xx (a failed function) with this document.
GATEWAY_5XX = problem_body(
    503, "temporarily-unavailable", "Service momentanément indisponible", "Internal server error"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_moto() -> Any:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per moto call drowns the API's own log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            # moto's Step Functions interpreter calls Lambda through this port in server mode.
            "MOTO_PORT": str(port),
        }
    )
    request = urllib.request.Request(  # noqa: S310 - loopback moto server
        f"{endpoint}/moto-api/config",
        data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
        method="POST",
    )
    urllib.request.urlopen(request).read()  # noqa: S310
    return server


def aws_endpoint() -> dict[str, str]:
    """Where the local AWS services answer (moto server), for boto3 / `aws --endpoint-url`."""
    return {"endpoint_url": os.environ["AWS_ENDPOINT_URL"], "region": REGION}


class LocalHandler(BaseHTTPRequestHandler):
    stack: Any = None
    server_version = "jaqe-local"
    base = f"http://127.0.0.1:{DEFAULT_PORT}"
    seed_mail = 0  # emails the seed sent: /_local/outbox hides them unless ?seed=1
    jobs: ClassVar[list[ScheduledJob]] = []
    preflights: ClassVar[list[Preflight]] = []
    run_due_jobs = False  # `make dev`: moving the clock runs the scheduled jobs it passed

    def log_message(self, format: str, *args: Any) -> None:
        # Method, path without query string (tokens live there) and status only.
        sys.stderr.write(f"{self.command} {urlsplit(self.path).path} -> {args[1] if len(args) > 1 else ''}\n")

    def _send(self, status: int, body: str, headers: dict[str, str]) -> None:
        self._send_bytes(status, body.encode(), headers)

    def _send_bytes(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        """The answer; to HEAD, its status and headers (Content-Length included) without the body."""
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() != "content-length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _json(self, status: int, value: Any) -> None:
        self._send(
            status, json.dumps(value, ensure_ascii=False, indent=2), {"Content-Type": "application/json"}
        )

    def _raw_body(self) -> bytes | None:
        """The body, or None once a 4xx has been answered for it (bad length, over 10 MB)."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True  # where the next request starts is unknown
            self._send(
                400,
                problem_body(400, "bad-request", "Requête invalide", "Content-Length invalide."),
                PROBLEM_HEADERS,
            )
            return None
        if length > API_GATEWAY_MAX_REQUEST:
            while length > 0:  # read it through, so that the client gets the answer, not a reset
                chunk = self.rfile.read(min(length, 1 << 16))
                if not chunk:
                    break
                length -= len(chunk)
            detail = f"Le corps de la requête dépasse {API_GATEWAY_MAX_REQUEST // (1024 * 1024)} Mo."
            self._send(
                413,
                problem_body(413, "payload-too-large", "Requête trop volumineuse", detail),
                PROBLEM_HEADERS,
            )
            return None
        return self.rfile.read(length) if length else b""

    def _problem(self, status: int, slug: str, title: str, detail: str) -> None:
        self._send(status, problem_body(status, slug, title, detail), PROBLEM_HEADERS)

    def _query(self, name: str) -> str | None:
        return parse_qs(urlsplit(self.path).query).get(name, [None])[0]

    def _local(self, path: str, body: str | None, raw: bytes = b"") -> bool:
        from jaqe.platform import clock

        if path == "/_local/outbox" and self.command == "GET":
            # The seed's own mail (invitations of the seeded professionals...) only with ?seed=1.
            after = 0 if self._query("seed") in ("1", "true") else self.seed_mail
            self._json(200, sent_emails(after=after, to=self._query("to")))
        elif path == "/_local/aws" and self.command == "GET":
            self._json(200, aws_endpoint())
        elif path == "/_local/inbound-email" and self.command == "POST":
            # A raw MIME message (Content-Type: message/rfc822), through the same path as SES receipt:
            # the bytes unchanged, as SES stores them (legacy charsets, 8-bit, binary attachments).
            self._json(200, self.stack.receive_email(raw))
        elif path == "/_local/openapi.json" and self.command == "GET":
            self._json(200, self._openapi())
        elif path == "/_local/docs" or path.startswith("/_local/docs/"):
            self._docs(path)
        elif path == "/_local/progress" and self.command == "GET":
            # What the system did by itself so far; `?wait=S` first waits (at most 2 s) for the next
            # invocation to complete, so that clients wait on events instead of sleeping.
            try:
                seconds = min(max(float(self._query("wait") or 0), 0.0), 2.0)
            except ValueError:
                seconds = 0.0
            if seconds:
                self.stack.lambdas.wait_for_activity(seconds)
            self._json(200, self.stack.progress())
        elif path == "/_local/clock" and self.command == "GET":
            self._json(200, {"now": clock.now().isoformat(), "offset_days": clock.offset().days})
        elif path == "/_local/clock" and self.command == "POST":
            try:
                days = float(json.loads(body or "{}")["advance_days"])
            except (ValueError, KeyError, TypeError):
                self._problem(
                    422, "validation-error", "Requête invalide", "advance_days (un nombre) est requis."
                )
                return True
            before = clock.now()
            now = clock.travel(timedelta(days=days))
            # `make dev` (--run-due-jobs): each scheduled job whose time was passed runs once.
            due = due_jobs(self.jobs, before, now) if self.run_due_jobs else []
            for job in due:
                sys.stderr.write(
                    f"clock moved past {job.name}'s schedule ({job.schedule.expression}): running it\n"
                )
                self.stack.lambdas.invoke(job.logical_id, job.event)
            self._json(
                200,
                {
                    "now": now.isoformat(),
                    "offset_days": clock.offset().days,
                    "jobs_run": [j.name for j in due],
                },
            )
        elif (path.startswith("/_local/run/") or path.startswith("/_local/jobs/")) and self.command == "POST":
            self._run(path.rsplit("/", 1)[1], body)
        elif path == "/_local/login" and self.command == "POST":
            from jaqe_dev.cognito import login_request

            status, answer = login_request(self.stack.provisioned, body)
            if status >= 400:
                self._send(status, json.dumps(answer, ensure_ascii=False), PROBLEM_HEADERS)
            else:
                self._json(status, answer)
        else:
            return False
        return True

    def _openapi(self) -> dict[str, Any]:
        """Built once: Powertools' schema generation is not safe to run from two threads at once
        (Swagger UI and a client asking together), and the routes do not change while serving."""
        from jaqe_dev.openapi import combined_openapi

        with OPENAPI_LOCK:
            if not OPENAPI_DOCUMENT:
                OPENAPI_DOCUMENT.update(combined_openapi(self.stack.lambdas, local_url=self.base))
            return OPENAPI_DOCUMENT

    def _run(self, name: str, body: str | None) -> None:
        """What a schedule (or an operator) starts in AWS, run now: after moving the clock, say.
        The body is the event; without one, a scheduled function gets its schedule's event."""
        scheduled = {job.name: job for job in self.jobs}
        runnable = sorted({*scheduled, *OPERATOR_JOBS})
        if name not in runnable:
            self._problem(404, "not-found", "Tâche inconnue", f"Tâches : {', '.join(runnable)}.")
            return
        try:
            event = json.loads(body) if body else (scheduled[name].event if name in scheduled else {})
        except ValueError:
            self._problem(
                422, "validation-error", "Requête invalide", "Le corps est l'événement de la tâche, en JSON."
            )
            return
        self._json(200, self.stack.lambdas.invoke_by_name(name, event))

    def _docs(self, path: str) -> None:
        """Swagger UI over /_local/openapi.json, served from the swagger-ui-py package (no CDN)."""
        from jaqe_dev.docs import docs_file

        found = docs_file(path.removeprefix("/_local/docs").strip("/") or "index.html")
        if found is None or self.command not in ("GET", "HEAD"):
            self._problem(
                404,
                "not-found",
                "Ressource introuvable",
                "Aucun fichier de la documentation à cette adresse.",
            )
            return
        content_type, data = found
        self._send_bytes(200, data, {"Content-Type": content_type, "Cache-Control": "no-cache"})

    def _static(self, path: str) -> bool:
        """A file of the site kit (top level of `web/` only), else False to fall through to the API."""
        name = path.removeprefix("/") or "index.html"
        file = WEB / name
        if (
            self.command not in ("GET", "HEAD")
            or "/" in name
            or file.suffix not in STATIC_TYPES
            or not file.is_file()
        ):
            return False
        headers = {"Content-Type": f"{STATIC_TYPES[file.suffix]}; charset=utf-8", "Cache-Control": "no-cache"}
        self._send(200, file.read_text(encoding="utf-8"), {**headers, "Content-Security-Policy": SITE_CSP})
        return True

    def _handle(self) -> None:
        raw = self._raw_body()
        if raw is None:
            return
        path = urlsplit(self.path).path
        if path == "/_local/inbound-email" and self._local(path, None, raw):
            return  # never decoded: mail need not be UTF-8
        # API Gateway hands a text body to the function as a string: bytes that are not UTF-8 become U+FFFD.
        body = raw.decode(errors="replace") if raw else None
        if path.startswith("/_local/") and self._local(path, body):
            return
        if self._static(path):
            return
        headers = {key: value for key, value in self.headers.items()}
        if self.command == "OPTIONS":
            self._preflight(path)
            return
        # API Gateway answers HEAD as GET, without the body (_send_bytes leaves it out).
        method = "GET" if self.command == "HEAD" else self.command
        try:
            response = self.stack.api.request(method, self.path, body=body, headers=headers)
        except Exception as error:  # the function's own log has the details
            sys.stderr.write(f"{self.command} {path}: function error {type(error).__name__}\n")
            self._send(503, GATEWAY_5XX, PROBLEM_HEADERS)
            return
        if len(response.body.encode()) > LAMBDA_MAX_RESPONSE:
            sys.stderr.write(f"{self.command} {path}: answer over Lambda's 6 MB limit\n")
            self._send(503, GATEWAY_5XX, PROBLEM_HEADERS)
            return
        self._send(response.status, response.body, response.headers)

    def _preflight(self, path: str) -> None:
        answer = preflight_answer(self.preflights, path, self.headers.get("Origin"))
        if answer is None:  # no resource: the stage's missing-token answer (a 404 problem document)
            self._problem(
                404, "not-found", "Ressource introuvable", "Aucune route ne correspond à cette adresse."
            )
            return
        status, headers = answer
        self._send(status, "", headers)

    do_GET = do_HEAD = do_OPTIONS = do_POST = do_PATCH = do_PUT = do_DELETE = _handle


def step(message: str) -> None:
    """One line of the start-up's progress (provisioning and seeding take a while on a first run)."""
    print(f"  ... {message}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the JAQE API locally against moto.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)))
    parser.add_argument(
        "--demo", action="store_true", help="seed a demo (leads, rights requests, an incident)"
    )
    parser.add_argument(
        "--run-due-jobs",
        action="store_true",
        help="moving the clock runs each scheduled job whose time it passed, once",
    )
    parser.add_argument(
        "--state-file",
        action="store_true",
        help=f"write the API URL to {state_file()} for jaqe-ops (removed on exit)",
    )
    args = parser.parse_args(argv)
    try:
        http = ThreadingHTTPServer(("127.0.0.1", args.port), LocalHandler)
    except OSError:
        sys.exit(
            f"Port {args.port} is already in use: stop the other process or run `make dev PORT=<free port>`."
        )

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Ctrl-C stops the server even when started in the background of a shell, which starts its
    # background jobs with SIGINT ignored (Python then installs no KeyboardInterrupt handler).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # `kill -USR1 <pid>` prints every thread's stack to stderr (a hung local server can be read).
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    base = f"http://127.0.0.1:{args.port}"
    print(
        "JAQE local stack: every table, bucket, queue, login and email lives in memory and is lost when "
        "the server stops (each start provisions and seeds afresh).",
        flush=True,
    )
    step("starting the local AWS services (moto)")
    moto = start_moto()
    written_state = None
    try:
        from jaqe_dev.lambdas import LOCAL_ENVIRONMENT
        from jaqe_dev.schedules import scheduled_jobs
        from jaqe_dev.seed import seed
        from jaqe_dev.seed_professionals import login_help
        from jaqe_dev.stack import LocalStack

        LOCAL_ENVIRONMENT["PUBLIC_API_URL"] = base  # links in emails (verification, exports) point here
        step("provisioning tables, buckets, queues, workflows and logins from cdk.out")
        LocalHandler.stack = LocalStack()
        LocalHandler.base = base
        LocalHandler.jobs = scheduled_jobs(LocalHandler.stack.stack)
        LocalHandler.preflights = read_preflights(LocalHandler.stack.stack)
        LocalHandler.run_due_jobs = args.run_due_jobs
        seed(LocalHandler.stack, demo=args.demo, progress=step)
        LocalHandler.seed_mail = sent_count()
        print(login_help(base))
        print(
            f"JAQE local site and API on {base}  (emails sent: {base}/_local/outbox, API docs: {base}/_local/docs)"
        )
        endpoint = aws_endpoint()["endpoint_url"]
        print(
            f"Local AWS services at {endpoint} (region {REGION}, any credentials): "
            f"aws --endpoint-url {endpoint} dynamodb scan --table-name jaqe-data"
        )
        if args.run_due_jobs:
            names = ", ".join(f"{job.name} {job.schedule.expression}" for job in LocalHandler.jobs)
            print(f"Moving the clock (POST /_local/clock) runs each scheduled job it passes, once: {names}")
        if args.state_file:
            written_state = write_state_file(base)
        print(f"Operators' CLI: export JAQE_API={base}")
        print("Stop with Ctrl-C.", flush=True)
        http.serve_forever()
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        http.server_close()
        if written_state is not None:
            remove_state_file(written_state, base)
        if LocalHandler.stack is not None:
            # Stopping the executions still waiting (a demo's verifications, reviews, an incident's
            # decision) makes moto's interpreter log each interrupted wait: expected here, not news.
            logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)
            LocalHandler.stack.close()
        moto.stop()


if __name__ == "__main__":
    main()
