"""Professionals through the real handlers, on moto provisioned from the synthesised template.

Registration (202 alike for every valid registration) -> invitation email -> login (moto Cognito)
-> document upload (presigned POST, checked on ObjectCreated) -> an operator's review of the
certificate -> approval -> listing entries -> leads -> delisting to archive.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
import requests
from boto3.dynamodb.conditions import Key
from jaqe.platform import clock
from jaqe.privacy.periods import Period, add_period
from jaqe.privacy.register import PurposeId

from jaqe_dev.cognito import login
from jaqe_dev.seed_professionals import demo_siret
from tests.conftest import header, load_event
from tests.integration.test_operator_routes import unsigned
from tests.integration.test_quote_acceptance import accept_quote

VALID = load_event("professionals/post_valid.json")
REGISTRATION = json.loads(VALID["body"])
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
NEW_PASSWORD = "Nouveau-Mot2passe!"
OPERATOR = {"X-Local-Operator": "alice"}


def items(local: Any) -> list[dict[str, Any]]:
    # Tests may Scan: they read the whole table to prove what is (not) there.
    return boto3.resource("dynamodb").Table(local.data_table).scan()["Items"]


def table(local: Any) -> Any:
    return boto3.resource("dynamodb").Table(local.data_table)


@contextmanager
def written_by_another_capability(local: Any) -> Iterator[None]:
    """Direct writes (what matching would write): their stream records are delivered here, in the
    test's thread, not by a background thread that could outlive this test's moto world."""
    with local.lambdas.lock:
        yield
    local.settle()


def bucket(local: Any) -> str:
    return local.provisioned.names[
        next(k for k in local.provisioned.names if k.startswith("ProfessionalsDocuments"))
    ]


def siret(n: int) -> str:
    """A valid SIRET built from a counter, none of those `make dev` seeds."""
    return demo_siret(10_000 + n)


RECEIVED = {"status": "received"}


def post_registration(local: Any, email: str = REGISTRATION["contact"]["email"], **changes: Any) -> Any:
    body = {**REGISTRATION, "contact": {**REGISTRATION["contact"], "email": email}, **changes}
    return local.api.request("POST", "/v1/professionals", json_body=body)


def reference_in_invitation(local: Any, email: str) -> str:
    """The professional's id goes by email only (the API answers the same to everyone): the latest."""
    *_, invitation = [e for e in local.outbox() if e["to"] == [email] and "identifiants" in e["subject"]]
    match = re.search(r"Référence de votre dossier : (pro_[0-9a-f]{32})", invitation["text"])
    assert match, invitation["text"]
    return match.group(1)


def register(local: Any, email: str = REGISTRATION["contact"]["email"], **changes: Any) -> str:
    response = post_registration(local, email, **changes)
    assert response.status == 202 and response.json() == RECEIVED, response.body
    return reference_in_invitation(local, email)


def temporary_password(local: Any, email: str) -> str:
    [invitation] = [e for e in local.outbox() if e["to"] == [email] and "identifiants" in e["subject"]]
    match = re.search(r"Mot de passe temporaire : (\S+)", invitation["text"])
    assert match
    return match.group(1)


def sign_in(local: Any, email: str = REGISTRATION["contact"]["email"]) -> dict[str, str]:
    tokens = login(local.provisioned, email, temporary_password(local, email), NEW_PASSWORD)
    return {"Authorization": tokens["id_token"]}


def request_upload(local: Any, auth: dict[str, str], **document: Any) -> dict[str, Any]:
    body = {"kind": "insurance", "content_type": "application/pdf", "size": len(PDF), **document}
    if body["kind"] == "insurance" and "expires_on" not in document:
        body["expires_on"] = (clock.now().date() + timedelta(days=365)).isoformat()
    response = local.api.request("POST", "/v1/pro/me/documents", json_body=body, headers=auth)
    assert response.status == 201, response.body
    return dict(response.json())


def post_file(upload: dict[str, Any], content: bytes, content_type: str = "application/pdf") -> int:
    """The app's upload, as a browser does it: multipart POST to the presigned URL."""
    post = upload["upload"]
    answer = requests.post(
        post["url"],
        data=post["fields"],
        files={"file": ("justificatif.pdf", content, content_type)},
        timeout=10,
    )
    return answer.status_code


def decide(local: Any, pro_id: str, doc_id: str, body: dict[str, Any], headers: Any = OPERATOR) -> Any:
    path = f"/v1/admin/professionals/{pro_id}/documents/{doc_id}/decision"
    return local.api.request("POST", path, json_body=body, headers=headers)


def accept_insurance(local: Any, pro_id: str, doc_id: str, expires_on: str | None = None) -> dict[str, Any]:
    """The operator accepts a certificate, with the last day of cover read on it."""
    until = expires_on or (clock.now().date() + timedelta(days=365)).isoformat()
    response = decide(local, pro_id, doc_id, {"decision": "accept", "expires_on": until})
    assert response.status == 200, response.body
    return dict(response.json())


def insured_by_review(local: Any, pro_id: str, auth: dict[str, str], expires_on: str | None = None) -> str:
    """Upload a certificate, and an operator accepts it; returns its document id."""
    upload = request_upload(local, auth)
    assert post_file(upload, PDF) in (200, 201, 204)
    accept_insurance(local, pro_id, upload["document_id"], expires_on)
    return str(upload["document_id"])


def approved_professional(
    local: Any, email: str = REGISTRATION["contact"]["email"], **changes: Any
) -> tuple[str, dict[str, str]]:
    pro_id = register(local, email, **changes)
    auth = sign_in(local, email)
    insured_by_review(local, pro_id, auth)
    response = local.api.request("POST", f"/v1/admin/professionals/{pro_id}/approve", headers=OPERATOR)
    assert response.status == 200, response.body
    return pro_id, auth


def listing_entries(local: Any, pro_id: str) -> list[dict[str, Any]]:
    return [i for i in items(local) if i["pk"].startswith("LISTING#") and i["sk"] == f"PRO#{pro_id}"]


