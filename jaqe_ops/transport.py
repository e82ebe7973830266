"""Talking to the API: local (`X-Local-Operator`) or deployed (SigV4 with an EU region), and the
errors an operator sees (one line, exit 2) or the API's refusals (its problem document, exit 1).

boto3/botocore and the domain (`jaqe.platform.regions`) are imported only when a deployed stack is used:
the CLI starts fast against `make dev`.
"""

from __future__ import annotations

import getpass
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LOCAL_API = "http://127.0.0.1:3000"
DEFAULT_REGION = "eu-west-3"
# Where `make dev` writes the URL it serves (one line) while it runs.
DEV_API_HINT = "$XDG_STATE_HOME/jaqe/dev-api, by default ~/.local/state/jaqe/dev-api"

# A transport takes (method, path, body) and returns (status, parsed JSON body).
Transport = Callable[[str, str, Any], tuple[int, Any]]


class CliError(Exception):
    """A one-line error for the operator (exit code 2, no traceback)."""


class ApiError(Exception):
    """The API refused the request (4xx/5xx other than unknown ids and authorisation): exit code 1."""

    def __init__(self, method: str, path: str, status: int, answer: Any) -> None:
        super().__init__(f"{method} {path.split('?')[0]} answered {status}")
        self.answer = answer


def dev_api_file() -> Path:
    """The XDG state directory's `jaqe/dev-api` (a relative $XDG_STATE_HOME is ignored, as the spec says)."""
    state = os.environ.get("XDG_STATE_HOME", "")
    return (Path(state) if os.path.isabs(state) else Path.home() / ".local" / "state") / "jaqe" / "dev-api"


def resolve_api(given: str | None) -> tuple[str, str]:
    """The API's URL and where it came from: --api, $JAQE_API, the running `make dev`, the default."""
    if given:
        return given, "--api"
    if os.environ.get("JAQE_API"):
        return os.environ["JAQE_API"], "$JAQE_API"
    path = dev_api_file()
    try:
        written = path.read_text(encoding="utf-8").strip()
    except OSError:
        written = ""
    if written:
        return written, f"read from {path}, which `make dev` writes: is it still running?"
    return LOCAL_API, "the default: start `make dev`, or give --api"


def http_transport(
    api: str, operator: str, sign: bool, region: str, session: Any = None, origin: str = "--api"
) -> Transport:
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
            raise CliError(f"cannot reach the API at {api} ({reason}; {origin})") from None

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
    """Operators' calls stay in the EU, as the data does (jaqe.platform.regions, policy section 5)."""
    from jaqe.platform.regions import NonEuRegionError, require_eu_region

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


def transport_for(
    api: str | None, operator: str | None, profile: str | None, region: str | None
) -> Transport:
    """Local stack (no credentials) or a deployed one (profile, EU region, SigV4)."""
    api, origin = resolve_api(api)
    local = urlsplit(api).hostname in ("127.0.0.1", "localhost")
    if region:
        check_region(region)
    if local:
        if profile:
            raise CliError(
                f"--profile is for a deployed stack, but --api is the local stack ({api}): "
                "give --api https://... (or JAQE_API) too"
            )
        operator = operator or os.environ.get("JAQE_OPERATOR") or getpass.getuser()
        return http_transport(api, operator, False, region or DEFAULT_REGION, origin=origin)
    session = aws_session(profile)
    region = check_region(
        region
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or session.region_name
        or DEFAULT_REGION
    )
    return http_transport(api, "", True, region, session, origin)


class Api:
    """The API as commands see it: the transport is built on the first call (never for offline
    commands), unknown ids (404) and refused credentials become one-line errors."""

    def __init__(self, make_transport: Callable[[], Transport]) -> None:
        self._make_transport = make_transport
        self._transport: Transport | None = None

    def call(self, method: str, path: str, body: Any = None, *, missing: str | None = None) -> Any:
        if self._transport is None:
            self._transport = self._make_transport()
        status, answer = self._transport(method, path, body)
        if status == 404 and missing:
            raise CliError(f"{missing} (the API answered 404)")
        if status in (401, 403):
            detail = answer.get("detail") or answer.get("message") if isinstance(answer, dict) else answer
            raise CliError(f"the API refused this operator ({status}): {detail}")
        if status >= 400:
            raise ApiError(method, path, status, answer)
        return answer
