"""Post-mortem directives and portability to another controller, as plain domain rules (issue 20,
items 2 and 5): what is accepted, what the register keeps and what the answers say."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jaqe.privacy.inventory import ITEM_FAMILIES
from jaqe.privacy.register import RECIPIENTS, LegalBasis, PurposeId, purpose
from jaqe.rights.model import Directives, RequestType, RightsRequestIn
from jaqe.rights.post_mortem import outcome
from jaqe.rights.workflow import answer_paragraphs
from pydantic import ValidationError

LINKS = {
    "json": "https://api/x?format=json",
    "summary": "https://api/x?format=summary",
    "expires_at": "2026-12-09",
}


def test_c7_08_directives_have_a_purpose_of_their_own_kept_until_executed_or_revoked():
    directives = purpose(PurposeId.POST_MORTEM_DIRECTIVES)
    assert directives.legal_bases == (LegalBasis.LEGAL_OBLIGATION,)
    assert (
        directives.expires_at(datetime(2026, 1, 1, tzinfo=UTC)) is None
    )  # no timer: only an event ends them
    assert "révoquiez" in directives.retention.text_fr and "exécution" in directives.retention.text_fr
    assert "designated_person" in directives.recipients
    assert PurposeId.POST_MORTEM_DIRECTIVES in ITEM_FAMILIES["post_mortem_directives"].purposes


def test_c7_08_communicating_needs_a_designated_person():
    with pytest.raises(ValidationError, match="désignez la personne"):
        Directives(on_death="communicate", instructions="Transmettre.")
    assert Directives(action="revoke", on_death="communicate").action == "revoke"


def test_c7_06_recipient_email_is_an_email_and_only_for_portability():
    asked = RightsRequestIn(type="portability", email="a@example.fr", recipient_email="dpo@autre.example.fr")
    assert asked.contact().params == {"recipient_email": "dpo@autre.example.fr"}
    with pytest.raises(ValidationError, match="ne concerne que la portabilité"):
        RightsRequestIn(type="access", email="a@example.fr", recipient_email="dpo@autre.example.fr")
    with pytest.raises(ValidationError):
        RightsRequestIn(type="portability", email="a@example.fr", recipient_email="pas-une-adresse")
    assert (
        RECIPIENTS["requested_controller"] and "requested_controller" in purpose("rights_requests").recipients
    )


def test_c7_06_the_portability_answer_says_where_the_links_were_sent_or_that_nothing_was():
    sent, _ = answer_paragraphs(
        RequestType.PORTABILITY, {"links": LINKS, "items": 2, "transmitted_to": "dpo@autre.example.fr"}
    )
    assert "ces liens ont aussi été envoyés à dpo@autre.example.fr" in sent[-1]
    nothing, no_action = answer_paragraphs(
        RequestType.PORTABILITY, {"links": LINKS, "items": 0, "not_transmitted_to": "dpo@autre.example.fr"}
    )
    assert no_action and "rien n'a été envoyé à dpo@autre.example.fr" in nothing[-1]
    plain, _ = answer_paragraphs(RequestType.PORTABILITY, {"links": LINKS, "items": 2})
    assert not any("envoyés à" in p for p in plain)


def test_c7_08_the_designated_person_receives_the_directives_and_the_export_links():
    paragraphs, no_action = answer_paragraphs(
        RequestType.POST_MORTEM_DIRECTIVES, {"action": "communicate", "links": LINKS}, '{"instructions": "X"}'
    )
    text = "\n".join(paragraphs)
    assert (
        not no_action and '"instructions": "X"' in text and LINKS["json"] in text and LINKS["summary"] in text
    )


@pytest.mark.parametrize(
    ("item", "status", "notified"),
    [
        ({"executed_action": "keep", "status": "executed"}, "kept", False),
        ({"executed_action": "erase", "erasure_request_id": "rr_1"}, "erasure_started", False),
        ({"executed_action": "communicate", "link_sent_at": "t"}, "awaiting_designated_person", False),
        ({"executed_action": "communicate", "communicated_at": "t"}, "communicated", True),
    ],
)
def test_c7_08_the_operator_is_told_what_happened_and_nothing_more(item, status, notified):
    answer = outcome({"directives": {"on_death": item["executed_action"]}, "executed_at": "t0", **item})
    assert answer["status"] == status and answer["designated_person_notified"] is notified
    assert answer["on_death"] == item["executed_action"] and answer["executed_at"] == "t0"
