"""Recipients reached whatever their kind (Art. 19, issue 17): someone in a commercial-partner export
is erased, restricted or rectified like anyone else: the request completes, the partner is told at
the directory's contact (C7-04, C7-05, C4-05, C4-06), or, without one, an operator's task is listed;
every notice is recorded under the request with ids only."""

from __future__ import annotations

import json

from jaqe_ops.cli import main
from tests.conftest import load_event
from tests.integration.seeds import exported, listed_professional
from tests.integration.test_consent_confirmation import confirmation_link
from tests.integration.test_rights_ops_cli import local_transport, printed

QUOTE = json.loads(load_event("quote_requests/post_valid.json")["body"])
EMAIL = QUOTE["contact"]["email"]
PARTNER = "Assureur Habitat SA"
PARTNER_CONTACT = "dpo@assureur-habitat.example"
OPERATOR = {"X-Local-Operator": "dpo"}


def in_a_partner_export(rights) -> dict:
    """A quote request with all three consents (a professional receives it), then a partner export."""
    local = rights.local
    listed_professional(local, "p1")
    body = {**QUOTE, "consents": {**QUOTE["consents"], "commercial_partners": True}}
    assert local.api.request("POST", "/v1/quote-requests", json_body=body).status == 201
    assert local.api.request("POST", confirmation_link(local, EMAIL)).status == 200  # counts once confirmed
    status, [row] = exported(local, PARTNER)
    assert status["count"] == 1
    return {"export_id": status["export_id"], "reference": row["reference"]}


def notices(rights, request_id: str) -> dict[str, dict]:
    items = rights.table.query(
        KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)",
        ExpressionAttributeValues={":pk": f"RIGHTS#{request_id}", ":sk": "NOTICE#"},
    )["Items"]
    return {i["recipient_kind"]: i for i in items}


def test_c7_04_c4_05_erasure_of_someone_in_a_partner_export_completes_and_the_partner_is_told(rights):
    export = in_a_partner_export(rights)
    added = rights.admin("POST", "/v1/admin/commercial-partners", {"name": PARTNER, "email": PARTNER_CONTACT})
    assert added.status == 201, added.body

    request_id, execution = rights.run({"type": "erasure", "email": EMAIL})

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    assert rights.record(request_id)["status"] == "completed"
    [notice] = [e for e in rights.emails_to(PARTNER_CONTACT) if "effacement" in e["subject"]]
    assert export["export_id"] in notice["text"] and export["reference"] in notice["text"]
    assert EMAIL not in notice["text"]  # the reference names the person, not their data
    told = notices(rights, request_id)
    assert told["commercial_partner"]["recipient_id"] == PARTNER
    assert told["commercial_partner"]["reference"] == export["export_id"]
    assert told["commercial_partner"]["outcome"] == "sent" and told["professional"]["outcome"] == "sent"
    assert EMAIL not in json.dumps(list(told.values()), default=str)
    [line] = [h for h in rights.record(request_id)["history"] if h["step"] == "recipients_notified"]
    assert line["detail"]["professionals"] == 1 and line["detail"]["commercial_partners"] == 1


def test_c7_05_restriction_with_a_partner_without_contact_completes_and_leaves_an_operator_task(
    rights, capsys
):
    export = in_a_partner_export(rights)  # the export put the partner in the directory, without contact

    request_id, execution = rights.run({"type": "restriction", "email": EMAIL})

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    assert rights.record(request_id)["status"] == "completed"
    assert notices(rights, request_id)["commercial_partner"]["outcome"] == "operator_task"
    [task] = rights.admin("GET", "/v1/admin/commercial-partners/tasks").json()["tasks"]
    assert task["request_id"] == request_id and task["partner"] == PARTNER
    assert task["notice"] == "restriction" and task["export_id"] == export["export_id"]
    assert task["person_reference"] == export["reference"]
    transport = local_transport(rights.local)
    capsys.readouterr()
    assert main(["partners", "tasks", "--json"], transport) == 0
    assert [t["request_id"] for t in printed(capsys)["tasks"]] == [request_id]
    assert main(["partners", "list", "--json"], transport) == 0
    [entry] = printed(capsys)["partners"]
    assert entry["name"] == PARTNER and entry.get("contact_email") is None


def test_c7_03_c4_06_a_partner_is_told_only_the_corrections_of_fields_it_received(rights):
    in_a_partner_export(rights)
    rights.admin("POST", "/v1/admin/commercial-partners", {"name": PARTNER, "email": PARTNER_CONTACT})
    request_id = rights.rectification_awaiting_operator(
        EMAIL, {"last_name": "Durandal", "company_name": "Durandal SARL"}
    )
    rights.admin(
        "POST", f"/v1/admin/rights-requests/{request_id}/decision", {"decision": "approve", "reason": "ok"}
    )

    assert rights.wait(request_id)["status"] == "SUCCEEDED", rights.states(request_id)
    [notice] = [e for e in rights.emails_to(PARTNER_CONTACT) if "rectification" in e["subject"]]
    assert "Durandal" in notice["text"] and "Durandal SARL" not in notice["text"]
    # The partner's own name in its disclosure record is never "corrected".
    disclosures = [i for i in rights.scan() if i.get("recipient") == "commercial_partners"]
    assert [d["company_name"] for d in disclosures] == [PARTNER]
