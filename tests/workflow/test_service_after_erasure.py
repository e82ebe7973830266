"""Issue 20: what an erasure leaves, and what the person may ask afterwards, through the real rights
workflow (API handler, ASL in moto, the verification link) and the real handlers.

- Suppression blocks marketing, not service: after an erasure, a new quote request is matched and
  shared like any other, while newsletter mail, similar-services emails and partner exports stay
  stopped until the person gives a new consent for them (C7-04, C3-08, C3-09, C4-05).
- Proof of consent after erasure (Art. 7(1)): each consent event stays as a pseudonymous proof, named
  in the answer, and goes five years after its event.
"""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from urllib.parse import urlsplit

from jaqe.platform import clock
from jaqe.platform.mail import OutgoingEmail
from jaqe.privacy.consent import PROOF_FIELDS, ConsentLedger
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.periods import Period, add_period

from jaqe_dev.apigw import Caller
from jaqe_dev.stack import LocalStack
from tests.conftest import load_event
from tests.integration.seeds import all_items, listed_professional
from tests.integration.test_consent_confirmation import confirmation_link, exported
from tests.integration.test_quote_acceptance import acceptance_link

QUOTE = json.loads(load_event("quote_requests/post_valid.json")["body"])
EMAIL = QUOTE["contact"]["email"]
NEWSLETTER_ISSUE = "La newsletter JAQE de décembre"


def quote(local: LocalStack, *, newsletter: bool = False, commercial_partners: bool = False) -> dict:
    body = copy.deepcopy(QUOTE)
    body["consents"].update(newsletter=newsletter, commercial_partners=commercial_partners)
    response = local.api.request("POST", "/v1/quote-requests", json_body=body)
    assert response.status == 201, response.body
    return dict(response.json())


def follow_newsletter_confirmation(local: LocalStack) -> None:
    """What the double opt-in link's page posts (the last confirmation email sent to the person)."""
    [*_, mail] = [
        e for e in local.outbox() if e["to"] == [EMAIL] and "Confirmez votre inscription" in e["subject"]
    ]
    parts = urlsplit(next(link for link in mail["links"] if "/v1/newsletter/confirm?token=" in link))
    assert local.api.request("POST", f"{parts.path}?{parts.query}").status == 200


def send_newsletter_issue(local: LocalStack) -> None:
    """A newsletter mailing's message to the person (marketing: a one-click unsubscribe link), through
    the outbox and the mail sender as every send goes."""
    with local.environment_of("newsletter"):
        OutboxMailer().send(
            OutgoingEmail(
                to=EMAIL,
                subject=NEWSLETTER_ISSUE,
                text="Nos conseils de saison.",
                unsubscribe_url="https://api.jaqe.fr/v1/newsletter/unsubscribe?token=t",
                tags={"template": "newsletter_issue"},
                purpose="newsletter",
            )
        )
    local.settle()


def received(local: LocalStack, subject_part: str) -> int:
    return len([e for e in local.outbox() if e["to"] == [EMAIL] and subject_part in e["subject"]])


def similar_services_sent(local: LocalStack) -> int:
    return int(local.lambdas.invoke_by_name("similar_services", {"trade": QUOTE["project"]["trade"]})["sent"])


