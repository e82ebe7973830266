"""Deadlines (Art. 12(3)): one calendar month, month ends clamp, extensions of up to two months."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jaqe.rights.model import RequestType, RightsRequestIn
from jaqe.rights.records import due_date
from jaqe.rights.workflow import answer_paragraphs
from pydantic import ValidationError


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (datetime(2027, 1, 31, 10, tzinfo=UTC), datetime(2027, 2, 28, 10, tzinfo=UTC)),
        (datetime(2028, 1, 31, 10, tzinfo=UTC), datetime(2028, 2, 29, 10, tzinfo=UTC)),
        (datetime(2027, 3, 31, 10, tzinfo=UTC), datetime(2027, 4, 30, 10, tzinfo=UTC)),
        (datetime(2027, 12, 15, 10, tzinfo=UTC), datetime(2028, 1, 15, 10, tzinfo=UTC)),
    ],
)
def test_due_one_calendar_month_after_receipt_month_ends_clamp(received, due):
    assert due_date(received) == due


def test_an_extension_of_two_months_counts_from_receipt():
    assert due_date(datetime(2027, 1, 31, tzinfo=UTC), 2) == datetime(2027, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "body",
    [
        {"type": "withdraw_consent", "email": "a@example.fr"},  # which purposes?
        {"type": "withdraw_consent", "email": "a@example.fr", "purposes": ["similar_services_emails"]},
        {"type": "rectification", "email": "a@example.fr"},
        {"type": "rectification", "email": "a@example.fr", "corrections": {}},
        # The new address (issue 20) must differ from the request's, whatever its case.
        {"type": "rectification", "email": "a@example.fr", "corrections": {"email": "A@example.fr"}},
        {"type": "access", "email": "a@example.fr", "corrections": {"first_name": "A"}},
        {"type": "post_mortem_directives", "email": "a@example.fr"},
        {"type": "post_mortem_directives", "email": "a@example.fr", "directives": {"action": "set"}},
        {"type": "access", "email": "not-an-email"},
        {"type": "unknown", "email": "a@example.fr"},
        {"type": "access", "email": "a@example.fr", "purposes": ["newsletter"]},
    ],
)
def test_each_type_requires_its_own_fields_and_only_those(body):
    with pytest.raises(ValidationError):
        RightsRequestIn.model_validate(body)


def test_c7_10_every_refusal_or_no_action_answer_is_flagged_to_name_the_cnil():
    _, refused = answer_paragraphs(RequestType.RECTIFICATION, {"refused": True, "reason": "x"})
    _, nothing = answer_paragraphs(RequestType.POST_MORTEM_DIRECTIVES, {"action": "revoke", "found": False})
    _, objection = answer_paragraphs(
        RequestType.OBJECTION, {"applied": [], "not_applicable": ["quote_matching"]}
    )
    _, done = answer_paragraphs(RequestType.RESTRICTION, {"restricted": True})
    assert (refused, nothing, objection, done) == (True, True, True, False)


def test_c7_10_the_answer_template_names_the_cnil_and_the_controller():
    from jaqe.platform.templates import rights_answer

    email = rights_answer("a@example.fr", "rr_1", "droit d'accès", ["Refus."], no_action=True)
    assert "3 Place de Fontenoy - TSA 80715 - 75334 PARIS CEDEX" in email.text
    assert "RCS Montpellier 883 536 195" in email.text


def test_c7_03_an_email_rectification_answer_says_where_the_data_now_is_and_what_else_changed() -> None:
    outcome = {
        "address_changed": True,
        "items_moved": 9,
        "login_changed": True,
        "fields": ["email", "phone"],
        "updated": {"lead": 1},
    }

    paragraphs, no_action = answer_paragraphs(RequestType.RECTIFICATION, outcome, new_address="n@example.fr")

    text = "\n".join(paragraphs)
    assert not no_action
    assert "désormais n@example.fr" in text and "9 élément(s)" in text and "JAQE Pro" in text
    assert "(phone) dans 1 enregistrement(s)" in text
    only_address, _ = answer_paragraphs(
        RequestType.RECTIFICATION,
        {**outcome, "login_changed": False, "fields": ["email"]},
        new_address="n@example.fr",
    )
    assert "JAQE Pro" not in "\n".join(only_address) and "autres données" not in "\n".join(only_address)
