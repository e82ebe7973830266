"""Each right end to end: API handler -> the real ASL in moto's interpreter -> in-process tasks."""

from __future__ import annotations

from jaqe.register import PurposeId

from tests.workflow.seeds import PERSON, PROS, seed_person, seed_professionals

UNKNOWN = "personne.inconnue@example.fr"


def test_c7_02_access_export_lists_everything_with_legal_information_behind_a_short_lived_link(rights):
    seed_professionals(rights)
    seed_person(rights)

    request_id, execution = rights.run({"type": "access", "email": PERSON["email"]})

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande")
    assert answer["to"] == [PERSON["email"]]
    [json_link] = [lnk for lnk in answer["links"] if "format=json" in lnk]
    export = rights.get(json_link)
    assert export.status == 200
    document = export.json()
    types = {d["item_type"] for d in document["data"]}
    assert {
        "lead",
        "disclosure",
        "contact_message",
        "newsletter_subscription",
        "consent_event",
        "professional",
        "professional_document",
        "rights_request",
    } <= types
    assert {d["professional_id"] for d in document["disclosed_to"]} == set(PROS)
    quote = document["purposes"][PurposeId.QUOTE_MATCHING.value]
    assert quote["legal_bases"] and quote["retention"] and quote["recipients"]
    assert PERSON["phone"] in export.body
    summary = rights.get(next(lnk for lnk in answer["links"] if "format=summary" in lnk))
    assert summary.status == 200 and "Base légale" in summary.body
    assert rights.record(request_id)["status"] == "completed"