def disclose(local: Any, pro_id: str, lead_id: str, at: datetime) -> None:
    """What matching writes when it shares a lead with a professional."""
    with written_by_another_capability(local):
        table(local).put_item(
            Item={
                "pk": f"LEAD#{lead_id}",
                "sk": f"DISCLOSURE#{pro_id}",
                "item_type": "disclosure",
                "pro_id": pro_id,
                "lead_id": lead_id,
                "disclosed_at": at.isoformat(),
                "shared": {
                    "first_name": "Paul",
                    "trade": "plomberie",
                    "postcode": "34000",
                    "city": "Montpellier",
                },
                "purpose": PurposeId.QUOTE_MATCHING.value,
                "subject_key": "k" * 64,
                "created_at": at.isoformat(),
            }
        )


# --- registration -----------------------------------------------------------------------


def test_c2_02_c3_06_registration_stores_the_profile_under_the_listing_purpose_for_30_days_until_approved(
    local,
):
    clock.freeze(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    response = local.lambdas.invoke_by_name("professionals", VALID)

    assert response["statusCode"] == 202
    assert json.loads(response["body"]) == RECEIVED
    pro_id = reference_in_invitation(local, REGISTRATION["contact"]["email"])
    [profile] = [i for i in items(local) if i["sk"] == "PROFILE"]
    assert profile["pk"] == f"PRO#{pro_id}"
    assert profile["item_type"] == "professional"
    assert profile["purpose"] == PurposeId.PROFESSIONAL_LISTING.value == "professional_listing"
    assert profile["siret"] == "73282932000074"
    assert profile["contact"]["phone"] == "+33698765432"
    assert profile["trades"] == ["plomberie", "chauffage"] and profile["service_areas"] == ["34", "30"]
    assert profile["status"] == "pending_review" and profile["listed"] is False
    assert len(profile["subject_key"]) == 64
    # A registration no operator approves goes after 30 days (approval removes the expiry).
    assert int(profile["expires_at"]) == int(datetime(2026, 12, 26, 8, 0, tzinfo=UTC).timestamp())
    assert listing_entries(local, pro_id) == []


def test_registration_creates_a_cognito_login_and_sends_the_invitation_to_the_outbox(local):
    pro_id = register(local)

    [email] = local.outbox()
    assert email["to"] == [REGISTRATION["contact"]["email"]]
    assert pro_id in email["text"] and "JAQE SARL" in email["text"]
    pool_id = local.provisioned.names[next(iter(local.stack.of_type("AWS::Cognito::UserPool")))]
    user = boto3.client("cognito-idp").admin_get_user(
        UserPoolId=pool_id, Username=REGISTRATION["contact"]["email"]
    )
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["custom:pro_id"] == pro_id
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    tokens = login(
        local.provisioned,
        REGISTRATION["contact"]["email"],
        temporary_password(local, REGISTRATION["contact"]["email"]),
        NEW_PASSWORD,
    )
    assert tokens["id_token"].count(".") == 2


def test_invalid_registration_names_each_field_and_writes_nothing(local):
    response = local.lambdas.invoke_by_name(
        "professionals", load_event("professionals/post_invalid_fields.json")
    )

    assert response["statusCode"] == 422
    assert header(response, "Content-Type") == "application/problem+json"
    fields = {e["field"] for e in json.loads(response["body"])["errors"]}
    assert {"siret", "service_areas.0", "service_areas.1", "trades.0", "contact.phone"} <= fields
    assert "service_areas.2" not in fields  # 2A is a département
    assert items(local) == [] and local.outbox() == []


@pytest.mark.parametrize(
    "change",
    [
        {"siret": "7328293200007"},
        {"siret": "73282932000075"},
        {"service_areas": ["20"]},
        {"service_areas": ["977"]},
        {"service_areas": ["4"]},
        {"service_areas": []},
        {"trades": ["plomberie", "astrologie"]},
        {"trades": ["plomberie", "chauffage", "toiture", "peinture", "isolation"]},
        {
            "service_areas": [f"{n:02d}" for n in range(1, 12)],
            "trades": ["plomberie", "chauffage", "toiture", "peinture"],
        },
        {"terms_version": ""},
        {"unexpected": True},
    ],
)
def test_each_bad_registration_is_a_422_and_writes_nothing(local, change):
    response = local.api.request("POST", "/v1/professionals", json_body={**REGISTRATION, **change})

    assert response.status == 422, response.body
    assert items(local) == []


def test_a_known_and_an_unknown_address_get_the_same_answer_and_only_the_known_one_is_told_by_email(local):
    """No account enumeration: the API answers alike; the account's owner learns it exists by email."""
    register(local)
    before = items(local)

    known = post_registration(local, siret=siret(42))
    unknown = post_registration(local, "inconnu@example.fr", siret=siret(43))

    assert known.status == unknown.status == 202
    assert known.json() == unknown.json() == RECEIVED
    assert {k: v for k, v in known.headers.items() if k.lower() != "date"}.keys() == {
        k: v for k, v in unknown.headers.items() if k.lower() != "date"
    }.keys()
    new_items = [i for i in items(local) if i not in before and i["item_type"] != "mail_rate"]
    assert sorted(i["item_type"] for i in new_items) == ["professional", "siret_claim"]
    assert [i["contact"]["email"] for i in new_items if i["item_type"] == "professional"] == [
        "inconnu@example.fr"
    ]  # the unknown address only
    [exists] = [e for e in local.outbox() if "déjà un compte" in e["subject"]]
    assert exists["to"] == [REGISTRATION["contact"]["email"]]
    assert "https://" in exists["text"] and "professionnels.html" in exists["text"]
    assert "Mot de passe temporaire" not in exists["text"]
    assert reference_in_invitation(local, "inconnu@example.fr")


def test_a_registration_with_a_siret_another_account_holds_is_received_and_flagged_for_review(local):
    first = register(local)

    response = post_registration(local, "usurpateur@example.fr")  # the same SIRET, another address

    assert response.status == 202 and response.json() == RECEIVED
    second = reference_in_invitation(local, "usurpateur@example.fr")
    [claim] = [i for i in items(local) if i["pk"] == "SIRET#73282932000074"]
    assert claim["pro_id"] == first  # the first account keeps the SIRET
    queue = local.api.request("GET", "/v1/admin/professionals", headers=OPERATOR).json()["professionals"]
    flags = {p["professional_id"]: (p["siret_used_by_another_account"], p["siret_used_by"]) for p in queue}
    assert flags == {first: (False, None), second: (True, first)}
    # The operator cannot approve the second while the first holds the SIRET.
    insured_by_review(local, second, sign_in(local, "usurpateur@example.fr"))
    refused = local.api.request("POST", f"/v1/admin/professionals/{second}/approve", headers=OPERATOR)
    assert refused.status == 409 and first in refused.json()["detail"]
    assert listing_entries(local, second) == []


def test_a_retried_registration_with_the_same_idempotency_key_registers_once(local):
    event = load_event("professionals/post_valid_with_idempotency_key.json")

    first = local.lambdas.invoke_by_name("professionals", event)
    second = local.lambdas.invoke_by_name("professionals", event)

    assert first["statusCode"] == second["statusCode"] == 202
    assert json.loads(first["body"]) == json.loads(second["body"]) == RECEIVED
    assert len([i for i in items(local) if i["sk"] == "PROFILE"]) == 1
    assert len(local.outbox()) == 1


def test_logs_hold_neither_the_contact_data_nor_the_temporary_password(local, capsys, caplog):
    caplog.set_level(logging.INFO)
    register(local)
    password = temporary_password(local, REGISTRATION["contact"]["email"])

    logged = capsys.readouterr().out + capsys.readouterr().err + caplog.text
    assert "professional registered" in logged
    for value in (password, REGISTRATION["contact"]["email"], "Jeanne", "Artisan", "+33698765432"):
        assert value not in logged


# --- the professionals' app -------------------------------------------------------------


def test_the_app_refuses_calls_without_a_valid_token(local):
    register(local)
    auth = sign_in(local)
    forged = auth["Authorization"].rsplit(".", 1)[0] + ".c2lnbmF0dXJl"

    assert local.api.request("GET", "/v1/pro/me").status == 401
    assert local.api.request("GET", "/v1/pro/me", headers={"Authorization": forged}).status == 401
    assert local.api.request("GET", "/v1/pro/me", headers={"Authorization": "nope"}).status == 401
    assert local.api.request("GET", "/v1/pro/me", headers=auth).status == 200


def test_c2_02_get_and_patch_me(local):
    pro_id = register(local)
    auth = sign_in(local)

    me = local.api.request("GET", "/v1/pro/me", headers=auth).json()
    assert me["professional_id"] == pro_id and me["status"] == "pending_review" and me["listed"] is False

    patched = local.api.request(
        "PATCH",
        "/v1/pro/me",
        json_body={
            "trades": ["plomberie"],
            "service_areas": ["34", "2B"],
            "contact": {"phone": "0467000000"},
        },
        headers=auth,
    )
    assert patched.status == 200, patched.body
    assert patched.json()["service_areas"] == ["34", "2B"]
    assert patched.json()["contact"]["phone"] == "+33467000000"
    assert patched.json()["contact"]["email"] == REGISTRATION["contact"]["email"]

    for bad in ({"service_areas": ["20"]}, {"contact": {"email": "x@example.fr"}}, {}, {"trades": []}):
        assert local.api.request("PATCH", "/v1/pro/me", json_body=bad, headers=auth).status == 422


def test_professional_a_gets_403_or_404_on_professional_b_data(local):
    pro_a = register(local, "a@example.fr", siret=siret(1))
    pro_b = register(local, "b@example.fr", siret=siret(2))
    auth_a, auth_b = sign_in(local, "a@example.fr"), sign_in(local, "b@example.fr")
    request_upload(local, auth_b, kind="kbis")
    now = clock.now()
    for n in range(3):
        disclose(local, pro_b, f"lead_b{n}", now - timedelta(minutes=n))
    disclose(local, pro_a, "lead_a0", now)

    assert local.api.request("GET", "/v1/pro/me", headers=auth_a).json()["professional_id"] == pro_a
    assert local.api.request("GET", "/v1/pro/me/documents", headers=auth_a).json()["items"] == []
    leads_a = local.api.request("GET", "/v1/pro/me/leads", headers=auth_a).json()
    assert [lead["lead_id"] for lead in leads_a["items"]] == ["lead_a0"]
    # B's pagination cursor does not open B's leads to A.
    page_b = local.api.request("GET", "/v1/pro/me/leads?limit=1", headers=auth_b).json()
    assert page_b["next_cursor"]
    stolen = local.api.request("GET", f"/v1/pro/me/leads?cursor={page_b['next_cursor']}", headers=auth_a)
    assert stolen.status == 403
    # A token whose pro_id claim names no professional (or none at all) reaches nothing.
    assert local.api.request("GET", "/v1/pro/me", headers={"Authorization": "x"}).status == 401
    from jaqe_dev.apigw import Caller

    ghost = local.api.request("GET", "/v1/pro/me", caller=Caller(claims={"custom:pro_id": "pro_" + "0" * 32}))
    assert ghost.status == 404
    no_claim = local.api.request("GET", "/v1/pro/me/documents", caller=Caller(claims={"sub": "x"}))
    assert no_claim.status == 403
    # Operators' routes are not reachable with a professional's token (C4-01).
    assert local.api.request("POST", f"/v1/admin/professionals/{pro_a}/approve", headers=auth_a).status == 403


def test_leads_are_only_this_professionals_newest_first_paginated_and_live(local):
    pro_id = register(local)
    auth = sign_in(local)
    now = clock.now()
    for n in range(5):
        disclose(local, pro_id, f"lead_{n}", now - timedelta(hours=n))
    with written_by_another_capability(local):
        table(local).update_item(
            Key={"pk": "LEAD#lead_2", "sk": f"DISCLOSURE#{pro_id}"},
            UpdateExpression="SET expires_at = :e",
            ExpressionAttributeValues={":e": clock.epoch() - 1},
        )

    seen, cursor = [], None
    for _ in range(5):
        url = "/v1/pro/me/leads?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = local.api.request("GET", url, headers=auth)
        assert page.status == 200, page.body
        seen += [lead["lead_id"] for lead in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert seen == ["lead_0", "lead_1", "lead_3", "lead_4"]
    assert local.api.request("GET", "/v1/pro/me/leads?cursor=!!notbase64", headers=auth).status == 422
    assert local.api.request("GET", "/v1/pro/me/leads?limit=500", headers=auth).status == 422


# --- documents ----------------------------------------------------------------------------


def test_c3_05_a_certificate_awaits_review_and_only_the_operators_date_sets_the_insurance(local):
    pro_id = register(local)
    auth = sign_in(local)
    upload = request_upload(local, auth, expires_on="2099-12-31")  # what the professional declares
    assert upload["expires_in"] == 900
    assert upload["upload"]["fields"]["key"] == f"professionals/{pro_id}/{upload['document_id']}"

    assert post_file(upload, PDF) in (200, 201, 204)

    [doc] = local.api.request("GET", "/v1/pro/me/documents", headers=auth).json()["items"]
    assert doc["status"] == "pending_review" and doc["kind"] == "insurance"
    assert doc["declared_expires_on"] == "2099-12-31" and "expires_on" not in doc
    assert local.api.request("GET", "/v1/pro/me", headers=auth).json()["insurance_valid_until"] is None

    read_on_certificate = (clock.now().date() + timedelta(days=200)).isoformat()
    decided = accept_insurance(local, pro_id, upload["document_id"], read_on_certificate)

    assert decided["status"] == "accepted" and decided["expires_on"] == read_on_certificate
    assert local.api.request("GET", "/v1/pro/me", headers=auth).json()["insurance_valid_until"] == (
        read_on_certificate
    )
    [stored] = [i for i in items(local) if i["sk"].startswith("DOC#")]
    assert stored["purpose"] == "professional_listing" and "segment" not in stored
    assert stored["decided_by"].endswith("/alice")
    assert stored["s3_key"] == f"professionals/{pro_id}/{upload['document_id']}"
    [told] = [e for e in local.outbox() if "justificatif" in e["subject"]]
    assert "accepté" in told["subject"] and read_on_certificate in told["text"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "too_large"), (EXECUTABLE, "content_mismatch")],
    ids=["11MB", "executable-renamed-pdf"],
)
def test_c3_05_a_bad_file_is_deleted_and_recorded_as_rejected(local, content, reason):
    pro_id = register(local)
    auth = sign_in(local)
    upload = request_upload(local, auth)

    post_file(upload, content)  # moto does not enforce the policy: the ObjectCreated check must

    s3 = boto3.client("s3")
    key = f"professionals/{pro_id}/{upload['document_id']}"
    assert s3.list_object_versions(Bucket=bucket(local), Prefix=key).get("Versions", []) == []
    [doc] = local.api.request("GET", "/v1/pro/me/documents", headers=auth).json()["items"]
    assert doc["status"] == "rejected" and doc["rejection_reason"] == reason
    assert local.api.request("GET", "/v1/pro/me", headers=auth).json()["insurance_valid_until"] is None


