"""No mail bombing through our forms (issue 19): anyone may type any address, so the emails a form
sends to the address it names (verification, confirmation, acknowledgement, password) are limited
per address, kind and hour. Beyond the limit each request is still recorded and answered as usual (the
answer must not tell whether the address was mailed), nothing is sent, and a metric counts it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from jaqe.platform import clock
from jaqe.privacy import outbox

from tests.conftest import load_event
from tests.waiting import wait_in
from tests.workflow.conftest import Rights

TARGET = "cible.bombardee@example.fr"


def request_erasure(rights: Rights) -> str:
    response = rights.submit({"type": "erasure", "email": TARGET, "details": "Effacez mes données."})
    assert response.status == 202, response.body
    return str(response.json()["request_id"])


def verification_emails(rights: Rights) -> list[dict]:
    rights.local.settle()
    return [e for e in rights.emails_to(TARGET) if e["links"]]


@pytest.fixture
def held_back(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The metrics the functions add (metrics are disabled locally: these are what CloudWatch gets)."""
    counted: list[str] = []
    monkeypatch.setattr(outbox.metrics, "add_metric", lambda name, **_: counted.append(name))
    return counted


def after_attempts(rights: Rights, held_back: list[str], attempts: int) -> list[dict]:
    """The verification emails sent once `attempts` of them were sent or held back."""

    def done() -> list[dict] | None:
        sent = verification_emails(rights)
        return sent if len(sent) + held_back.count("MailRateLimited") >= attempts else None

    return wait_in(rights.local, done, f"{attempts} verification emails sent or held back")


def test_twelve_rights_requests_for_one_address_send_it_three_emails_and_all_are_recorded(
    rights: Rights, held_back: list[str]
) -> None:
    ids = [request_erasure(rights) for _ in range(12)]

    assert len(after_attempts(rights, held_back, 12)) == outbox.LIMITED_MAILS_PER_WINDOW == 3
    assert held_back.count("MailRateLimited") == 9
    for request_id in ids:  # each one recorded, waiting for its verification like any other
        assert rights.record(request_id)["status"] == "awaiting_verification"


def test_the_limit_is_a_sliding_hour(rights: Rights, held_back: list[str]) -> None:
    first = clock.now()
    clock.freeze(first)
    for _ in range(3):
        request_erasure(rights)
    assert len(after_attempts(rights, held_back, 3)) == 3  # sent at `first` (the workflow mails later)
    clock.freeze(first + timedelta(minutes=59))
    request_erasure(rights)
    assert len(after_attempts(rights, held_back, 4)) == 3

    clock.freeze(first + timedelta(hours=1))  # the first email leaves the window
    request_erasure(rights)
    assert len(after_attempts(rights, held_back, 5)) == 4


def test_each_kind_of_email_has_its_own_allowance(rights: Rights) -> None:
    """Four newsletter subscriptions and four contact messages for one address: 3 confirmations and 3
    acknowledgements; the person's own mail of one kind never holds back another kind."""
    local = rights.local
    subscription = load_event("newsletter/post_subscription.json")
    subscription["body"] = json.dumps({**json.loads(subscription["body"]), "email": TARGET})
    contact = load_event("contact_messages/post_valid.json")
    contact["body"] = json.dumps({**json.loads(contact["body"]), "email": TARGET})
    answers = [
        local.lambdas.invoke_by_name(name, event)["statusCode"]
        for name, event in [("newsletter", subscription), ("contact_messages", contact)] * 4
    ]

    assert answers == [202, 202] * 4  # answered as usual, mailed or not
    local.settle()
    subjects = [e["subject"] for e in rights.emails_to(TARGET)]
    assert len(subjects) == 6 and len(set(subjects)) == 2
    request_erasure(rights)
    rights.wait_for_email(TARGET, "Confirmez votre demande")
