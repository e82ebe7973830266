"""Hostile bodies through the real handlers (API Gateway events, moto): every one gets a 4xx problem
document, none reaches a use case, nothing is stored and no email is sent."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from jaqe.platform.api import MAX_BODY_BYTES, MAX_PROBLEM_ERRORS

from tests.conftest import load_event
from tests.integration.seeds import all_items
from tests.integration.test_newsletter_and_cookies import of_type, subscribe, token_of

OPERATOR = {"X-Local-Operator": "hostile-tests"}
# Each form of the site and one operators' form, with a body its route accepts.
FORMS: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    path: (json.loads(load_event(event)["body"]), {})
    for path, event in {
        "/v1/contact-messages": "contact_messages/post_valid.json",
        "/v1/quote-requests": "quote_requests/post_valid.json",
        "/v1/rights-requests": "rights_requests/post_rectification.json",
        "/v1/professionals": "professionals/post_valid.json",
        "/v1/newsletter/subscriptions": "newsletter/post_subscription.json",
        "/v1/cookie-consents": "cookie_consents/post.json",
    }.items()
}
FORMS["/v1/admin/commercial-partners"] = ({"name": "Partenaire", "email": "p@example.fr"}, OPERATOR)
LINK_POSTS = [
    "/v1/newsletter/confirm",
    "/v1/newsletter/unsubscribe",
    "/v1/rights-requests/verify",
    "/v1/rights-requests/confirm-address",
    "/v1/consents/confirm",
    "/v1/quote-requests/lead_inconnu/acceptance",
]

DEEP = "[" * 3000  # 3 KB; Python's JSON parser gives up (RecursionError) near 1,000 levels
UNKNOWN_KEYS = json.dumps({f"k{i}": 1 for i in range(300_000)})  # 3.6 MB


def over_the_limit(body: dict[str, Any]) -> str:
    """A valid body with one more key: 100 bytes past the limit."""
    text = json.dumps(body)
    return json.dumps({**body, "padding": "x" * (MAX_BODY_BYTES - len(text) + 100)})


def post(local: Any, path: str, body: str, content_type: str, headers: dict[str, str] | None = None) -> Any:
    return local.api.request(
        "POST", path, body=body, headers={"Content-Type": content_type, **(headers or {})}
    )


def assert_problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert (response.status, response.headers.get("Content-Type")) == (status, "application/problem+json"), (
        response.status,
        response.body[:300],
    )
    document = response.json()
    assert document["type"] == f"https://jaqe.fr/problems/{slug}" and document["status"] == status
    return dict(document)


def assert_nothing_happened(local: Any) -> None:
    assert all_items(local) == []
    assert local.outbox() == []


def test_3000_nested_brackets_text_plain_unknown_keys_and_oversized_bodies_are_refused_on_every_form(local):
    for path, (body, headers) in FORMS.items():
        assert_problem(post(local, path, DEEP, "application/json", headers), 400, "json-too-deep")
        assert_problem(
            post(local, path, json.dumps(body), "text/plain", headers), 415, "unsupported-media-type"
        )
        assert_problem(post(local, path, UNKNOWN_KEYS, "application/json", headers), 413, "payload-too-large")
        assert_problem(
            post(local, path, over_the_limit(body), "application/json", headers), 413, "payload-too-large"
        )
        # A form encoding is documented only for the link pages: here it is refused, not parsed.
        assert_problem(
            post(local, path, "name=x", "application/x-www-form-urlencoded", headers),
            415,
            "unsupported-media-type",
        )
    assert_nothing_happened(local)


def test_the_link_pages_accept_their_form_posts_and_refuse_the_rest(local):
    for path in LINK_POSTS:
        # The form a link's page posts reaches the handler: an unknown token is a dead link (410).
        assert post(local, path, "token=inconnu", "application/x-www-form-urlencoded").status == 410
        assert post(local, path, '{"token": "inconnu"}', "application/json").status == 410
        assert_problem(post(local, path, "token=inconnu", "text/plain"), 415, "unsupported-media-type")
        assert_problem(post(local, path, DEEP, "application/json"), 400, "json-too-deep")
    assert_nothing_happened(local)


def test_c7_01_rfc_8058_one_click_posted_as_multipart_form_data_still_unsubscribes(local):
    """RFC 8058 section 3.1: the one-click POST SHOULD be multipart/form-data; the token is the URL's."""
    unsubscribe_url = subscribe(local)
    boundary = "----one-click"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        f"One-Click\r\n--{boundary}--\r\n"
    )
    response = post(
        local,
        f"/v1/newsletter/unsubscribe?token={token_of(unsubscribe_url)}",
        body,
        f"multipart/form-data; boundary={boundary}",
    )

    assert response.status == 200, response.body
    assert not of_type(local, "newsletter_subscription")


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [
        ("/v1/contact-messages", "name", "Camille\r\nBcc: victime@example.fr"),
        ("/v1/contact-messages", "subject", "Devis\nBcc: victime@example.fr"),
        ("/v1/contact-messages", "phone", "06 12 34\r\n56 78"),
        ("/v1/contact-messages", "message", "Bonjour\x00"),
        ("/v1/quote-requests", "contact.first_name", "Camille\r\n"),
        ("/v1/quote-requests", "project.city", "Montpellier\u2028Bcc: x@example.fr"),
        ("/v1/quote-requests", "project.postcode", "34000\r\n"),
        ("/v1/quote-requests", "project.description", "Remplacer un chauffe-eau\x1b[31m rouge"),
        ("/v1/rights-requests", "corrections.last_name", "Exemple\r\nMartin"),
        ("/v1/professionals", "company_name", "Plomberie\r\nBcc: victime@example.fr"),
        ("/v1/professionals", "contact.last_name", "Artisan\n"),
    ],
)
def test_control_characters_in_a_field_get_a_422_naming_it_and_store_nothing(local, path, field, value):
    body, headers = FORMS[path]
    body = json.loads(json.dumps(body))
    *parents, leaf = field.split(".")
    target = body
    for parent in parents:
        target = target[parent]
    target[leaf] = value

    document = assert_problem(
        post(local, path, json.dumps(body), "application/json", headers), 422, "validation-error"
    )

    assert [error["field"] for error in document["errors"]] == [field]
    assert_nothing_happened(local)


