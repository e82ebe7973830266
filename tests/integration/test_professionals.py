"""Professionals through the real handlers, on moto provisioned from the synthesised template.

Registration -> invitation email -> login (moto Cognito) -> document upload (presigned POST,
checked on ObjectCreated) -> approval -> listing entries -> leads -> delisting to archive.
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
from tests.conftest import header, load_event

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
    """A Luhn-valid SIRET built from a counter."""
    body = f"{n:013d}"
    for key in range(10):
        candidate = body + str(key)
        digits = [int(c) for c in reversed(candidate)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return candidate
    raise AssertionError


def register(local: Any, email: str = REGISTRATION["contact"]["email"], **changes: Any) -> str:
    body = {**REGISTRATION, "contact": {**REGISTRATION["contact"], "email": email}, **changes}
    response = local.api.request("POST", "/v1/professionals", json_body=body)
    assert response.status == 201, response.body
    return str(response.json()["professional_id"])


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


def approved_professional(
    local: Any, email: str = REGISTRATION["contact"]["email"], **changes: Any
) -> tuple[str, dict[str, str]]:
    pro_id = register(local, email, **changes)
    auth = sign_in(local, email)
    assert post_file(request_upload(local, auth), PDF) in (200, 201, 204)
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


def test_c2_02_c3_06_registration_stores_the_profile_under_the_listing_purpose_without_expiry(local):
    response = local.lambdas.invoke_by_name("professionals", VALID)

    assert response["statusCode"] == 201
    answer = json.loads(response["body"])
    assert answer["status"] == "pending_review" and answer["professional_id"].startswith("pro_")
    [profile] = [i for i in items(local) if i["sk"] == "PROFILE"]
    assert profile["pk"] == f"PRO#{answer['professional_id']}"
    assert profile["item_type"] == "professional"
    assert profile["purpose"] == PurposeId.PROFESSIONAL_LISTING.value == "professional_listing"
    assert profile["siret"] == "73282932000074"
    assert profile["contact"]["phone"] == "+33698765432"
    assert profile["trades"] == ["plomberie", "chauffage"] and profile["service_areas"] == ["34", "30"]
    assert profile["status"] == "pending_review" and profile["listed"] is False
    assert len(profile["subject_key"]) == 64
    assert "expires_at" not in profile  # C3-07: nothing expires while the relationship lasts
    assert listing_entries(local, answer["professional_id"]) == []


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


def test_a_second_registration_of_the_same_siret_or_email_is_a_409_and_writes_nothing_more(local):
    register(local)
    before = items(local)

    same_siret = local.api.request(
        "POST",
        "/v1/professionals",
        json_body={**REGISTRATION, "contact": {**REGISTRATION["contact"], "email": "autre@example.fr"}},
    )
    same_email = local.api.request(
        "POST", "/v1/professionals", json_body={**REGISTRATION, "siret": siret(42)}
    )

    assert same_siret.status == 409 and same_email.status == 409
    assert len(items(local)) == len(before)
    assert len(local.outbox()) == 1


def test_a_retried_registration_with_the_same_idempotency_key_registers_once(local):
    event = load_event("professionals/post_valid_with_idempotency_key.json")

    first = local.lambdas.invoke_by_name("professionals", event)
    second = local.lambdas.invoke_by_name("professionals", event)

    assert first["statusCode"] == second["statusCode"] == 201
    assert json.loads(first["body"]) == json.loads(second["body"])
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


def test_c3_05_a_pdf_uploaded_through_the_presigned_post_is_accepted_and_sets_the_insurance(local):
    pro_id = register(local)
    auth = sign_in(local)
    valid_until = (clock.now().date() + timedelta(days=200)).isoformat()
    upload = request_upload(local, auth, expires_on=valid_until)
    assert upload["expires_in"] == 900
    assert upload["upload"]["fields"]["key"] == f"professionals/{pro_id}/{upload['document_id']}"

    assert post_file(upload, PDF) in (200, 201, 204)

    [doc] = local.api.request("GET", "/v1/pro/me/documents", headers=auth).json()["items"]
    assert doc["status"] == "accepted" and doc["kind"] == "insurance" and doc["expires_on"] == valid_until
    assert local.api.request("GET", "/v1/pro/me", headers=auth).json()["insurance_valid_until"] == valid_until
    [stored] = [i for i in items(local) if i["sk"].startswith("DOC#")]
    assert (
        stored["purpose"] == "professional_listing" and "expires_at" not in stored
    )  # follows its listed owner
    assert stored["s3_key"] == f"professionals/{pro_id}/{upload['document_id']}"


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
    pro_id = register(local)

    assert local.api.request("POST", f"/v1/admin/professionals/{pro_id}/approve").status == 403
    assert local.api.request("POST", f"/v1/admin/professionals/{pro_id}/reject", json_body={}).status == 403
    assert (
        local.api.request("POST", "/v1/admin/professionals/pro_nope/approve", headers=OPERATOR).status == 404
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
    post_file(request_upload(local, auth, expires_on="2026-12-31"), PDF)
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

    # A new insurance certificate lists the professional again.
    post_file(request_upload(local, auth, expires_on="2027-12-31"), PDF)
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
    clock.freeze(delisted_at + timedelta(days=5 * 366))
    assert not [i for i in items(local) if i["sk"] == "PROFILE" and int(i["expires_at"]) > clock.epoch()]


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
        return {
            i["sk"].split("#")[0] for i in items(local) if int(i.get("expires_at", 2**40)) > clock.epoch()
        }

    clock.freeze(datetime(2029, 11, 21, tzinfo=UTC))  # 3 years and a day after the quote request
    assert {"LEAD", "DISCLOSURE"}.isdisjoint(held()) and "INTERVENTION" in held()
    clock.freeze(delisted_at + timedelta(days=5 * 366))
    assert "INTERVENTION" not in held()