def test_the_check_handler_run_with_an_s3_event_rejects_an_executable_and_deletes_that_version(local):
    """The event as AWS builds it (events/documents/), given to the handler directly."""
    pro_id = register(local)
    auth = sign_in(local)
    upload = request_upload(local, auth, kind="certification")
    key = f"professionals/{pro_id}/{upload['document_id']}"
    s3 = boto3.client("s3")
    s3.put_bucket_notification_configuration(Bucket=bucket(local), NotificationConfiguration={})
    version = s3.put_object(Bucket=bucket(local), Key=key, Body=EXECUTABLE)["VersionId"]
    event = json.loads(
        json.dumps(load_event("documents/s3_object_created.json"))
        .replace("BUCKET", bucket(local))
        .replace("professionals/PRO_ID/DOC_ID", key)
        .replace("VERSION_ID", version)
    )

    assert local.lambdas.invoke_by_name("document_check", event) == {"rejected": 1}
    assert s3.list_object_versions(Bucket=bucket(local), Prefix=key).get("Versions", []) == []
    assert local.lambdas.invoke_by_name("document_check", event) == {"gone": 1}  # a replayed event
    assert (
        local.api.request("GET", "/v1/pro/me/documents", headers=auth).json()["items"][0]["status"]
        == "rejected"
    )


