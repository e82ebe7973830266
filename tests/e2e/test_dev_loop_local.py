"""The dev loop (issue 22): scheduled jobs run on demand and, in `make dev` only, when the clock
passes their time (once, coalesced); CORS preflight and HEAD as the stage answers them; the demo
seed; the outbox's filters; `/_local/login`'s problem documents; the state file jaqe-ops reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from jaqe_dev.schedules import Schedule, ScheduledJob, due_jobs
from jaqe_dev.state import remove_state_file, state_file, write_state_file
from tests.e2e.conftest import Client

OPERATOR = {"X-Local-Operator": "dev-loop"}
QUOTE = json.loads(
    json.loads((Path(__file__).parents[2] / "events/quote_requests/post_valid.json").read_text())["body"]
)
THREE_YEARS = 3 * 366


def held_item_types(client: Client, email: str) -> dict[str, int]:
    status, scan = client.call(
        "POST", "/v1/admin/privacy-scans", {"email": email, "reason": "Vérifier la purge"}, OPERATOR
    )
    assert status == 200, scan
    return dict(scan["by_item_type"])


def test_moving_the_clock_far_runs_each_passed_schedule_once():
    daily = ScheduledJob("reconciliation", "Reconciliation", Schedule("cron(15 3 * * ? *)"), {})
    hourly = ScheduledJob("breach_workflow", "Breach", Schedule("rate(1 hour)"), {"step": "check_deadlines"})
    start = datetime(2026, 12, 2, 11, 30, tzinfo=UTC)

    assert due_jobs([daily, hourly], start, start + timedelta(days=THREE_YEARS)) == [daily, hourly]
    assert due_jobs([daily, hourly], start, start + timedelta(minutes=31)) == [hourly]  # passed 12:00
    assert due_jobs([daily, hourly], start, start + timedelta(minutes=29)) == []
    assert due_jobs([daily], start, start + timedelta(hours=15, minutes=44)) == []
    assert due_jobs([daily], start, start + timedelta(hours=15, minutes=45)) == [daily]  # 03:15 next day
    assert due_jobs([daily, hourly], start, start - timedelta(days=10)) == []  # back in time: nothing
    monthly = ScheduledJob("dpo_report", "DpoReport", Schedule("cron(0 6 1 * ? *)"), {})
    assert due_jobs([monthly], start, datetime(2027, 1, 1, 5, 59, tzinfo=UTC)) == []
    assert due_jobs([monthly], start, datetime(2027, 1, 1, 6, 0, tzinfo=UTC)) == [monthly]  # the 1st, 06:00


def test_three_years_on_run_reconciliation_purges_the_lead(server):
    client, _ = server
    email = "trois.ans@example.org"
    status, answer = client.call(
        "POST", "/v1/quote-requests", {**QUOTE, "contact": {**QUOTE["contact"], "email": email}}
    )
    assert status == 201, answer
    assert held_item_types(client, email).get("lead") == 1
    status, moved = client.call("POST", "/_local/clock", {"advance_days": THREE_YEARS})
    try:
        # The test server is not make dev: moving its clock runs nothing unless asked.
        assert status == 200 and moved["jobs_run"] == []
        assert held_item_types(client, email).get("lead") == 1
        status, ran = client.call("POST", "/_local/run/reconciliation")
        assert status == 200, ran
        assert "lead" not in held_item_types(client, email)
    finally:
        client.call("POST", "/_local/clock", {"advance_days": -THREE_YEARS})
    assert client.call("POST", "/_local/run/no_such_job")[0] == 404


def test_preflight_and_head_as_the_stage_answers_them(server, template):
    client, _ = server
    allowed = next(
        value.strip("'")
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::ApiGateway::Method" and resource["Properties"]["HttpMethod"] == "OPTIONS"
        for name, value in resource["Properties"]["Integration"]["IntegrationResponses"][0][
            "ResponseParameters"
        ].items()
        if name.endswith("Access-Control-Allow-Origin")
    )

    def preflight(origin: str) -> Any:
        request = Request(  # noqa: S310 - loopback
            f"{client.base}/v1/quote-requests",
            method="OPTIONS",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
        with urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()

    status, headers, body = preflight(allowed)
    assert (status, body) == (204, b"")
    assert headers["Access-Control-Allow-Origin"] == allowed
    assert "Idempotency-Key" in headers["Access-Control-Allow-Headers"]
    assert "POST" in headers["Access-Control-Allow-Methods"]
    # Another site is never told it is allowed (the stage names the allowed origin, a browser refuses).
    assert (
        preflight("https://ailleurs.example")[1]["Access-Control-Allow-Origin"] != "https://ailleurs.example"
    )

    with urlopen(Request(f"{client.base}/v1/trades", method="HEAD"), timeout=30) as head:  # noqa: S310
        assert head.status == 200 and head.read() == b""
        length = int(head.headers["Content-Length"])
    with urlopen(f"{client.base}/v1/trades", timeout=30) as get:  # noqa: S310
        assert len(get.read()) == length > 0


def test_openapi_declares_who_may_call_each_route_and_where_idempotency_applies(server):
    client, _ = server
    status, document = client.call("GET", "/_local/openapi.json")
    assert status == 200
    assert document["servers"][0]["url"] == client.base
    assert {"sigv4", "cognito"} <= set(document["components"]["securitySchemes"])
    paths = document["paths"]
    quote = paths["/v1/quote-requests"]["post"]
    assert quote["security"] == [] and "401" not in quote["responses"]
    assert "Idempotency-Key" in [p["name"] for p in quote["parameters"] if p["in"] == "header"]
    assert paths["/v1/pro/me"]["get"]["security"] == [{"cognito": []}]
    assert "application/problem+json" in paths["/v1/pro/me"]["get"]["responses"]["401"]["content"]
    assert {"sigv4": []} in paths["/v1/admin/rights-requests"]["get"]["security"]
    assert "Idempotency-Key" not in json.dumps(paths["/v1/admin/rights-requests"]["get"])


def test_outbox_filters_by_recipient_and_hides_the_seed(server):
    client, _ = server
    sent = []
    for n in range(3):
        body = {
            "name": "Filtre",
            "email": f"filtre.{n % 2}@example.org",
            "subject": "Bonjour",
            "message": "Un test.",
        }
        status, answer = client.call("POST", "/v1/contact-messages", body)
        assert status == 202
        sent.append(answer["message_id"])
    _, mine = client.call("GET", "/_local/outbox?to=FILTRE.0@example.org")
    assert [e["to"] for e in mine] == [["filtre.0@example.org"]] * 2
    assert sent[0] in mine[0]["text"] and sent[2] in mine[1]["text"]  # in the order sent
    # The seeded professionals' invitations are the seed's: shown only when asked.
    seeded = "pro.plomberie@example.fr"
    _, everything = client.call("GET", "/_local/outbox")
    assert not [e for e in everything if seeded in e["to"] and "identifiants" in e["subject"]]
    _, with_seed = client.call("GET", f"/_local/outbox?seed=1&to={seeded}")
    assert [e for e in with_seed if "identifiants" in e["subject"]]
    assert all(e["to"] == [seeded] for e in with_seed)


def test_local_login_refusals_are_french_problem_documents(server):
    client, _ = server
    for body, status, title in (
        ({"email": "pro.plomberie@example.fr", "password": "faux"}, 401, "Connexion refusée"),
        ({}, 422, "Identifiants manquants"),
    ):
        request = Request(f"{client.base}/_local/login", data=json.dumps(body).encode(), method="POST")  # noqa: S310
        with pytest.raises(HTTPError) as refused:
            urlopen(request, timeout=30)  # noqa: S310 - loopback
        assert refused.value.code == status
        assert refused.value.headers["Content-Type"] == "application/problem+json"
        problem = json.loads(refused.value.read())
        assert (problem["status"], problem["title"]) == (status, title)


def test_demo_seed_gives_operators_overdue_and_due_soon_requests(local):
    from jaqe_dev.demo import seed_demo

    seeded = seed_demo(local)
    deadlines = local.api.request("GET", "/v1/admin/rights-requests/deadlines", headers=OPERATOR).json()
    overdue = {r["request_id"]: r["status"] for r in deadlines["overdue"]}
    due_soon = {r["request_id"] for r in deadlines["due_soon"]}
    ids = seeded["rights_requests"]
    assert overdue[ids["overdue"]] == "awaiting_verification"
    assert overdue[ids["awaiting_operator"]] == "awaiting_operator"
    assert ids["due_soon"] in due_soon
    listed = local.api.request("GET", "/v1/admin/rights-requests?status=completed", headers=OPERATOR).json()
    assert ids["completed"] in {r["request_id"] for r in listed["requests"]}
    incident = local.api.request("GET", f"/v1/admin/incidents/{seeded['incident']}", headers=OPERATOR).json()
    assert incident["status"] == "awaiting_decision" and incident["people_concerned"] == len(seeded["leads"])


def test_state_file_names_the_running_server_until_it_stops(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    path = write_state_file("http://127.0.0.1:3100")
    assert path == state_file() == tmp_path / "jaqe" / "dev-api"
    assert path.read_text() == "http://127.0.0.1:3100\n"
    write_state_file("http://127.0.0.1:3200")  # another make dev started since: it owns the file
    remove_state_file(path, "http://127.0.0.1:3100")
    assert path.read_text() == "http://127.0.0.1:3200\n"
    remove_state_file(path, "http://127.0.0.1:3200")
    assert not path.exists()
