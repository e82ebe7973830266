"""C2-04: the API's access log line for real requests, as API Gateway writes it from the deployed
format: the activity (route, method, status), never the query string (link tokens), the body, the
caller's IP or identity, or the ids a path carries.

API Gateway fills the format's `$context` variables from the request context it also hands to the
function; the local gateway builds that context for each request, so the line is rendered here from
the template's format and the context of the very request the function received. (How long the lines
are kept is CloudWatch's retention, which only AWS applies: tests/infra checks it in the template.)"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from jaqe_dev.stack import LocalStack

CONTEXT_VARIABLE = re.compile(r"\$context\.([A-Za-z.]+)")
TOKEN = "jeton-secret-0123456789abcdef"
VISITOR = "3f0c8a56-5f2e-4c8e-9a57-0d2f4b1e9c11"
CONTACT = {
    "name": "Ondine Verlacrouze",
    "email": "ondine.verlacrouze@example.org",
    "subject": "Journaux",
    "message": "Un texte libre qui ne regarde que JAQE.",
}


def access_log_format(template: dict[str, Any]) -> str:
    [stage] = [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::Stage"]
    return str(stage["Properties"]["AccessLogSetting"]["Format"])


def render(log_format: str, event: dict[str, Any], status: int) -> str:
    """What API Gateway writes for this request: each `$context` variable from the request context,
    or from the answer for those only the gateway knows."""
    answered = {
        "status": status,
        "integrationStatus": status,
        "responseLatency": 12,
        "error.responseType": "",
    }

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in answered:
            return str(answered[name])
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        context = {**event["requestContext"]}
        # API Gateway also puts the caller's user agent in the identity.
        context["identity"] = {**context.get("identity", {}), "userAgent": headers.get("user-agent")}
        node: Any = context
        for part in name.split("."):
            node = (node or {}).get(part)
        return "" if node is None else str(node)

    return CONTEXT_VARIABLE.sub(value, log_format)


@pytest.fixture
def requests_seen(local: LocalStack, monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict[str, Any], int]]:
    """Each (event, status) the local gateway handed to a function and got back."""
    seen: list[tuple[dict[str, Any], int]] = []
    invoke = local.lambdas.invoke

    def recording(logical_id: str, event: Any, **kwargs: Any) -> Any:
        result = invoke(logical_id, event, **kwargs)
        if isinstance(event, dict) and "requestContext" in event:
            seen.append((event, int(result["statusCode"])))
        return result

    monkeypatch.setattr(local.lambdas, "invoke", recording)
    return seen


def test_c2_04_access_log_lines_of_real_requests_hold_activity_only(local, template, requests_seen):
    browser = {"Accept": "text/html", "User-Agent": "Mozilla/5.0 (Ondine)", "X-Forwarded-For": "203.0.113.9"}
    local.api.request("GET", f"/v1/newsletter/confirm?token={TOKEN}", headers=browser)
    local.api.request("POST", "/v1/contact-messages", json_body=CONTACT, headers=browser)
    local.api.request("GET", f"/v1/cookie-consents/{VISITOR}", headers=browser)
    local.api.request("GET", "/v1/admin/retention-report", headers={"X-Local-Operator": "alice"})
    assert len(requests_seen) == 4

    lines = [json.loads(render(access_log_format(template), e, s)) for e, s in requests_seen]

    assert [(line["method"], line["resource"], line["status"]) for line in lines] == [
        ("GET", "/v1/newsletter/confirm", "410"),
        ("POST", "/v1/contact-messages", "202"),
        ("GET", "/v1/cookie-consents/{visitor_id}", "404"),
        ("GET", "/v1/admin/retention-report", "200"),
    ]
    text = json.dumps(lines, ensure_ascii=False)
    sent = [TOKEN, VISITOR, "127.0.0.1", "203.0.113.9", "Mozilla", "alice", *CONTACT.values()]
    assert [value for value in sent if value in text] == []