@pytest.mark.parametrize(
    "document",
    [
        {"content_type": "application/x-msdownload"},
        {"size": 11 * 1024 * 1024},
        {"size": 0},
        {"kind": "passport"},
        {"kind": "kbis", "expires_on": "2030-01-01"},
        {"expires_on": "2020-01-01"},
    ],
)
def test_bad_upload_requests_are_refused_and_write_nothing(local, document):
    register(local)
    auth = sign_in(local)
    before = items(local)
    body = {"kind": "insurance", "content_type": "application/pdf", "size": 1000, **document}

    assert local.api.request("POST", "/v1/pro/me/documents", json_body=body, headers=auth).status == 422
    assert items(local) == before


# --- operators, listing, insurance, archive ----------------------------------------------------


def test_c4_01_operator_routes_need_an_iam_identity(local):
    """Refused at the gateway, and by the function itself when called without an IAM identity."""
    pro_id = register(local)
    before = items(local)
    reject = f"/v1/admin/professionals/{pro_id}/reject"

    assert local.api.request("POST", reject, json_body={"reason": "Kbis illisible"}).status == 403
    assert unsigned(local, "POST", reject, {"reason": "Kbis illisible"}).status == 403
    assert unsigned(local, "POST", f"/v1/admin/professionals/{pro_id}/approve").status == 403
    assert items(local) == before
    assert (
        local.api.request("POST", reject, json_body={"reason": "Kbis illisible"}, headers=OPERATOR).status
        == 200
    )


