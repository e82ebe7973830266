"""Withdrawing cookie consent by a rights request (issue 21): cookie choices are kept per browser, under
a visitor id never tied to an email address. With the visitor id "Gérer mes cookies" shows, the request
withdraws that record (the browser applies it on its next visit: tests/browser); without it, the answer
says where the choice lives and how to withdraw it, and nothing pretends otherwise (C7-01)."""

from __future__ import annotations

import uuid

from jaqe.privacy.register import COOKIE_CHOICE_WITHDRAWN, PurposeId, purpose

EMAIL = "dominique.visiteur@example.fr"
COOKIES = [PurposeId.AUDIENCE_MEASUREMENT.value, PurposeId.ADVERTISING.value]


def a_visitor_who_accepted_everything(rights) -> str:
    visitor = str(uuid.uuid4())
    body = {
        "visitor_id": visitor,
        "choices": {"analytics": True, "advertising": True},
        "policy_version": "2023-09",
    }
    assert rights.local.api.request("POST", "/v1/cookie-consents", json_body=body).status == 201
    return visitor


def recorded(rights, visitor: str) -> dict:
    return rights.local.api.request("GET", f"/v1/cookie-consents/{visitor}").json()


def answer_text(rights) -> str:
    return " ".join(rights.wait_for_email(EMAIL, "Réponse à votre demande")["text"].split())


def test_c7_01_a_request_with_the_visitor_id_withdraws_that_cookie_choice(rights):
    visitor = a_visitor_who_accepted_everything(rights)

    request_id, execution = rights.run(
        {"type": "withdraw_consent", "email": EMAIL, "purposes": [COOKIES[1]], "visitor_id": visitor}
    )

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    choice = recorded(rights, visitor)
    assert choice["choices"] == {"analytics": True, "advertising": False}  # only what was asked
    assert choice["source"] == "rights_request"
    assert COOKIE_CHOICE_WITHDRAWN.text_fr in answer_text(rights)


def test_c7_01_without_a_known_visitor_id_the_answer_sends_the_person_to_the_banner(rights):
    visitor = a_visitor_who_accepted_everything(rights)

    request_id, execution = rights.run(
        {"type": "withdraw_consent", "email": EMAIL, "purposes": COOKIES, "visitor_id": str(uuid.uuid4())}
    )

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    assert recorded(rights, visitor)["choices"] == {"analytics": True, "advertising": True}
    text = answer_text(rights)
    assert "Aucun choix en matière de cookies n'est enregistré pour l'identifiant de visiteur indiqué" in text
    assert purpose(COOKIES[0]).withdrawal.text_fr in text and "Gérer mes cookies" in text


def test_a_visitor_id_outside_a_cookie_withdrawal_is_refused_and_nothing_starts(rights):
    for body in (
        {
            "type": "withdraw_consent",
            "email": EMAIL,
            "purposes": ["newsletter"],
            "visitor_id": str(uuid.uuid4()),
        },
        {"type": "access", "email": EMAIL, "visitor_id": str(uuid.uuid4())},
        {"type": "withdraw_consent", "email": EMAIL, "purposes": COOKIES, "visitor_id": "pas-un-identifiant"},
    ):
        response = rights.submit(body)
        assert response.status == 422 and response.headers["Content-Type"] == "application/problem+json"
    assert rights.emails_to(EMAIL) == []
