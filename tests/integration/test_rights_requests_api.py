"""POST /v1/rights-requests through the real handler with the sample events: bad input writes nothing,
a retried submission starts one workflow."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import boto3

from tests.conftest import header, load_event
from tests.workflow.conftest import rights  # noqa: F401 - fixture


def invoke(local, name):
    return local.lambdas.invoke_by_name("rights_requests", load_event(f"rights_requests/{name}"))


def executions(rights):  # noqa: F811
    return boto3.client("stepfunctions").list_executions(stateMachineArn=rights.machine_arn)["executions"]


def test_a_request_is_accepted_with_its_due_date_and_status_link_and_starts_one_workflow(rights):  # noqa: F811
    response = invoke(rights.local, "post_erasure.json")

    assert response["statusCode"] == 202
    accepted = json.loads(response["body"])
    assert set(accepted) == {"request_id", "status", "due_at", "status_url"}
    assert accepted["status_url"].startswith(
        f"https://api.jaqe.fr/v1/rights-requests/{accepted['request_id']}?token="
    )
    assert [e["name"] for e in executions(rights)] == [accepted["request_id"]]
    rights.wait_for_status(accepted["request_id"], "awaiting_verification")


def test_invalid_type_fields_are_a_422_problem_naming_the_fields_and_nothing_is_written(rights):  # noqa: F811
    response = invoke(rights.local, "post_invalid_type_fields.json")

    assert response["statusCode"] == 422
    assert header(response, "Content-Type") == "application/problem+json"
    assert rights.scan() == [] and executions(rights) == []


def test_malformed_json_is_a_400_problem(rights):  # noqa: F811
    response = invoke(rights.local, "post_malformed_json.json")

    assert response["statusCode"] == 400
    assert rights.scan() == [] and executions(rights) == []


def test_a_retry_with_the_same_idempotency_key_starts_no_second_workflow(rights):  # noqa: F811
    first = invoke(rights.local, "post_access_with_idempotency_key.json")
    second = invoke(rights.local, "post_access_with_idempotency_key.json")

    assert first["statusCode"] == second["statusCode"] == 202
    assert json.loads(first["body"]) == json.loads(second["body"])
    assert len(executions(rights)) == 1
    rights.wait_for_status(json.loads(first["body"])["request_id"], "awaiting_verification")


def test_c7_03_the_rectification_sample_reaches_the_operator_review(rights):  # noqa: F811
    accepted = json.loads(invoke(rights.local, "post_rectification.json")["body"])
    rights.confirm(rights.verification_link("camille.exemple@example.fr"))

    record = rights.wait_for_status(accepted["request_id"], "awaiting_operator")
    assert "Exemple-Martin" not in json.dumps(record, default=str)  # corrections travel in the execution only


# -- issue 18: the links never act on GET; the status page -----------------------------------
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
FORM = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
ASKER = "claude.demandeur@example.fr"


def hidden_token(page: str) -> str:
    [value] = re.findall(r'<form method="post"><input type="hidden" name="token" value="([^"]*)">', page)
    return value


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def test_c7_04_opening_the_verification_link_verifies_nothing_its_page_s_form_does(rights):  # noqa: F811
    request_id = rights.submit({"type": "erasure", "email": ASKER}).json()["request_id"]
    link = rights.verification_link(ASKER)
    rights.wait_for_status(request_id, "awaiting_verification")

    for _ in range(2):  # a mail scanner, then the person: the same page, nothing done
        opened = rights.local.api.request("GET", link, headers=BROWSER)
        assert opened.status == 200 and opened.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "default-src 'none'" in opened.headers["Content-Security-Policy"]
        assert hidden_token(opened.body) == token_of(link) and "Confirmer ma demande" in opened.body
    assert rights.record(request_id)["status"] == "awaiting_verification"

    confirmed = rights.local.api.request("POST", link, body=f"token={token_of(link)}", headers=FORM)

    assert confirmed.status == 200 and confirmed.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Demande confirmée" in confirmed.body and request_id in confirmed.body
    assert rights.wait(request_id)["status"] == "SUCCEEDED"
    again = rights.local.api.request("POST", link, body=f"token={token_of(link)}", headers=FORM)
    assert again.status == 410 and again.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "déjà servi" in again.body and "nouvelle demande" in again.body
    reopened = rights.local.api.request("GET", link, headers=BROWSER)  # a used link says so at once
    assert reopened.status == 410 and "déjà servi" in reopened.body and "<form" not in reopened.body
    as_json = rights.local.api.request(
        "POST", "/v1/rights-requests/verify", json_body={"token": token_of(link)}
    )
    assert as_json.status == 410 and as_json.headers["Content-Type"] == "application/problem+json"


def test_a_json_client_verifies_with_the_token_in_its_body_and_gets_today_s_json(rights):  # noqa: F811
    request_id = rights.submit({"type": "erasure", "email": ASKER}).json()["request_id"]
    token = token_of(rights.verification_link(ASKER))

    response = rights.local.api.request(
        "POST",
        "/v1/rights-requests/verify",
        json_body={"token": token},
        headers={"Accept": "application/json"},
    )

    assert response.status == 200 and response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "request_id": request_id,
        "status": "verified",
        "message": "Votre demande est confirmée. Nous vous répondrons par email.",
    }
    assert rights.wait(request_id)["status"] == "SUCCEEDED"


def test_c7_02_the_export_is_reached_with_the_emailed_status_link_never_with_the_form_s(rights):  # noqa: F811
    accepted = rights.submit({"type": "access", "email": ASKER}).json()
    request_id, submitters = accepted["request_id"], accepted["status_url"]
    acknowledgement = rights.wait_for_email(ASKER, "Confirmez")
    [mailbox] = [lnk for lnk in acknowledgement["links"] if f"/v1/rights-requests/{request_id}?token=" in lnk]
    assert mailbox != submitters and accepted["due_at"][:10] in acknowledgement["text"]
    reason = "Vérifications <complexes> & nombreuses"
    extension = {"months": 1, "reason": reason}
    extended = rights.admin("POST", f"/v1/admin/rights-requests/{request_id}/extension", extension)
    assert extended.status == 200, extended.body
    rights.confirm(rights.verification_link(ASKER))
    assert rights.wait(request_id)["status"] == "SUCCEEDED"

    seen_by_submitter = rights.get(submitters)
    seen_by_mailbox = rights.get(mailbox)

    assert seen_by_submitter.status == seen_by_mailbox.status == 200
    view = seen_by_submitter.json()
    assert view["status"] == "completed" and view["type_label"] == "droit d'accès"
    assert view["export_url"] is None and view["status_label"].startswith("traitée")
    assert view["extended"] is True and view["extended_until"] == view["due_at"] > accepted["due_at"]
    assert view["extension_reason"] == reason
    export_url = seen_by_mailbox.json()["export_url"]
    assert (
        export_url == f"https://api.jaqe.fr/v1/rights-requests/{request_id}/export?token={token_of(mailbox)}"
    )
    download = rights.get(export_url)
    assert download.status == 200 and "rights_request" in download.body
    assert "token_digest" not in download.body  # technical attributes stay out of the export
    summary = rights.get(export_url + "&format=summary")
    assert summary.status == 200 and summary.headers["Content-Type"].startswith("text/plain")
    assert rights.get(export_url.replace(token_of(mailbox), token_of(submitters))).status == 404
    assert ASKER not in seen_by_mailbox.body and "subject_key" not in seen_by_mailbox.body

    page = rights.local.api.request("GET", mailbox, headers=BROWSER)
    assert page.status == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "droit d'accès" in html.unescape(page.body) and html.escape(export_url) in page.body
    assert (
        ASKER not in page.body
        and html.escape(reason) in page.body
        and "Motif de la prolongation" in page.body
    )
    submitter_page = rights.local.api.request("GET", submitters, headers=BROWSER).body
    assert "/export?" not in submitter_page and "Suivi de votre demande" in submitter_page
    wrong = f"/v1/rights-requests/{request_id}?token={'x' * 43}"
    assert rights.get(wrong).status == 404
    assert rights.local.api.request("GET", wrong, headers=BROWSER).status == 404
    unknown = rights.get(f"/v1/rights-requests/rr_unknown?token={token_of(mailbox)}")
    assert unknown.status == 404 and unknown.json() == rights.get(wrong).json()
