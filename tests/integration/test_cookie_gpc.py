"""Global Privacy Control at the API (issue 21): `Sec-GPC: 1` refuses advertising unless the visitor
ticked it in "Personnaliser"; the stored choice says the source, and the answer says what was applied."""

from __future__ import annotations

import uuid

import pytest

ACCEPT_ALL = {"analytics": True, "advertising": True}


def post(local, choices: dict, gpc: bool, source: str | None = None) -> tuple[dict, dict]:
    visitor = str(uuid.uuid4())
    body = {"visitor_id": visitor, "choices": choices, "policy_version": "2023-09"}
    if source:
        body["source"] = source
    answer = local.api.request(
        "POST", "/v1/cookie-consents", json_body=body, headers={"Sec-GPC": "1"} if gpc else None
    )
    assert answer.status == 201, answer.body
    return answer.json(), local.api.request("GET", f"/v1/cookie-consents/{visitor}").json()


@pytest.mark.parametrize("source", [None, "banner", "gpc"])
def test_c6_02_gpc_refuses_advertising_accepted_outside_customise(local, source):
    answer, stored = post(local, ACCEPT_ALL, gpc=True, source=source)

    assert answer["gpc_applied"] is True and answer["source"] == "gpc"
    assert stored["choices"] == {"analytics": True, "advertising": False} and stored["source"] == "gpc"


def test_c6_02_advertising_ticked_in_customise_is_kept_despite_gpc(local):
    answer, stored = post(local, ACCEPT_ALL, gpc=True, source="customise")

    assert answer["gpc_applied"] is False
    assert stored["choices"] == ACCEPT_ALL and stored["source"] == "customise"


def test_without_gpc_the_choice_is_stored_as_made(local):
    answer, stored = post(local, ACCEPT_ALL, gpc=False)

    assert answer["gpc_applied"] is False and stored["choices"] == ACCEPT_ALL and stored["source"] == "banner"


def test_an_unknown_source_is_refused_and_nothing_is_stored(local):
    visitor = str(uuid.uuid4())
    body = {"visitor_id": visitor, "choices": ACCEPT_ALL, "policy_version": "2023-09", "source": "pixel"}

    answer = local.api.request("POST", "/v1/cookie-consents", json_body=body)

    assert answer.status == 422 and answer.headers["Content-Type"] == "application/problem+json"
    assert local.api.request("GET", f"/v1/cookie-consents/{visitor}").status == 404
