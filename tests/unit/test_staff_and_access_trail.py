"""The staff map and the access-trail hook, without AWS: who may call what, which calls are trailed,
and a read of personal data refused without a reason."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from jaqe.platform.api import create_app, trail_subject
from jaqe.platform.settings import get_settings
from jaqe.platform.staff import ROUTES, Access, AccessEvent, StaffRole, may_call, parse_operator, routes_of
from jaqe.privacy.access_trail import months_between


def test_a_bare_operator_name_is_the_dpo_and_a_role_is_read_after_the_colon():
    assert parse_operator("alice") == ("alice", StaffRole.DPO)
    assert parse_operator("alice:support") == ("alice", StaffRole.SUPPORT)
    assert parse_operator(" bob : OPS ") == ("bob", StaffRole.OPS)
    assert parse_operator("eve:admin") == ("eve", None)


def test_the_dpo_may_call_every_route_support_answers_requests_and_ops_sees_no_personal_data():
    assert routes_of(StaffRole.DPO) == list(ROUTES)
    assert may_call(StaffRole.SUPPORT, "POST", "/v1/admin/rights-requests/{request_id}/qualify")
    assert may_call(StaffRole.SUPPORT, "GET", "/v1/admin/professionals/{id}/documents/{document_id}")
    assert not may_call(StaffRole.SUPPORT, "POST", "/v1/admin/privacy-scans")
    assert not may_call(StaffRole.SUPPORT, "POST", "/v1/admin/rights-requests/{request_id}/extension")
    assert [(r.method, r.path) for r in routes_of(StaffRole.OPS)] == [("GET", "/v1/admin/retention-report")]
    assert all(r.access is Access.LISTING for r in routes_of(StaffRole.OPS))
    assert not may_call(StaffRole.DPO, "GET", "/v1/admin/nothing")


def test_the_reads_the_issue_names_need_a_reason():
    needing = {(r.method, r.path) for r in ROUTES if r.needs_reason}
    assert needing == {
        ("GET", "/v1/admin/rights-requests/{request_id}"),
        ("POST", "/v1/admin/privacy-scans"),
        ("POST", "/v1/admin/commercial-partners/exports"),
        ("GET", "/v1/admin/commercial-partners/exports/{export_id}"),  # the file's link
        ("GET", "/v1/admin/professionals/{id}/documents/{document_id}"),
        ("POST", "/v1/admin/access-trail/search"),
    }


def test_months_between_two_days_cross_the_year():
    assert list(months_between(date(2026, 11, 30), date(2027, 2, 1))) == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
    ]


class Recorder:
    def __init__(self) -> None:
        self.entries: list[AccessEvent] = []

    def record(self, entry: AccessEvent) -> str:
        self.entries.append(entry)
        return "acc_1"


@pytest.fixture
def app_and_trail(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PARTNER_ORIGINS", "")
    get_settings.cache_clear()
    trail = Recorder()
    app = create_app(access_trail=trail)

    @app.get("/v1/admin/rights-requests/<request_id>")
    def show(request_id: str) -> dict[str, Any]:
        trail_subject(app, "key-of-the-person")
        return {"request_id": request_id}

    @app.get("/v1/admin/rights-requests")
    def listing() -> dict[str, Any]:
        return {"requests": []}

    yield app, trail
    get_settings.cache_clear()


def event(method: str, resource: str, path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    params = {"request_id": path.rsplit("/", 1)[-1]} if "{" in resource else None
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {},
        "queryStringParameters": query,
        "pathParameters": params,
        "requestContext": {"identity": {"userArn": "arn:aws:sts::1:assumed-role/jaqe-support/alice"}},
        "body": None,
    }


def test_a_read_of_personal_data_without_a_reason_is_refused_and_nothing_recorded(app_and_trail):
    app, trail = app_and_trail
    answer = app.resolve(
        event("GET", "/v1/admin/rights-requests/{request_id}", "/v1/admin/rights-requests/rr_1"), None
    )
    assert answer["statusCode"] == 422
    body = json.loads(answer["body"])
    assert body["errors"] == [{"field": "reason", "message": "motif obligatoire"}]
    assert "rr_1" not in answer["body"]
    assert trail.entries == []


def test_a_read_with_a_reason_is_recorded_with_who_what_whom_and_why_and_a_listing_is_not(app_and_trail):
    app, trail = app_and_trail
    read = event(
        "GET", "/v1/admin/rights-requests/{request_id}", "/v1/admin/rights-requests/rr_1", {"reason": "appel"}
    )
    assert app.resolve(read, None)["statusCode"] == 200
    assert (
        app.resolve(event("GET", "/v1/admin/rights-requests", "/v1/admin/rights-requests"), None)[
            "statusCode"
        ]
        == 200
    )
    assert trail.entries == [
        AccessEvent(
            operator_arn="arn:aws:sts::1:assumed-role/jaqe-support/alice",
            method="GET",
            route="/v1/admin/rights-requests/{request_id}",
            ids={"request_id": "rr_1"},
            status=200,
            subject_key="key-of-the-person",
            reason="appel",
        )
    ]
    assert trail.entries[0].operator == "alice"
