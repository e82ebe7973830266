"""What an objection or a withdrawal answers is what the system then does (issue 20, item 4).

Each purpose's effect is written once in the register (`Purpose.objection`, `Purpose.withdrawal`);
the answer quotes it, and these tests hold the processing to each sentence: a purpose said to stop
stops (no similar-services mail, no newsletter, no partner export, no lead in a professional's
space), a purpose said not to be affected is not flagged as if it were (C7-01, C7-07)."""

from __future__ import annotations

from urllib.parse import urlsplit

from jaqe.leads.disclosures import list_leads
from jaqe.privacy.register import PURPOSES, PurposeId, purpose

from tests.integration.seeds import exported
from tests.workflow.test_rights_partner_recipients import EMAIL, PARTNER, QUOTE, in_a_partner_export


def subscribe_to_the_newsletter(local, email: str) -> None:
    body = {"email": email, "policy_version": "2023-09"}
    assert local.api.request("POST", "/v1/newsletter/subscriptions", json_body=body).status == 202
    [mail] = [e for e in local.outbox() if e["to"] == [email] and "Confirmez" in e["subject"]]
    link = urlsplit(mail["links"][0])
    assert local.api.request("POST", f"{link.path}?{link.query}").status == 200


def partner_export_count(local) -> int:
    status, rows = exported(local, PARTNER)
    assert len(rows) == status["count"]
    return int(status["count"])


def leads_of(local, pro_id: str) -> list[dict]:
    with local.environment_of("pro_app"):
        return list_leads(local.store(), pro_id, limit=20, cursor=None)["items"]


def items_of(rights, item_type: str) -> list[dict]:
    return [i for i in rights.scan() if i.get("item_type") == item_type]


def test_c7_01_each_withdrawal_answer_is_what_stops(rights):
    local = rights.local
    in_a_partner_export(rights)  # quote shared with p1, commercial-partner consent confirmed
    subscribe_to_the_newsletter(local, EMAIL)
    [lead_before] = leads_of(local, "p1")
    assert lead_before["shared"]["email"] == EMAIL and partner_export_count(local) == 1
    consent_purposes = [p.id.value for p in PURPOSES.values() if p.needs_consent]

    request_id, execution = rights.run(
        {"type": "withdraw_consent", "email": EMAIL, "purposes": consent_purposes}
    )

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    answer = rights.wait_for_email(EMAIL, "Réponse à votre demande")["text"]
    for purpose_id in consent_purposes:
        assert purpose(purpose_id).withdrawal.text_fr in " ".join(answer.split()), purpose_id
    # Newsletter: "votre abonnement est supprimé".
    assert items_of(rights, "newsletter_subscription") == []
    # Commercial partners: "ne figurent plus dans aucune transmission".
    assert partner_export_count(local) == 0
    # Quote matching: "n'y ont plus accès dans leur espace"; the record of who received it stays.
    [lead_after] = leads_of(local, "p1")
    assert lead_after["shared"] == {} and lead_after["consent_withdrawn"] is True
    assert [d["pro_id"] for d in items_of(rights, "disclosure") if d.get("pro_id")] == ["p1"]
    # Cookies: the answer sends the person to the banner; nothing recorded pretends otherwise.
    withdrawn = {e["consent_purpose"] for e in items_of(rights, "consent_event") if not e["granted"]}
    assert withdrawn == {"quote_matching", "newsletter", "commercial_partners"}
    assert "Gérer mes cookies" in answer


def test_c7_07_each_objection_answer_is_what_stops_and_compelling_grounds_are_named(rights):
    local = rights.local
    in_a_partner_export(rights)
    other = "dominique.autre@example.fr"
    quote = {**QUOTE, "contact": {**QUOTE["contact"], "email": other}}
    assert local.api.request("POST", "/v1/quote-requests", json_body=quote).status == 201
    every_purpose = [p.value for p in PurposeId]

    request_id, execution = rights.run({"type": "objection", "email": EMAIL, "purposes": every_purpose})

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    answer = " ".join(rights.wait_for_email(EMAIL, "Réponse à votre demande")["text"].split())
    for purpose_id in every_purpose:
        assert purpose(purpose_id).objection.text_fr in answer, purpose_id
    [flags] = [i for i in items_of(rights, "subject_flags") if i["subject_key"] == rights.subject_key(EMAIL)]
    assert flags["objections"] == ["similar_services_emails"]  # only what the answer says stops
    before = len(local.outbox())
    assert local.lambdas.invoke_by_name("similar_services", {"trade": "plomberie"})["sent"] == 1
    assert [e["to"] for e in local.outbox()[before:]] == [[other]]