def test_newlines_and_tabs_stay_allowed_in_free_text(local):
    body, _ = FORMS["/v1/contact-messages"]
    message = "Bonjour,\n\n\tMa demande tient en deux lignes.\nMerci."

    response = post(
        local, "/v1/contact-messages", json.dumps({**body, "message": message}), "application/json"
    )

    assert response.status == 202, response.body
    [stored] = [item for item in all_items(local) if item["pk"].startswith("CONTACT#")]
    assert stored["message"] == message


def test_thousands_of_unknown_keys_get_the_first_20_errors_and_their_count(local):
    body, _ = FORMS["/v1/contact-messages"]
    unknown = {f"k{i}": 1 for i in range(5000)}  # under the size limit: parsed, then refused

    response = post(local, "/v1/contact-messages", json.dumps({**body, **unknown}), "application/json")

    document = assert_problem(response, 422, "validation-error")
    assert len(document["errors"]) == MAX_PROBLEM_ERRORS
    assert document["error_count"] == 5000
    assert len(response.body) < 4096
    assert_nothing_happened(local)


def test_an_email_whose_subject_and_body_hold_control_characters_still_becomes_a_contact_message(local):
    """The contact form's fields refuse control characters; an email's text is made fit, not refused
    (a refusal there would fail the intake into its dead-letter queue)."""
    body = "Bonjour,\r\n\tune question\x07 sur\x1b[0m vos tarifs.\x7f\r\n"
    raw = (
        "From: Client <client.controle@example.fr>\r\nTo: support@jaqe.fr\r\n"
        "Subject: =?utf-8?q?Question=0D=0ABcc:_victime@example.fr=1B?=\r\n"
        "Date: Tue, 01 Dec 2026 09:30:00 +0000\r\nMessage-ID: <controls@mail.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{base64.encodebytes(body.encode()).decode()}"
    ).encode()

    assert local.receive_email(raw) == {"outcomes": ["contact"]}

    [stored] = [item for item in all_items(local) if item["pk"].startswith("CONTACT#")]
    assert stored["subject"] == "Question Bcc: victime@example.fr"
    assert stored["message"] == "Bonjour,\n\tune question sur[0m vos tarifs."
