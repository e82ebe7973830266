"""Outgoing mail's rules, without AWS: every template names a register purpose, which mail is
marketing, and what the sender decides for a stored message (issue 17)."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest
from jaqe.platform import templates
from jaqe.platform.mail import STORED, OutgoingEmail, QueuedMail
from jaqe.privacy.outbox import Outcome, decide, is_marketing
from jaqe.privacy.register import PurposeId

SOURCE = Path(inspect.getfile(templates))
UNSUBSCRIBE = "https://api.jaqe.fr/v1/newsletter/unsubscribe?token=t"


def test_every_template_names_a_purpose_of_the_register() -> None:
    tree = ast.parse(SOURCE.read_text())
    built = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "OutgoingEmail"
    ]
    assert built
    for call in built:
        [purpose] = [k.value for k in call.keywords if k.arg == "purpose"]
        assert isinstance(purpose, ast.Constant) and purpose.value in {p.value for p in PurposeId}


def test_mail_about_someone_else_names_that_person() -> None:
    lead = {"trade_label": "Plomberie", "city": "Sète", "description": "d", "postcode": "34200"}
    lead |= {"timeframe": "t", "first_name": "C", "last_name": "E", "phone": "0", "email": "c@example.fr"}
    assert templates.lead_for_professional("pro@example.fr", "SARL", lead, about="key-c").about == "key-c"
    notice = templates.rights_recipient_notice("pro@example.fr", "erasure", "lead_1", about="key-c")
    assert notice.about == "key-c" and notice.purpose == PurposeId.RIGHTS_REQUESTS.value
    breach = templates.breach_notice("c@example.fr", "n", "c", "m", about="key-c")
    assert breach.about == "key-c" and breach.purpose == PurposeId.INCIDENT_RECORDS.value
    assert templates.contact_acknowledgement("c@example.fr", "m_1").about is None  # the recipient


def test_marketing_is_what_carries_an_unsubscribe_link_or_a_marketing_purpose() -> None:
    assert is_marketing(templates.newsletter_welcome("c@example.fr", UNSUBSCRIBE))
    assert is_marketing(templates.similar_services("c@example.fr", "Plomberie", UNSUBSCRIBE))
    assert is_marketing(OutgoingEmail("c@example.fr", "s", "t", purpose="similar_services_emails"))
    # What the person asked for is transactional: the double opt-in link, a rights answer.
    assert not is_marketing(templates.newsletter_confirmation("c@example.fr", "https://x/confirm"))
    assert not is_marketing(templates.rights_answer("c@example.fr", "r_1", "effacement", ["ok"]))
    assert not is_marketing(templates.rights_verification("c@example.fr", "r_1", "accès", "https://x", 7))


@pytest.mark.parametrize(
    ("marketing", "bounced", "suppressed", "outcome"),
    [
        (False, False, False, Outcome.SENT),
        (False, False, True, Outcome.SENT),  # the answer to one's own erasure still arrives
        (False, True, False, Outcome.BLOCKED),
        (True, False, False, Outcome.SENT),
        (True, False, True, Outcome.SUPPRESSED),
        (True, True, True, Outcome.BLOCKED),
    ],
)
def test_bounces_stop_every_mail_and_suppression_stops_marketing_only(
    marketing: bool, bounced: bool, suppressed: bool, outcome: Outcome
) -> None:
    email = OutgoingEmail(
        "c@example.fr",
        "s",
        "t",
        unsubscribe_url=UNSUBSCRIBE if marketing else None,
        purpose=PurposeId.NEWSLETTER.value if marketing else PurposeId.RIGHTS_REQUESTS.value,
    )
    assert decide(email, bounced=bounced, suppressed=suppressed) is outcome


def test_a_queue_message_names_its_stored_message_or_its_records_by_ids_only() -> None:
    assert QueuedMail.of('{"mail_id": "mail_1"}') == QueuedMail(STORED, {"mail_id": "mail_1"})
    assert QueuedMail.stored("mail_1").body == '{"mail_id": "mail_1"}'
    rendered = QueuedMail("quote_confirmation", {"lead_id": "lead_1", "pro_ids": ["pro_1", "pro_2"]})
    assert QueuedMail.of(rendered.body) == rendered
    assert json.loads(rendered.body) == {
        "mail": "quote_confirmation",
        "lead_id": "lead_1",
        "pro_ids": ["pro_1", "pro_2"],
    }
    for not_ids in (
        '{"to": "c@example.fr", "subject": "s", "text": "t"}',  # a message itself
        '{"mail": "quote_confirmation", "lead": {"email": "c@example.fr"}}',  # a record, not its id
        '{"mail": "quote_confirmation", "note": "' + "x" * 200 + '"}',  # text, not an id
        '{"lead_id": "lead_1"}',  # no template named
        '["mail_1"]',
    ):
        with pytest.raises(ValueError):
            QueuedMail.of(not_ids)
