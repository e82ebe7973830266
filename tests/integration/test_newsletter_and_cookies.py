"""Newsletter double opt-in and one-click unsubscribe; cookie consents; similar-services mailing."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
from jaqe.marketing.model import SubscriptionIn
from jaqe.platform import clock
from jaqe.privacy.register import PurposeId
from jaqe.privacy.subject_flags import Subjects

from jaqe_dev.stack import LocalStack
from tests.conftest import load_event
from tests.integration.seeds import all_items

SUBSCRIBER = "dominique.abonne@example.fr"


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def subscribe(local: LocalStack) -> str:
    """Subscribe and follow the confirmation link; returns the one-click unsubscribe URL."""
    response = local.lambdas.invoke_by_name("newsletter", load_event("newsletter/post_subscription.json"))
    assert response["statusCode"] == 202
    [confirmation] = [e for e in local.outbox() if "Confirmez" in e["subject"]]
    confirm = local.api.request("POST", path_of(confirmation["links"][0]))  # what the link's page posts
    assert confirm.status == 200, confirm.body
    [welcome] = [e for e in local.outbox() if "confirmée" in e["subject"]]
    return welcome["headers"]["List-Unsubscribe"].strip("<>")


def of_type(local: LocalStack, item_type: str) -> list[dict]:
    return [i for i in all_items(local) if i.get("item_type") == item_type]


def test_c3_09_newsletter_needs_the_confirmation_link_before_anything_is_subscribed(local):
    local.lambdas.invoke_by_name("newsletter", load_event("newsletter/post_subscription.json"))

    assert not of_type(local, "newsletter_subscription")
    assert not of_type(local, "consent_event")
    [email] = local.outbox()
    assert email["to"] == [SUBSCRIBER] and "/v1/newsletter/confirm?token=" in email["links"][0]
    assert "List-Unsubscribe" not in email["headers"]  # transactional


def test_c2_03_c3_09_confirmed_subscription_is_kept_until_unsubscribe_with_consent_proof(local):
    subscribe(local)

    [subscription] = of_type(local, "newsletter_subscription")
    assert subscription["status"] == "confirmed" and "expires_at" not in subscription
    [consent] = of_type(local, "consent_event")
    assert consent["consent_purpose"] == "newsletter" and consent["granted"] is True
    assert consent["channel"] == "web:double_opt_in"


def test_confirmation_links_are_single_use_and_expire(local):
    local.lambdas.invoke_by_name("newsletter", load_event("newsletter/post_subscription.json"))
    link = path_of(local.outbox()[0]["links"][0])

    assert local.api.request("POST", link).status == 200
    again = local.api.request("POST", link)
    assert again.status == 410 and again.headers["Content-Type"] == "application/problem+json"

    local.lambdas.invoke_by_name("newsletter", load_event("newsletter/post_subscription.json"))
    late_link = path_of(local.outbox()[-1]["links"][0])
    clock.travel(timedelta(days=8))
    assert local.api.request("POST", late_link).status == 410


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
FORM = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}


def hidden_token(page: str) -> str:
    [value] = re.findall(r'<form method="post"><input type="hidden" name="token" value="([^"]*)">', page)
    return value


def test_c3_09_opening_the_confirmation_link_subscribes_nobody_its_page_s_form_does(local):
    local.lambdas.invoke_by_name("newsletter", load_event("newsletter/post_subscription.json"))
    link = path_of(local.outbox()[0]["links"][0])

    for _ in range(2):  # a mail scanner, then the person: the same page, nothing done
        opened = local.api.request("GET", link, headers=BROWSER)
        assert opened.status == 200 and opened.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "default-src 'none'" in opened.headers["Content-Security-Policy"]
        assert opened.headers["Referrer-Policy"] == "no-referrer"
        assert hidden_token(opened.body) == token_of(link) and "Confirmer mon inscription" in opened.body
    assert not of_type(local, "newsletter_subscription") and not of_type(local, "consent_event")
    assert len(local.outbox()) == 1  # no welcome email

    confirmed = local.api.request("POST", link, body=f"token={token_of(link)}", headers=FORM)

    assert confirmed.status == 200 and confirmed.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Inscription confirmée" in confirmed.body
    assert [s["status"] for s in of_type(local, "newsletter_subscription")] == ["confirmed"]
    again = local.api.request("POST", link, body=f"token={token_of(link)}", headers=FORM)
    assert again.status == 410 and again.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "déjà servi" in again.body and "rien à faire" in again.body
    json_again = local.api.request("POST", "/v1/newsletter/confirm", json_body={"token": token_of(link)})
    assert json_again.status == 410 and json_again.headers["Content-Type"] == "application/problem+json"


def test_c3_09_a_json_client_confirms_with_a_token_in_its_body_and_gets_json(local):
    local.lambdas.invoke_by_name("newsletter", load_event("newsletter/post_subscription.json"))
    token = token_of(local.outbox()[0]["links"][0])

    response = local.api.request(
        "POST", "/v1/newsletter/confirm", json_body={"token": token}, headers={"Accept": "application/json"}
    )

    assert response.status == 200 and response.json() == {"status": "confirmed"}
    assert of_type(local, "newsletter_subscription")


def test_c7_01_opening_the_unsubscribe_link_keeps_the_subscription_its_page_s_form_ends_it(local):
    unsubscribe_url = subscribe(local)
    link = path_of(unsubscribe_url)

    opened = local.api.request("GET", link, headers=BROWSER)

    assert opened.status == 200 and hidden_token(opened.body) == token_of(link)
    assert "Me désinscrire" in opened.body
    assert [s["status"] for s in of_type(local, "newsletter_subscription")] == ["confirmed"]
    done = local.api.request("POST", link, body=f"token={token_of(link)}", headers=FORM)
    assert done.status == 200 and "désinscrit de la newsletter" in done.body
    assert not of_type(local, "newsletter_subscription")
    assert [
        e["granted"] for e in sorted(of_type(local, "consent_event"), key=lambda e: e["occurred_at"])
    ] == [
        True,
        False,
    ]
    used = local.api.request("POST", link, body=f"token={token_of(link)}", headers=FORM)
    assert used.status == 410 and "déjà désinscrit" in used.body


def test_a_link_s_page_escapes_what_the_address_carries(local):
    hostile = '"><script>alert(1)</script><b x="'
    for path in ("/v1/newsletter/confirm", "/v1/newsletter/unsubscribe"):
        page = local.api.request("GET", f"{path}?{urlencode({'token': hostile})}", headers=BROWSER)

        # An unknown token is a dead link: said at once, and nothing of the address is echoed.
        assert page.status == 410 and "déjà servi" in page.body
        assert "<script" not in page.body and "<b x" not in page.body
    nothing = local.api.request(
        "POST", "/v1/newsletter/unsubscribe", body=urlencode({"token": hostile}), headers=FORM
    )
    assert nothing.status == 410 and "<script" not in nothing.body


def test_c7_01_one_click_unsubscribe_deletes_the_subscription_and_records_the_withdrawal(local):
    unsubscribe_url = subscribe(local)
    [welcome] = [e for e in local.outbox() if "confirmée" in e["subject"]]
    assert welcome["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    event = load_event("newsletter/post_unsubscribe_one_click.json")
    event["queryStringParameters"] = {"token": token_of(unsubscribe_url)}
    event["multiValueQueryStringParameters"] = {"token": [token_of(unsubscribe_url)]}
    response = local.lambdas.invoke_by_name("newsletter", event)

    assert response["statusCode"] == 200
    assert not of_type(local, "newsletter_subscription")
    events = sorted(of_type(local, "consent_event"), key=lambda e: e["occurred_at"])
    assert [e["granted"] for e in events] == [True, False]
    assert local.lambdas.invoke_by_name("newsletter", event)["statusCode"] == 410


def test_unsubscribe_without_token_is_a_422(local):
    response = local.api.request("POST", "/v1/newsletter/unsubscribe", json_body={})
    assert response.status == 422


def test_subscribing_answers_the_same_for_a_known_and_an_unknown_address(local):
    subscribe(local)
    again = local.lambdas.invoke_by_name("newsletter", load_event("newsletter/post_subscription.json"))
    other = local.api.request(
        "POST",
        "/v1/newsletter/subscriptions",
        json_body={"email": "new@example.fr", "policy_version": "2023-09"},
    )
    assert again["statusCode"] == other.status == 202
    assert json.loads(again["body"]) == other.json()


VISITOR = "3f0c8a56-5f2e-4c8e-9a57-0d2f4b1e9c11"


def test_c6_02_cookie_choice_is_recorded_per_purpose_and_reads_back(local):
    response = local.lambdas.invoke_by_name("cookie_consents", load_event("cookie_consents/post.json"))

    assert response["statusCode"] == 201
    recorded = json.loads(response["body"])
    assert recorded["consent_id"].startswith("cc_")
    read = local.lambdas.invoke_by_name("cookie_consents", load_event("cookie_consents/get.json"))
    current = json.loads(read["body"])
    assert read["statusCode"] == 200
    assert current["choices"] == {"analytics": True, "advertising": False}
    assert current["expires_at"] == recorded["expires_at"]


def test_c6_04_a_new_cookie_choice_supersedes_the_old_one(local):
    local.lambdas.invoke_by_name("cookie_consents", load_event("cookie_consents/post.json"))
    refusal = {
        "visitor_id": VISITOR,
        "choices": {"analytics": False, "advertising": False},
        "policy_version": "2023-09",
    }

    local.api.request("POST", "/v1/cookie-consents", json_body=refusal)

    current = local.api.request("GET", f"/v1/cookie-consents/{VISITOR}").json()
    assert current["choices"] == {"analytics": False, "advertising": False}


def choose_cookies(local: LocalStack, analytics: bool, advertising: bool) -> dict:
    choice = {
        "visitor_id": VISITOR,
        "choices": {"analytics": analytics, "advertising": advertising},
        "policy_version": "2023-09",
    }
    assert local.api.request("POST", "/v1/cookie-consents", json_body=choice).status == 201
    current = local.api.request("GET", f"/v1/cookie-consents/{VISITOR}")
    assert current.status == 200
    return dict(current.json()["choices"])


def test_c3_11_c3_12_each_cookie_purpose_has_its_own_consent(local):
    assert choose_cookies(local, analytics=True, advertising=False) == {
        "analytics": True,
        "advertising": False,
    }
    assert choose_cookies(local, analytics=False, advertising=True) == {
        "analytics": False,
        "advertising": True,
    }


def test_c6_01_refusing_every_cookie_is_remembered_without_any_consent(local):
    """The choice is kept by a technical cookie, which needs no consent: a refusal of everything is
    recorded and read back like any other choice, so the banner is not shown again."""
    assert choose_cookies(local, analytics=False, advertising=False) == {
        "analytics": False,
        "advertising": False,
    }
    [recorded] = of_type(local, "cookie_consent")
    assert (
        recorded["visitor_id"] == VISITOR and "subject_key" not in recorded
    )  # a random id, nobody's address


def test_c3_13_cookie_consent_lasts_thirteen_months_then_is_gone(local):
    clock.freeze(datetime(2026, 1, 31, 10, 0, tzinfo=UTC))
    created = local.lambdas.invoke_by_name("cookie_consents", load_event("cookie_consents/post.json"))
    assert json.loads(created["body"])["expires_at"].startswith("2027-02-28T10:00")

    clock.freeze(datetime(2027, 2, 28, 9, 59, tzinfo=UTC))
    assert local.api.request("GET", f"/v1/cookie-consents/{VISITOR}").status == 200
    clock.freeze(datetime(2027, 2, 28, 10, 1, tzinfo=UTC))
    gone = local.api.request("GET", f"/v1/cookie-consents/{VISITOR}")
    assert gone.status == 404 and gone.headers["Content-Type"] == "application/problem+json"


def test_cookie_consent_input_is_validated(local):
    bad = {"visitor_id": "not-a-uuid", "choices": {"analytics": "yes"}, "policy_version": "2023-09"}
    response = local.api.request("POST", "/v1/cookie-consents", json_body=bad)
    assert response.status == 422
    assert {"visitor_id", "choices.analytics", "choices.advertising"} <= {
        e["field"] for e in response.json()["errors"]
    }
    assert local.api.request("GET", "/v1/cookie-consents/not-a-uuid").status == 422
    assert local.api.request("GET", f"/v1/cookie-consents/{uuid.uuid4()}").status == 404


def quote(local: LocalStack, email: str, trade: str = "plomberie") -> None:
    body = json.loads(load_event("quote_requests/post_valid.json")["body"])
    body["contact"]["email"] = email
    body["project"]["trade"] = trade
    assert local.api.request("POST", "/v1/quote-requests", json_body=body).status == 201


def test_c3_08_c7_07_similar_services_reach_past_requesters_except_objectors_and_suppressed(local):
    for email in ("a@example.fr", "b@example.fr", "c@example.fr"):
        quote(local, email)
    quote(local, "a@example.fr")  # twice: mailed once
    quote(local, "other-trade@example.fr", trade="toiture")
    with local.environment_of("similar_services"):
        Subjects(local.store()).object_to(
            local.subject_key("b@example.fr"), [PurposeId.SIMILAR_SERVICES_EMAILS]
        )
        Subjects(local.store()).suppress(local.subject_key("c@example.fr"), "erasure")
    before = len(local.outbox())

    result = local.lambdas.invoke_by_name("similar_services", {"trade": "plomberie"})

    mailed = local.outbox()[before:]
    assert result["sent"] == 1
    assert [e["to"] for e in mailed] == [["a@example.fr"]]
    assert mailed[0]["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # C7-07: one click on that unsubscribe link is an objection; the next mailing skips the person.
    token = token_of(mailed[0]["headers"]["List-Unsubscribe"].strip("<>"))
    response = local.api.request(
        "POST", f"/v1/newsletter/unsubscribe?token={token}", body="List-Unsubscribe=One-Click"
    )
    assert response.json() == {"status": "unsubscribed", "purpose": "similar_services_emails"}
    assert local.lambdas.invoke_by_name("similar_services", {"trade": "plomberie"})["sent"] == 0


def test_c7_04_idempotency_records_hold_no_reversible_hash_of_the_payload(local):
    """Issue 17: the idempotency record validates a reuse of the key on an HMAC of the payload under
    the subject-key secret, never on the unsalted MD5 that a list of addresses would reverse (an
    erased person's address must not be recoverable from it). Same key, same payload: the first
    answer; same key, another payload: 422."""
    body = json.loads(load_event("newsletter/post_subscription.json")["body"])
    headers = {"Idempotency-Key": "newsletter-retry-1"}
    post = lambda json_body: local.api.request(  # noqa: E731
        "POST", "/v1/newsletter/subscriptions", json_body=json_body, headers=headers
    )

    first, retried = post(body), post(body)
    other = post({**body, "email": "autre.personne@example.fr"})

    assert first.status == retried.status == 202 and retried.json() == first.json()
    assert other.status == 422
    assert len([e for e in local.outbox() if "Confirmez" in e["subject"]]) == 1
    table = boto3.resource("dynamodb").Table(local.provisioned.table_name("IdempotencyTable"))
    records = json.dumps(table.scan()["Items"], default=str)
    payload = SubscriptionIn.model_validate(body).model_dump()
    for data in (payload, body):
        canonical = json.dumps(data, sort_keys=True).encode()
        unkeyed = (hashlib.md5(canonical), hashlib.sha1(canonical), hashlib.sha256(canonical))  # noqa: S324
        for digest in unkeyed:
            assert digest.hexdigest() not in records
    assert SUBSCRIBER not in records and "abonne" not in records
    assert '"validation"' in records  # a reuse is validated, on the keyed fingerprint