def test_approval_without_valid_insurance_is_refused(local):
    pro_id = register(local)

    response = local.api.request("POST", f"/v1/admin/professionals/{pro_id}/approve", headers=OPERATOR)

    assert response.status == 409
    assert listing_entries(local, pro_id) == []


def test_registration_invitation_upload_approval_then_listing_entries_exist(local):
    pro_id, auth = approved_professional(local)

    entries = listing_entries(local, pro_id)
    assert {e["pk"] for e in entries} == {
        "LISTING#plomberie#34",
        "LISTING#plomberie#30",
        "LISTING#chauffage#34",
        "LISTING#chauffage#30",
    }
    for entry in entries:
        assert entry["item_type"] == "listing_entry" and entry["pro_id"] == pro_id
        assert entry["company_name"] == REGISTRATION["company_name"]
        assert entry["purpose"] == "professional_listing" and len(entry["subject_key"]) == 64
        assert entry["insurance_valid_until"]
    me = local.api.request("GET", "/v1/pro/me", headers=auth).json()
    assert me["status"] == "approved" and me["listed"] is True
    assert any("validé" in e["subject"] for e in local.outbox())


def test_patching_areas_while_listed_moves_the_entries_and_keeps_matchings_attribute(local):
    pro_id, auth = approved_professional(local)
    with written_by_another_capability(local):
        table(local).update_item(
            Key={"pk": "LISTING#plomberie#34", "sk": f"PRO#{pro_id}"},
            UpdateExpression="SET last_matched_at = :t",
            ExpressionAttributeValues={":t": "2026-11-01T10:00:00+00:00"},
        )

    response = local.api.request(
        "PATCH", "/v1/pro/me", json_body={"service_areas": ["34", "971"]}, headers=auth
    )

    assert response.status == 200
    entries = {e["pk"]: e for e in listing_entries(local, pro_id)}
    assert set(entries) == {
        "LISTING#plomberie#34",
        "LISTING#plomberie#971",
        "LISTING#chauffage#34",
        "LISTING#chauffage#971",
    }
    assert entries["LISTING#plomberie#34"]["last_matched_at"] == "2026-11-01T10:00:00+00:00"


def test_rejection_removes_the_listing_and_archives_for_five_years(local):
    pro_id, _ = approved_professional(local)

    response = local.api.request(
        "POST",
        f"/v1/admin/professionals/{pro_id}/reject",
        json_body={"reason": "Kbis illisible"},
        headers=OPERATOR,
    )

    assert response.status == 200 and response.json()["status"] == "rejected"
    assert listing_entries(local, pro_id) == []
    [profile] = [i for i in items(local) if i["sk"] == "PROFILE"]
    assert profile["decided_by"].endswith("/alice") and profile["expires_at"]
    rejection = [e for e in local.outbox() if "pas été validé" in e["subject"]]
    assert len(rejection) == 1 and "Kbis illisible" in rejection[0]["text"]


def test_a_pending_professional_can_be_rejected_without_a_reason(local):
    pro_id = register(local)

    response = local.api.request("POST", f"/v1/admin/professionals/{pro_id}/reject", headers=OPERATOR)

    assert response.status == 200, response.body
    again = local.api.request("POST", f"/v1/admin/professionals/{pro_id}/reject", headers=OPERATOR)
    assert again.status == 409


