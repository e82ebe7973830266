"""Portability to another controller (issue 20, item 5; Art. 20(2)): after verification the export
links go to the `recipient_email` the person gave too, recorded as a disclosure at their request.
Through the API handler and the real ASL on moto."""

from __future__ import annotations

import json

from tests.workflow.seeds import PERSON, seed_person

OTHER_CONTROLLER = "portabilite@autre-comparateur.example.fr"


def test_c7_06_the_export_links_go_to_the_controller_named_and_the_transmission_is_a_disclosure(rights):
    key = seed_person(rights)["subject_key"]

    request_id, execution = rights.run(
        {"type": "portability", "email": PERSON["email"], "recipient_email": OTHER_CONTROLLER}
    )

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    [sent] = rights.emails_to(OTHER_CONTROLLER)
    assert PERSON["email"] in sent["text"] and "portabilité" in sent["text"]
    [json_link] = [lnk for lnk in sent["links"] if "format=json" in lnk]
    export = rights.get(json_link)
    assert export.status == 200 and PERSON["phone"] in export.body
    answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande")
    assert f"ces liens ont aussi été envoyés à {OTHER_CONTROLLER}" in answer["text"]
    [transmission] = [i for i in rights.scan() if i.get("item_type") == "portability_transmission"]
    assert transmission["subject_key"] == key and transmission["purpose"] == "rights_requests"
    assert transmission["recipient"] == "requested_controller"
    assert transmission["recipient_email"] == OTHER_CONTROLLER and transmission["disclosed_at"]
    assert "phone" in transmission["fields"] and "item_type" not in transmission["fields"]
    # Never in what AWS keeps 90 days.
    assert [w for w, text in rights.execution_texts(request_id) if OTHER_CONTROLLER in text] == []

    _, access = rights.run({"type": "access", "email": PERSON["email"]})
    assert access["status"] == "SUCCEEDED"
    access_answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande", count=2)
    document = rights.get(next(lnk for lnk in access_answer["links"] if "format=json" in lnk)).json()
    [shown] = [d for d in document["disclosed_to"] if d.get("at_request_of")]
    assert shown["company"] == OTHER_CONTROLLER and "article 20.2" in shown["recipient"]
    assert "phone" in shown["fields"]


def test_c7_06_a_bad_recipient_address_or_one_on_another_type_is_a_422_and_changes_nothing(rights):
    before = rights.scan()

    bad = rights.submit(
        {"type": "portability", "email": PERSON["email"], "recipient_email": "pas-une-adresse"}
    )
    other_type = rights.submit(
        {"type": "access", "email": PERSON["email"], "recipient_email": OTHER_CONTROLLER}
    )

    for refused in (bad, other_type):
        assert refused.status == 422, refused.body
        assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert "recipient_email" in json.dumps(bad.json())
    assert "ne concerne que la portabilité" in json.dumps(other_type.json(), ensure_ascii=False)
    assert rights.scan() == before and rights.local.outbox() == []
