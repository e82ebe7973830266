"""`make dev`: the API on http://127.0.0.1:3000 against an in-process moto server.

Resources come from the synthesised template (run `make synth` first; `make dev` does).
Local-only endpoints under `/_local/`: `GET /_local/outbox` (emails sent so far),
`GET|POST /_local/clock` (time travel: `{"advance_days": N}`), `GET /_local/progress` (what
workflows, streams and queues have done so far: tests wait on it), `GET /_local/aws` (the local
AWS endpoint: point boto3 or the AWS CLI at it to look into every table, bucket and queue), `POST
/_local/jobs/<name>` (run a scheduled function now, its JSON body as the event: `reconciliation`,
`insurance_watch`, `rights_deadlines`, `similar_services` `{"trade": "plomberie"}`). The site kit (`web/`) is served
at `/`: `GET /`, `/<name>.html`, `/<name>.css`, `/<name>.js`.

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
import urllib.request
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jaqe_dev.provision import REGION

DEFAULT_PORT = 3000
WEB = Path(__file__).resolve().parent.parent / "web"
# The scheduled functions `POST /_local/jobs/<name>` runs (its JSON body is the event).
LOCAL_JOBS = ("reconciliation", "insurance_watch", "rights_deadlines", "similar_services", "dpo_report")
STATIC_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}
# What the site would send in production: no inline script or style; third-party tags over HTTPS.
SITE_CSP = (
    "default-src 'self'; script-src 'self' https:; connect-src 'self' https:; img-src 'self' https: data:; "
    "style-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
API_GATEWAY_MAX_REQUEST = 10 * 1024 * 1024
LAMBDA_MAX_RESPONSE = 6 * 1024 * 1024
PROBLEM_HEADERS = {"Content-Type": "application/problem+json"}


def problem_body(status: int, slug: str, title: str, detail: str) -> str:
    document = {
        "type": f"https://jaqe.fr/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    return json.dumps(document, ensure_ascii=False)


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

    def log_message(self, format: str, *args: Any) -> None:
        # Method, path without query string (tokens live there) and status only.
        sys.stderr.write(f"{self.command} {urlsplit(self.path).path} -> {args[1] if len(args) > 1 else ''}\n")

    def _send(self, status: int, body: str, headers: dict[str, str]) -> None:
        data = body.encode()
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() != "content-length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
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

    def _local(self, path: str, body: str | None, raw: bytes = b"") -> bool:
        from jaqe.platform import clock

        if path == "/_local/outbox" and self.command == "GET":
            self._json(200, self.stack.outbox())
        elif path == "/_local/aws" and self.command == "GET":
            self._json(200, aws_endpoint())
        elif path == "/_local/inbound-email" and self.command == "POST":
            # A raw MIME message (Content-Type: message/rfc822), through the same path as SES receipt:
            # the bytes unchanged, as SES stores them (legacy charsets, 8-bit, binary attachments).
            self._json(200, self.stack.receive_email(raw))
        elif path == "/_local/openapi.json" and self.command == "GET":
            from jaqe_dev.openapi import combined_openapi

            self._json(200, combined_openapi(self.stack.lambdas))
        elif path == "/_local/progress" and self.command == "GET":
            # What the system did by itself so far; `?wait=S` first waits (at most 2 s) for the next
            # invocation to complete, so that clients wait on events instead of sleeping.
            wait = parse_qs(urlsplit(self.path).query).get("wait", ["0"])[0]
            try:
                seconds = min(max(float(wait), 0.0), 2.0)
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
                self._json(422, {"title": "advance_days (a number) is required"})
                return True
            now = clock.travel(timedelta(days=days))
            self._json(200, {"now": now.isoformat(), "offset_days": clock.offset().days})
        elif path.startswith("/_local/jobs/") and self.command == "POST":
            # What a schedule (or an operator) starts in AWS, run now: after moving the clock, say.
            job = path.removeprefix("/_local/jobs/")
            if job not in LOCAL_JOBS:
                self._json(404, {"title": f"unknown job; one of {', '.join(LOCAL_JOBS)}"})
                return True
            try:
                event = json.loads(body or "{}")
            except ValueError:
                self._json(422, {"title": "the body is the job's event, as JSON"})
                return True
            self._json(200, self.stack.lambdas.invoke_by_name(job, event))
        elif path == "/_local/login" and self.command == "POST":
            from jaqe_dev.cognito import login_request

            self._json(*login_request(self.stack.provisioned, body))
        else:
            return False
        return True

    def _static(self, path: str) -> bool:
        """A file of the site kit (top level of `web/` only), else False to fall through to the API."""
        name = path.removeprefix("/") or "index.html"
        file = WEB / name
        if self.command != "GET" or "/" in name or file.suffix not in STATIC_TYPES or not file.is_file():
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
        try:
            response = self.stack.api.request(self.command, self.path, body=body, headers=headers)
        except Exception as error:  # the function's own log has the details
            sys.stderr.write(f"{self.command} {path}: function error {type(error).__name__}\n")
            self._send(503, GATEWAY_5XX, PROBLEM_HEADERS)
            return
        if len(response.body.encode()) > LAMBDA_MAX_RESPONSE:
            sys.stderr.write(f"{self.command} {path}: answer over Lambda's 6 MB limit\n")
            self._send(503, GATEWAY_5XX, PROBLEM_HEADERS)
            return
        self._send(response.status, response.body, response.headers)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the JAQE API locally against moto.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)))
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
    moto = start_moto()
    try:
        from jaqe_dev.seed import seed
        from jaqe_dev.seed_professionals import login_help
        from jaqe_dev.stack import LocalStack

        base = f"http://127.0.0.1:{args.port}"
        from jaqe_dev.lambdas import LOCAL_ENVIRONMENT

        LOCAL_ENVIRONMENT["PUBLIC_API_URL"] = base  # links in emails (verification, exports) point here
        LocalHandler.stack = LocalStack()
        seed(LocalHandler.stack)
        print(login_help(base))
        print(f"JAQE local site and API on {base}  (emails sent: {base}/_local/outbox)")
        endpoint = aws_endpoint()["endpoint_url"]
        print(
            f"Local AWS services at {endpoint} (region {REGION}, any credentials): "
            f"aws --endpoint-url {endpoint} dynamodb scan --table-name jaqe-data"
        )
        print("Stop with Ctrl-C.", flush=True)
        http.serve_forever()
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        http.server_close()
        if LocalHandler.stack is not None:
            LocalHandler.stack.close()
        moto.stop()


if __name__ == "__main__":
    main()