def test_c7_04_an_erased_persons_new_quote_request_is_matched_and_shared_while_marketing_stays_blocked(
    rights,
):
    local = rights.local
    listed_professional(local, "p1")
    key = rights.subject_key(EMAIL)
    # Before: a request with both optional consents, confirmed; newsletter and exports reach the person.
    quote(local, newsletter=True, commercial_partners=True)
    assert local.api.request("POST", confirmation_link(local, EMAIL)).status == 200
    follow_newsletter_confirmation(local)
    assert EMAIL in exported(local)

    _, execution = rights.run({"type": "erasure", "email": EMAIL})
    assert execution["status"] == "SUCCEEDED"

    # A new request is a new relationship: matched and shared, under a fresh consent record.
    answer = quote(local)
    assert answer["matched_professionals"] == 1
    lead_id = answer["request_id"]
    [disclosure] = [
        i for i in all_items(local) if i.get("item_type") == "disclosure" and i["lead_id"] == lead_id
    ]
    assert disclosure["pro_id"] == "p1" and disclosure["legal_basis"]["consent_source"] == lead_id
    [fresh] = [i for i in all_items(local) if i.get("item_type") == "consent_event"]
    assert fresh["consent_purpose"] == "quote_matching" and fresh["source"] == lead_id
    leads = local.api.request("GET", "/v1/pro/me/leads", caller=Caller(claims={"custom:pro_id": "p1"})).json()
    assert [lead["lead_id"] for lead in leads["items"]] == [lead_id]  # the one before went with the erasure
    [*_, confirmation] = [e for e in local.outbox() if e["to"] == [EMAIL] and "devis" in e["subject"]]
    assert (
        "transmise à 1 professionnel(s)" in confirmation["text"] and "Entreprise p1" in confirmation["text"]
    )
    assert "aucun professionnel" not in confirmation["text"]
    assert acceptance_link(local, EMAIL).startswith(f"/v1/quote-requests/{lead_id}/acceptance?token=")

    # Marketing and partner exports stay stopped: the suppression stands, no consent given since.
    send_newsletter_issue(local)
    assert received(local, NEWSLETTER_ISSUE) == 0
    assert similar_services_sent(local) == 0
    assert EMAIL not in exported(local)
    assert local.store().get(f"SUPPRESSION#{key}", "SUPPRESSION") is not None

    # A new newsletter consent (double opt-in confirmed) reopens the newsletter, and only it.
    welcomes = received(local, "inscription à la newsletter JAQE est confirmée")
    subscribed = local.api.request(
        "POST", "/v1/newsletter/subscriptions", json_body={"email": EMAIL, "policy_version": "2023-09"}
    )
    assert subscribed.status == 202
    send_newsletter_issue(local)
    assert received(local, NEWSLETTER_ISSUE) == 0  # asked, not yet confirmed: still stopped
    follow_newsletter_confirmation(local)
    assert received(local, "inscription à la newsletter JAQE est confirmée") == welcomes + 1
    send_newsletter_issue(local)
    assert received(local, NEWSLETTER_ISSUE) == 1
    assert (
        similar_services_sent(local) == 0
    )  # legitimate interest: no consent renews it (docs/architecture.md)
    assert EMAIL not in exported(local)

    # A commercial-partners consent whose address is confirmed reopens the exports.
    quote(local, commercial_partners=True)
    assert EMAIL not in exported(local)  # pending its confirmation
    assert local.api.request("POST", confirmation_link(local, EMAIL)).status == 200
    assert EMAIL in exported(local)


def test_c7_04_after_an_erasure_the_consent_proofs_remain_pseudonymous_named_and_go_after_five_years(rights):
    local = rights.local
    listed_professional(local, "p1")
    key = rights.subject_key(EMAIL)
    start = clock.now()
    lead_id = quote(local, commercial_partners=True)["request_id"]
    assert local.api.request("POST", confirmation_link(local, EMAIL)).status == 200
    events = {i["sk"]: i for i in all_items(local) if i.get("item_type") == "consent_event"}
    assert len(events) == 3  # quote matching; commercial partners granted in the form, then confirmed

    _, execution = rights.run({"type": "erasure", "email": EMAIL})
    assert execution["status"] == "SUCCEEDED"

    proofs = {
        i["sk"]: i for i in all_items(local) if i["pk"] == f"SUBJECT#{key}" and i["sk"].startswith("CONSENT#")
    }
    assert proofs.keys() == events.keys()
    personal = [EMAIL, lead_id, *(QUOTE["contact"][k] for k in ("first_name", "last_name", "phone"))]
    for sk, proof in proofs.items():
        assert proof["item_type"] == "consent_proof" and proof["subject_key"] == key
        assert set(proof) <= {*PROOF_FIELDS, "item_type", "kept_as_proof_at"}
        assert not [value for value in personal if value in json.dumps(proof, default=str)]
        for field in (
            "consent_purpose",
            "granted",
            "policy_version",
            "wording_hash",
            "channel",
            "occurred_at",
        ):
            assert proof[field] == events[sk][field]
        assert proof["expires_at"] == events[sk]["expires_at"]  # five years from the event, as before
    with local.environment_of("quote_requests"):
        assert ConsentLedger(local.store()).current(key) == {}  # a proof is not a decision
    answer = rights.wait_for_email(EMAIL, "Réponse à votre demande")
    assert "la preuve des consentements que vous nous aviez donnés ou retirés" in answer["text"]

    limit = add_period(start, Period(years=5))
    clock.travel(limit - clock.now() - timedelta(minutes=5))
    local.lambdas.invoke_by_name("reconciliation", {})
    assert [i for i in all_items(local) if i.get("item_type") == "consent_proof"] != []
    clock.travel(timedelta(days=1))
    local.lambdas.invoke_by_name("reconciliation", {})
    assert [i for i in all_items(local) if i.get("item_type") == "consent_proof"] == []
    assert local.store().get(f"SUPPRESSION#{key}", "SUPPRESSION") is not None  # the suppression stays