def test_expired_insurance_unlists_automatically_and_tells_the_professional(local):
    clock.freeze(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    pro_id = register(local)
    auth = sign_in(local)
    insured_by_review(local, pro_id, auth, "2026-12-31")
    local.api.request("POST", f"/v1/admin/professionals/{pro_id}/approve", headers=OPERATOR)
    assert len(listing_entries(local, pro_id)) == 4

    clock.freeze(datetime(2026, 12, 31, 8, 0, tzinfo=UTC))
    assert local.lambdas.invoke_by_name("insurance_watch", {}) == {"unlisted": 0}  # the last valid day
    clock.freeze(datetime(2027, 1, 1, 3, 15, tzinfo=UTC))
    assert local.lambdas.invoke_by_name("insurance_watch", {}) == {"unlisted": 1}

    assert listing_entries(local, pro_id) == []
    me = local.api.request("GET", "/v1/pro/me", headers=auth).json()
    assert me["status"] == "approved" and me["listed"] is False
    assert any("assurance a expiré" in e["subject"] for e in local.outbox())
    assert local.lambdas.invoke_by_name("insurance_watch", {}) == {"unlisted": 0}

    # A new insurance certificate lists the professional again, once an operator accepts it.
    upload = request_upload(local, auth, expires_on="2027-12-31")
    post_file(upload, PDF)
    assert listing_entries(local, pro_id) == []
    accept_insurance(local, pro_id, upload["document_id"], "2027-12-31")
    assert len(listing_entries(local, pro_id)) == 4


def test_c3_07_delisting_archives_profile_and_documents_for_five_years(local):
    delisted_at = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    clock.freeze(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    pro_id, auth = approved_professional(local)
    assert "expires_at" not in next(i for i in items(local) if i["sk"] == "PROFILE")

    clock.freeze(delisted_at)
    response = local.api.request("POST", "/v1/pro/me/delist", headers=auth)

    assert response.status == 200, response.body
    expected = int(add_period(delisted_at, Period(years=5)).timestamp())
    assert expected == int(datetime(2031, 11, 26, 9, 30, tzinfo=UTC).timestamp())
    profile = next(i for i in items(local) if i["sk"] == "PROFILE")
    assert profile["status"] == "delisted" and profile["listed"] is False
    assert int(profile["expires_at"]) == expected
    docs = [i for i in items(local) if i["sk"].startswith("DOC#")]
    assert docs and all(int(d["expires_at"]) == expected for d in docs)
    assert listing_entries(local, pro_id) == []
    assert not [i for i in items(local) if i["pk"] == "INSURANCE_WATCH"]
    assert response.json()["archive_expires_at"].startswith("2031-11-26")
    assert any("déréférencement" in e["subject"] for e in local.outbox())
    # Archived: never shown again through the app (the login is gone), never matched.
    assert local.api.request("GET", "/v1/pro/me", headers=auth).status == 401


def archive_of(local: Any, pro_id: str) -> dict[str, Any]:
    """What is held of a professional, expired or not: its items (by sort key family) and files. The
    leads it received are not its archive: they are the consumers' data, kept under their own rule."""
    held = [
        i
        for i in items(local)
        if pro_id in (i["pk"].removeprefix("PRO#"), i.get("pro_id")) and i.get("item_type") != "disclosure"
    ]
    return {
        "items": sorted({i["sk"].split("#")[0] for i in held}),
        "files": versions(local, f"professionals/{pro_id}/"),
    }


def reconcile(local: Any) -> dict[str, Any]:
    return dict(local.lambdas.invoke_by_name("reconciliation", {}))


def delisted_with_archive(local: Any, delisted_at: datetime) -> tuple[str, dict[str, Any]]:
    """A professional who received a lead and uploaded a certificate, delisted at `delisted_at`."""
    clock.freeze(delisted_at - timedelta(days=6))
    pro_id, auth = approved_professional(local)
    quote = load_event("quote_requests/post_valid.json")
    assert local.api.request("POST", "/v1/quote-requests", body=quote["body"]).status == 201
    clock.freeze(delisted_at)
    assert local.api.request("POST", "/v1/pro/me/delist", headers=auth).status == 200
    archive = archive_of(local, pro_id)
    assert archive["items"] == ["DOC", "INTERVENTION", "PROFILE"] and archive["files"]
    return pro_id, archive


def test_c3_07_the_archive_documents_included_outlives_five_years_after_delisting_by_not_a_day(local):
    """The daily reconciliation, run just before and just after the archive's end, purges it all: the
    profile, its documents' items and files, its archived interventions."""
    delisted_at = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    pro_id, archive = delisted_with_archive(local, delisted_at)
    end = add_period(delisted_at, Period(years=5))

    clock.freeze(end - timedelta(minutes=1))
    assert PurposeId.PROFESSIONAL_LISTING.value not in reconcile(local)["purged_by_purpose"]
    assert archive_of(local, pro_id) == archive
    clock.freeze(end + timedelta(minutes=1))
    report = reconcile(local)

    assert report["purged_by_purpose"] == {PurposeId.PROFESSIONAL_LISTING.value: 3}
    assert archive_of(local, pro_id) == {"items": [], "files": []}


def test_c3_07_when_ttl_removes_the_expired_profile_first_the_cascade_takes_documents_files_and_archive(
    local,
):
    """DynamoDB's TTL (which moto never applies) may delete the profile before anything else: the
    retention cascade, on that stream record, removes the files at once; the items, expired with the
    profile, are absent to every read and go at the next reconciliation."""
    delisted_at = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    pro_id, _ = delisted_with_archive(local, delisted_at)
    clock.freeze(add_period(delisted_at, Period(years=5)) + timedelta(minutes=1))

    with written_by_another_capability(local):
        table(local).delete_item(Key={"pk": f"PRO#{pro_id}", "sk": "PROFILE"})  # as TTL would

    assert archive_of(local, pro_id)["files"] == []
    assert local.store().query(f"PRO#{pro_id}") == []
    reconcile(local)
    assert archive_of(local, pro_id) == {"items": [], "files": []}


def test_listing_entries_are_queryable_by_trade_and_departement(local):
    pro_id, _ = approved_professional(local)

    found = table(local).query(KeyConditionExpression=Key("pk").eq("LISTING#plomberie#34"))["Items"]

    assert [e["pro_id"] for e in found] == [pro_id]
    assert date.fromisoformat(found[0]["insurance_valid_until"]) > clock.now().date()


def test_done_when_registered_invited_uploaded_approved_then_the_next_matching_quote_is_a_lead(local):
    """The issue's path end to end, with consumer intake's real matching: a quote request for
    plomberie in Montpellier (34) after the approval is disclosed to this professional."""
    pro_id, auth = approved_professional(local)
    assert local.api.request("GET", "/v1/pro/me/leads", headers=auth).json()["items"] == []

    quote = load_event("quote_requests/post_valid.json")
    asked = local.api.request("POST", "/v1/quote-requests", body=quote["body"])
    assert asked.status in (200, 201, 202), asked.body

    [lead] = local.api.request("GET", "/v1/pro/me/leads", headers=auth).json()["items"]
    assert lead["shared"]["city"] == "Montpellier" and lead["shared"]["trade"] == "plomberie"
    assert [
        e for e in local.outbox() if e["to"] == [REGISTRATION["contact"]["email"]] and "devis" in e["subject"]
    ]
    # Matching stamped the listing entry; a later PATCH keeps that stamp.
    entry = table(local).get_item(Key={"pk": "LISTING#plomberie#34", "sk": f"PRO#{pro_id}"})["Item"]
    assert entry.get("last_matched_at")
    local.api.request("PATCH", "/v1/pro/me", json_body={"certifications": ["RGE"]}, headers=auth)
    again = table(local).get_item(Key={"pk": "LISTING#plomberie#34", "sk": f"PRO#{pro_id}"})["Item"]
    assert again["last_matched_at"] == entry["last_matched_at"]


def test_leads_with_numeric_shared_fields_are_served(local):
    pro_id, auth = approved_professional(local)
    disclose(local, pro_id, "lead_next", clock.now())
    with written_by_another_capability(local):
        table(local).update_item(
            Key={"pk": "LEAD#lead_next", "sk": f"DISCLOSURE#{pro_id}"},
            UpdateExpression="SET #s.budget = :b",
            ExpressionAttributeNames={"#s": "shared"},
            ExpressionAttributeValues={":b": 1500},
        )

    [lead] = local.api.request("GET", "/v1/pro/me/leads", headers=auth).json()["items"]
    assert lead["shared"]["budget"] == 1500


def test_an_upload_that_no_document_request_announced_is_deleted(local):
    pro_id = register(local)
    s3 = boto3.client("s3")
    for key in (
        f"professionals/{pro_id}/doc_{'0' * 32}",
        f"professionals/{pro_id}/../escape",
        "professionals/x",
    ):
        s3.put_object(Bucket=bucket(local), Key=key, Body=PDF)  # the notification runs the check

        assert s3.list_object_versions(Bucket=bucket(local), Prefix=key).get("Versions", []) == []


def test_c3_07_a_delisted_professionals_interventions_join_the_archive_without_the_consumers_data(local):
    """Interventions follow the professional's rule (listing + 5 years); the consumer's lead keeps its own
    3 years after last contact, so the archive records the activity, not the person."""
    clock.freeze(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    pro_id, auth = approved_professional(local)
    quote = load_event("quote_requests/post_valid.json")
    assert local.api.request("POST", "/v1/quote-requests", body=quote["body"]).status == 201
    [lead] = local.api.request("GET", "/v1/pro/me/leads", headers=auth).json()["items"]
    local.api.request("POST", f"/v1/pro/me/leads/{lead['lead_id']}/accept", headers=auth)
    accept_quote(local, pro_id)  # the consumer accepts this professional's quote (C3-04)
    delisted_at = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    clock.freeze(delisted_at)

    assert local.api.request("POST", "/v1/pro/me/delist", headers=auth).status == 200

    [intervention] = [i for i in items(local) if i["sk"].startswith("INTERVENTION#")]
    assert intervention["pk"] == f"PRO#{pro_id}" and intervention["lead_id"] == lead["lead_id"]
    assert intervention["accepted"] is True and intervention["departement"] == "34"
    assert int(intervention["expires_at"]) == int(add_period(delisted_at, Period(years=5)).timestamp())
    consumer = json.loads(quote["body"])["contact"]
    assert not {consumer["email"], consumer["last_name"], consumer["phone"]} & set(
        str(v) for v in intervention.values()
    )

    def held() -> set[str]:
        return {i["sk"].split("#")[0] for i in items(local)}

    clock.freeze(datetime(2029, 11, 21, tzinfo=UTC))  # 3 years and a day after the quote request
    reconcile(local)
    assert {"LEAD", "DISCLOSURE"}.isdisjoint(held()) and "INTERVENTION" in held()


# --- operators' review of documents (issue 19) -------------------------------------------------


def uploaded(local: Any, auth: dict[str, str], content: bytes = PDF, **document: Any) -> dict[str, Any]:
    upload = request_upload(local, auth, **document)
    assert post_file(upload, content) in (200, 201, 204)
    return upload


def versions(local: Any, key: str) -> list[dict[str, Any]]:
    return list(boto3.client("s3").list_object_versions(Bucket=bucket(local), Prefix=key).get("Versions", []))


def test_c4_01_the_document_review_routes_need_an_operator_and_change_nothing_without_one(local):
    pro_id = register(local)
    upload = uploaded(local, sign_in(local))
    doc_id = upload["document_id"]
    before = items(local)

    for method, path, body in (
        ("GET", "/v1/admin/professionals/documents", None),
        ("GET", f"/v1/admin/professionals/{pro_id}/documents/{doc_id}", None),
        ("POST", f"/v1/admin/professionals/{pro_id}/documents/{doc_id}/decision", {"decision": "reject"}),
    ):
        answer = unsigned(local, method, path, body)
        assert answer.status == 403, (path, answer.body)
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert pro_id not in answer.body and doc_id not in answer.body
    assert items(local) == before


def test_operators_list_documents_awaiting_review_and_read_one_through_a_short_lived_link(local):
    pro_id = register(local)
    auth = sign_in(local)
    insurance = uploaded(local, auth, expires_on="2099-12-31")
    certification = uploaded(local, auth, kind="certification")
    uploaded(local, auth, kind="kbis")  # counts for nothing: accepted on its content check

    queue = local.api.request("GET", "/v1/admin/professionals/documents", headers=OPERATOR)

    assert queue.status == 200, queue.body
    listed = queue.json()["documents"]
    assert [d["document_id"] for d in listed] == [insurance["document_id"], certification["document_id"]]
    assert all(d["professional_id"] == pro_id and d["status"] == "pending_review" for d in listed)
    assert listed[0]["declared_expires_on"] == "2099-12-31" and listed[0]["siret"] == "73282932000074"
    assert "contact" not in listed[0] and REGISTRATION["contact"]["email"] not in queue.body
    kinds = {
        d["kind"]: d["status"]
        for d in local.api.request("GET", "/v1/pro/me/documents", headers=auth).json()["items"]
    }
    assert kinds == {"insurance": "pending_review", "certification": "pending_review", "kbis": "accepted"}

    shown = local.api.request(
        "GET",
        f"/v1/admin/professionals/{pro_id}/documents/{insurance['document_id']}?reason=revue",
        headers=OPERATOR,
    )
    assert shown.status == 200, shown.body
    link = shown.json()["download_url"]
    assert "X-Amz-Expires=300" in link and "versionId=" in link and shown.json()["download_expires_in"] == 300
    assert requests.get(link, timeout=10).content == PDF
    missing = local.api.request(
        "GET", f"/v1/admin/professionals/{pro_id}/documents/doc_nope?reason=revue", headers=OPERATOR
    )
    assert missing.status == 404


def test_a_professional_stays_unlisted_until_an_operator_accepts_the_insurance_certificate(local):
    pro_id = register(local)
    auth = sign_in(local)
    upload = uploaded(local, auth, expires_on="2099-12-31")

    early = local.api.request("POST", f"/v1/admin/professionals/{pro_id}/approve", headers=OPERATOR)
    assert early.status == 409 and listing_entries(local, pro_id) == []

    accept_insurance(local, pro_id, upload["document_id"])
    approved = local.api.request("POST", f"/v1/admin/professionals/{pro_id}/approve", headers=OPERATOR)

    assert approved.status == 200 and approved.json()["listed"] is True
    assert len(listing_entries(local, pro_id)) == 4
    assert not local.api.request("GET", "/v1/admin/professionals/documents", headers=OPERATOR).json()[
        "documents"
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "accept"}, "expires_on"),
        ({"decision": "accept", "expires_on": "2020-01-01"}, "expires_on"),
        ({"decision": "reject", "expires_on": "2030-01-01"}, None),
        ({"decision": "maybe"}, "decision"),
        ({"decision": "accept", "expires_on": "31/12/2030"}, "expires_on"),
    ],
)
def test_a_bad_decision_is_a_422_and_changes_nothing(local, body, field):
    pro_id = register(local)
    upload = uploaded(local, sign_in(local))
    before, sent = items(local), len(local.outbox())

    answer = decide(local, pro_id, upload["document_id"], body)

    assert answer.status == 422, answer.body
    assert answer.headers["Content-Type"] == "application/problem+json"
    if field:
        assert field in {e["field"] for e in answer.json()["errors"]}
    assert items(local) == before and len(local.outbox()) == sent


