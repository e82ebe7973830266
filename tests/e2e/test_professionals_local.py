"""`make dev` for professionals, over HTTP: seeded logins, registration (the same answer for a known
and an unknown address) -> invitation -> login -> presigned upload against the local S3 -> an
operator's review of the certificate -> approval, and the local authorizers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from jaqe_dev.seed_professionals import SEED_PASSWORD
from tests.e2e.conftest import Client, running_server
from tests.e2e.test_erasure_every_store_local import aws

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
RECEIVED = {"status": "received"}
OPERATOR = {"X-Local-Operator": "alice"}


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
    assert (status, answer) == (202, RECEIVED)

    _, outbox = client.call("GET", "/_local/outbox")
    [invitation] = [e for e in outbox if e["to"] == ["lea.e2e@example.fr"]]
    password = re.search(r"Mot de passe temporaire : (\S+)", invitation["text"]).group(1)  # type: ignore[union-attr]
    pro_id = re.search(r"Référence de votre dossier : (pro_\w+)", invitation["text"]).group(1)  # type: ignore[union-attr]
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
    assert documents["items"][0]["status"] == "pending_review"

    # Unlisted until an operator accepts the certificate, with the date read on it.
    assert client.call("POST", f"/v1/admin/professionals/{pro_id}/approve", headers=OPERATOR)[0] == 409
    status, queue = client.call("GET", "/v1/admin/professionals/documents", headers=OPERATOR)
    assert status == 200 and upload["document_id"] in [d["document_id"] for d in queue["documents"]]
    document_path = f"/v1/admin/professionals/{pro_id}/documents/{upload['document_id']}"
    status, shown = client.call("GET", f"{document_path}?reason=revue", headers=OPERATOR)
    assert status == 200 and requests.get(shown["download_url"], timeout=10).content == PDF
    decision = {"decision": "accept", "expires_on": "2030-06-30"}
    assert client.call("POST", f"{document_path}/decision", decision)[0] == 403
    status, accepted = client.call("POST", f"{document_path}/decision", decision, headers=OPERATOR)
    assert status == 200 and accepted["expires_on"] == "2030-06-30"

    # A second POST to the same presigned URL does not replace the accepted document.
    again = requests.post(
        upload["upload"]["url"],
        data=upload["upload"]["fields"],
        files={"file": ("a.pdf", b"%PDF-1.4\nsomething else\n")},
        timeout=30,
    )
    assert again.status_code in (200, 201, 204)
    status, shown = client.call("GET", f"{document_path}?reason=revue", headers=OPERATOR)
    assert requests.get(shown["download_url"], timeout=10).content == PDF
    # The current version (what the bucket keeps) is still the accepted one, and the only one.
    s3 = aws(client, "s3", "eu-west-3")
    bucket, key = upload["upload"]["url"].rstrip("/").rsplit("/", 1)[1], upload["upload"]["fields"]["key"]
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == PDF
    assert len(s3.list_object_versions(Bucket=bucket, Prefix=key)["Versions"]) == 1

    assert client.call("POST", f"/v1/admin/professionals/{pro_id}/approve")[0] == 403
    status, approved = client.call("POST", f"/v1/admin/professionals/{pro_id}/approve", headers=OPERATOR)
    assert status == 200 and approved["listed"] is True
    _, me = client.call("GET", "/v1/pro/me", headers=auth)
    assert me["insurance_valid_until"] == "2030-06-30"  # the operator's date, not the declared 2099-12-31
    status, leads = client.call("GET", "/v1/pro/me/leads", headers=auth)
    assert status == 200 and leads == {"items": [], "next_cursor": None}


def test_a_known_and_an_unknown_address_register_alike(client):
    registration = {
        "company_name": "Menuiserie Connue",
        "siret": "55210055400013",
        "contact": {
            "first_name": "Paul",
            "last_name": "Connu",
            "email": "pro.plomberie@example.fr",  # a seeded account
            "phone": "0611223355",
        },
        "trades": ["menuiserie"],
        "service_areas": ["34"],
        "terms_version": "2023-09",
    }
    unknown = {**registration, "contact": {**registration["contact"], "email": "nouveau.e2e@example.fr"}}

    known_answer = client.call("POST", "/v1/professionals", registration)
    unknown_answer = client.call("POST", "/v1/professionals", {**unknown, "siret": "44306184100039"})

    assert known_answer == unknown_answer == (202, RECEIVED)
    _, outbox = client.call("GET", "/_local/outbox")
    told = [e for e in outbox if e["to"] == ["pro.plomberie@example.fr"] and "déjà un compte" in e["subject"]]
    assert len(told) == 1
    assert [e for e in outbox if e["to"] == ["nouveau.e2e@example.fr"] and "identifiants" in e["subject"]]


def test_the_app_api_needs_a_token(client):
    assert client.call("GET", "/v1/pro/me")[0] == 401
    assert client.call("GET", "/v1/pro/me", headers={"Authorization": "Bearer abc.def.ghi"})[0] == 401
    assert (
        client.call("POST", "/_local/login", {"email": "pro.plomberie@example.fr", "password": "wrong"})[0]
        == 401
    )
