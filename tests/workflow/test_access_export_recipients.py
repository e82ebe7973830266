"""What an access export tells about recipients: the site a request came from (C2-01), the partner who
keeps the data after an accepted quote (C3-04), processors with country and safeguard (C4-03),
commercial partners who received the data under the specific consent (C4-05)."""

from __future__ import annotations

import json

from jaqe_dev.apigw import Caller
from tests.conftest import load_event
from tests.integration.seeds import exported, listed_professional
from tests.integration.test_consent_confirmation import confirmation_link
from tests.integration.test_quote_acceptance import accept_quote

QUOTE = json.loads(load_event("quote_requests/post_valid.json")["body"])
EMAIL = QUOTE["contact"]["email"]
PARTNER_SITE = "https://partenaire.example"


def access_export(rights) -> dict:
    _, execution = rights.run({"type": "access", "email": EMAIL})
    assert execution["status"] == "SUCCEEDED"
    answer = rights.wait_for_email(EMAIL, "Réponse à votre demande")
    return rights.get(next(link for link in answer["links"] if "format=json" in link)).json()


def test_c2_01_c3_04_c4_03_c4_05_access_export_names_every_recipient(rights, monkeypatch):
    local = rights.local
    listed_professional(local, "p1")
    body = {**QUOTE, "consents": {**QUOTE["consents"], "commercial_partners": True}}
    monkeypatch.setitem(
        local.lambdas.provisioned.stack.functions()[local.lambdas.logical_id("quote_requests")].environment,
        "PARTNER_ORIGINS",
        PARTNER_SITE,
    )
    lead_id = local.api.request(
        "POST", "/v1/quote-requests", json_body=body, headers={"Origin": PARTNER_SITE}
    ).json()["request_id"]
    assert local.api.request("POST", confirmation_link(local, EMAIL)).status == 200  # counts once confirmed
    taken = local.api.request(
        "POST", f"/v1/pro/me/leads/{lead_id}/accept", caller=Caller(claims={"custom:pro_id": "p1"})
    )
    assert taken.status == 200
    accepted = accept_quote(local, "p1", EMAIL)  # the consumer's click, from the confirmation email
    assert exported(local, "Assureur Habitat SA")[0]["count"] == 1

    document = access_export(rights)

    [lead] = [d for d in document["data"] if d["item_type"] == "lead"]
    assert lead["source_site"] == PARTNER_SITE
    by_company = {d["company"]: d for d in document["disclosed_to"]}
    assert "kept_by_partner" in by_company["Entreprise p1"]  # the accepted quote's partner keeps the data
    assert by_company["Entreprise p1"]["accepted_at"] == accepted["accepted_at"]  # the consumer's click
    assert by_company["Assureur Habitat SA"]["recipient"].startswith("Partenaires commerciaux")
    partners_consent = document["consents"]["commercial_partners"]  # C4-05: how the address was confirmed
    assert partners_consent["state"] == "granted" and partners_consent["address_confirmed_by"] == "email_link"
    processors = document["purposes"]["quote_matching"]["recipients"]
    assert {"name", "country", "transfer_safeguard"} <= set(processors[0])
    assert any(r["name"].startswith("Hébergeur") and r["country"] == "UE" for r in processors)


def test_c3_04_a_professional_can_only_accept_a_lead_disclosed_to_them(rights):
    local = rights.local
    listed_professional(local, "p1")
    listed_professional(local, "p2", trades=("electricite",))  # a live account that received nothing
    lead_id = local.api.request("POST", "/v1/quote-requests", json_body=QUOTE).json()["request_id"]

    other = local.api.request(
        "POST", f"/v1/pro/me/leads/{lead_id}/accept", caller=Caller(claims={"custom:pro_id": "p2"})
    )

    assert other.status == 404
    leads = local.api.request("GET", "/v1/pro/me/leads", caller=Caller(claims={"custom:pro_id": "p1"})).json()
    assert [lead.get("accepted") for lead in leads["items"]] == [False]


def test_c3_04_the_professionals_click_alone_is_no_accepted_quote_in_the_access_export(rights):
    """Issue 20: "si vous avez accepté un devis" is the consumer's click, not the professional's."""
    local = rights.local
    listed_professional(local, "p1")
    lead_id = local.api.request("POST", "/v1/quote-requests", json_body=QUOTE).json()["request_id"]
    taken = local.api.request(
        "POST", f"/v1/pro/me/leads/{lead_id}/accept", caller=Caller(claims={"custom:pro_id": "p1"})
    )
    assert taken.status == 200

    [disclosed] = access_export(rights)["disclosed_to"]

    assert disclosed["company"] == "Entreprise p1"
    assert "accepted_at" not in disclosed and "kept_by_partner" not in disclosed


def test_c3_03_a_quote_request_is_gone_from_an_access_export_after_three_years_and_a_day(rights):
    from datetime import timedelta

    from jaqe.platform import clock
    from jaqe.privacy.periods import Period, add_period

    local = rights.local
    start = clock.now()
    local.api.request("POST", "/v1/quote-requests", json_body=QUOTE)
    clock.travel(add_period(start, Period(years=3, days=1)) - start + timedelta(minutes=1))

    document = access_export(rights)

    kinds = {d["item_type"] for d in document["data"]}
    assert "lead" not in kinds and "disclosure" not in kinds
    assert "rights_request" in kinds


def test_c4_05_access_export_shows_a_commercial_partners_consent_pending_its_address_confirmation(rights):
    body = {**QUOTE, "consents": {**QUOTE["consents"], "commercial_partners": True}}
    assert rights.local.api.request("POST", "/v1/quote-requests", json_body=body).status == 201

    document = access_export(rights)

    assert document["consents"]["commercial_partners"]["state"] == "pending_confirmation"
    assert document["consents"]["quote_matching"]["state"] == "granted"
    [pending] = [d for d in document["data"] if d.get("consent_purpose") == "commercial_partners"]
    assert pending["confirm_by"] and "address_confirmed_by" not in pending


def test_c4_03_the_access_export_names_each_processor_with_its_country_and_safeguard(rights):
    """What the person receives (the JSON document and the readable summary), for each purpose her data
    is under: the host in the EU, the CRM provider and the email routing provider, each with where it
    is and under which safeguard."""
    assert rights.local.api.request("POST", "/v1/quote-requests", json_body=QUOTE).status == 201
    _, execution = rights.run({"type": "access", "email": EMAIL})
    assert execution["status"] == "SUCCEEDED"
    answer = rights.wait_for_email(EMAIL, "Réponse à votre demande")
    document = rights.get(next(link for link in answer["links"] if "format=json" in link)).json()
    summary = rights.get(next(link for link in answer["links"] if "format=summary" in link)).body

    assert {"quote_matching", "rights_requests"} <= set(document["purposes"])
    for purpose_id, info in document["purposes"].items():
        names = [r["name"] for r in info["recipients"]]
        assert all(r["country"] and r["transfer_safeguard"] for r in info["recipients"]), purpose_id
        assert any(n.startswith("Hébergeur") for n in names), purpose_id
        for recipient in info["recipients"]:
            line = f"{recipient['name']} ({recipient['country']}, {recipient['transfer_safeguard']})"
            assert line in summary, (purpose_id, line)
    processors = {r["name"]: r for r in document["purposes"]["quote_matching"]["recipients"]}
    [host] = [r for name, r in processors.items() if name.startswith("Hébergeur")]
    assert host["country"] == "UE" and "Union européenne" in host["transfer_safeguard"]
    assert any("CRM" in name for name in processors) and any("routage" in name for name in processors)