def test_a_rejected_certificate_is_deleted_counts_for_nothing_and_the_professional_is_told_why(local):
    pro_id = register(local)
    auth = sign_in(local)
    upload = uploaded(local, auth)
    key = f"professionals/{pro_id}/{upload['document_id']}"

    answer = decide(
        local, pro_id, upload["document_id"], {"decision": "reject", "reason": "Attestation illisible"}
    )

    assert answer.status == 200 and answer.json()["status"] == "rejected"
    assert versions(local, key) == []
    [doc] = local.api.request("GET", "/v1/pro/me/documents", headers=auth).json()["items"]
    assert doc["status"] == "rejected" and doc["decision_reason"] == "Attestation illisible"
    assert local.api.request("GET", "/v1/pro/me", headers=auth).json()["insurance_valid_until"] is None
    [told] = [e for e in local.outbox() if "justificatif" in e["subject"]]
    assert "refusé" in told["subject"] and "Attestation illisible" in told["text"]
    assert decide(local, pro_id, upload["document_id"], {"decision": "reject"}).status == 409
    again = local.api.request(
        "GET",
        f"/v1/admin/professionals/{pro_id}/documents/{upload['document_id']}?reason=revue",
        headers=OPERATOR,
    )
    assert again.status == 409


def test_a_second_post_to_the_presigned_key_after_acceptance_does_not_replace_the_accepted_document(local):
    pro_id = register(local)
    auth = sign_in(local)
    upload = uploaded(local, auth)
    key = f"professionals/{pro_id}/{upload['document_id']}"
    accept_insurance(local, pro_id, upload["document_id"])
    [pinned] = versions(local, key)

    replacement = b"%PDF-1.7\n% a certificate for someone else\n%%EOF\n"
    assert post_file(upload, replacement) in (200, 201, 204)  # moto lets the POST through: the check must not

    assert [v["VersionId"] for v in versions(local, key)] == [pinned["VersionId"]]
    assert boto3.client("s3").get_object(Bucket=bucket(local), Key=key)["Body"].read() == PDF
    [stored] = [i for i in items(local) if i["sk"] == f"DOC#{upload['document_id']}"]
    assert stored["status"] == "accepted" and stored["version_id"] == pinned["VersionId"]
    # Every upload request gets its own key: a key is never issued twice.
    other = request_upload(local, auth)
    assert other["upload"]["fields"]["key"] != upload["upload"]["fields"]["key"]


