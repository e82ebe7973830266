"""`make dev` for professionals, over HTTP: seeded logins, registration -> invitation -> login ->
presigned upload against the local S3 -> approval, and the local authorizers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from jaqe_dev.seed_professionals import SEED_PASSWORD
from tests.e2e.conftest import Client, running_server

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture(scope="module")
def client(cdk_out: Path) -> Iterator[Client]:
    with running_server() as (client, printed):
        assert any("/_local/login" in line and SEED_PASSWORD in line for line in printed), printed
        yield client


def token(client: Client, email: str, password: str, new_password: str | None = None) -> dict[str, str]:
    body = {"email": email, "password": password} | ({"new_password": new_password} if new_password else {})
    status, answer = client.call("POST", "/_local/login", body)
    assert status == 200, answer
    return {"Authorization": answer["id_token"]}


def test_seeded_professionals_one_per_trade_in_herault_are_listed(client):
    for trade in ("plomberie", "electricite", "climatisation"):
        auth = token(client, f"pro.{trade}@example.fr", SEED_PASSWORD)
        status, me = client.call("GET", "/v1/pro/me", headers=auth)
        assert status == 200
        assert me["trades"] == [trade] and me["service_areas"] == ["34"]
        assert me["status"] == "approved" and me["listed"] is True


def test_a_professional_registers_logs_in_uploads_and_is_approved_over_http(client):
    registration = {
        "company_name": "Toit Sûr",
        "siret": "44306184100047",
        "contact": {
            "first_name": "Léa",
            "last_name": "Couvreur",
            "email": "lea.e2e@example.fr",
            "phone": "0611223344",
        },
        "trades": ["toiture"],
        "service_areas": ["34", "2A"],
        "certifications": ["Qualibat"],
        "terms_version": "2023-09",
    }
    status, answer = client.call(
        "POST", "/v1/professionals", registration, headers={"Idempotency-Key": "e2e-1"}
    )
    assert status == 201 and answer["status"] == "pending_review"
    pro_id = answer["professional_id"]

    _, outbox = client.call("GET", "/_local/outbox")
    [invitation] = [e for e in outbox if e["to"] == ["lea.e2e@example.fr"]]
    password = re.search(r"Mot de passe temporaire : (\S+)", invitation["text"]).group(1)  # type: ignore[union-attr]
    status, challenge = client.call(
        "POST", "/_local/login", {"email": "lea.e2e@example.fr", "password": password}
    )
    assert challenge["challenge"] == "NEW_PASSWORD_REQUIRED"
    auth = token(client, "lea.e2e@example.fr", password, "Tuiles-Rouges-2026!")

    status, upload = client.call(
        "POST",
        "/v1/pro/me/documents",
        {
            "kind": "insurance",
            "content_type": "application/pdf",
            "size": len(PDF),
            "expires_on": "2099-12-31",
        },
        headers=auth,
    )
    assert status == 201
    posted = requests.post(
        upload["upload"]["url"], data=upload["upload"]["fields"], files={"file": ("a.pdf", PDF)}, timeout=30
    )
    assert posted.status_code in (200, 201, 204)
    _, documents = client.call("GET", "/v1/pro/me/documents", headers=auth)
    assert documents["items"][0]["status"] == "accepted"

    assert client.call("POST", f"/v1/admin/professionals/{pro_id}/approve")[0] == 403
    status, approved = client.call(
        "POST", f"/v1/admin/professionals/{pro_id}/approve", headers={"X-Local-Operator": "alice"}
    )
    assert status == 200 and approved["listed"] is True
    status, leads = client.call("GET", "/v1/pro/me/leads", headers=auth)
    assert status == 200 and leads == {"items": [], "next_cursor": None}


def test_the_app_api_needs_a_token(client):
    assert client.call("GET", "/v1/pro/me")[0] == 401
    assert client.call("GET", "/v1/pro/me", headers={"Authorization": "Bearer abc.def.ghi"})[0] == 401
    assert (
        client.call("POST", "/_local/login", {"email": "pro.plomberie@example.fr", "password": "wrong"})[0]
        == 401
    )