def test_a_newer_version_left_unchecked_is_removed_on_acceptance_so_the_reviewed_one_stays_current(local):
    """The bucket deletes noncurrent versions after a day: the pinned version must stay the current one."""
    pro_id = register(local)
    upload = uploaded(local, sign_in(local))
    key = f"professionals/{pro_id}/{upload['document_id']}"
    [reviewed] = versions(local, key)
    s3 = boto3.client("s3")
    s3.put_bucket_notification_configuration(Bucket=bucket(local), NotificationConfiguration={})
    s3.put_object(Bucket=bucket(local), Key=key, Body=b"%PDF-1.7\nnot what was reviewed\n")  # check not run
    assert len(versions(local, key)) == 2

    accept_insurance(local, pro_id, upload["document_id"])

    assert [v["VersionId"] for v in versions(local, key)] == [reviewed["VersionId"]]
    assert s3.head_object(Bucket=bucket(local), Key=key)["VersionId"] == reviewed["VersionId"]


def test_a_pending_registration_expires_after_30_days_with_its_documents_siret_and_login(local):
    clock.freeze(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    pro_id = register(local)
    auth = sign_in(local)
    upload = uploaded(local, auth)
    key = f"professionals/{pro_id}/{upload['document_id']}"
    pool_id = local.provisioned.names[next(iter(local.stack.of_type("AWS::Cognito::UserPool")))]
    cognito = boto3.client("cognito-idp")

    clock.freeze(datetime(2026, 12, 1, 9, 0, 1, tzinfo=UTC))  # 30 days later
    assert local.api.request("GET", "/v1/pro/me", headers=auth).status == 404  # expired reads as absent
    assert local.lambdas.invoke_by_name("reconciliation", {})["items_purged"] >= 2  # profile + document
    local.settle()

    assert not [i for i in items(local) if i["pk"] in (f"PRO#{pro_id}", "SIRET#73282932000074")]
    assert versions(local, key) == []
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool_id, Username=REGISTRATION["contact"]["email"])
    # The address and the SIRET are free again: a new registration gets a new invitation.
    assert register(local) != pro_id
