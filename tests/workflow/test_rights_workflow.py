"""Each right end to end: API handler -> the real ASL in moto's interpreter -> in-process tasks."""

from __future__ import annotations

import json

import boto3
from jaqe.privacy.register import PurposeId

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
    assert {d.get("professional_id") for d in document["disclosed_to"]} == set(PROS)
    quote = document["purposes"][PurposeId.QUOTE_MATCHING.value]
    assert quote["legal_bases"] and quote["retention"] and quote["recipients"]
    assert PERSON["phone"] in export.body
    summary = rights.get(next(lnk for lnk in answer["links"] if "format=summary" in lnk))
    assert summary.status == 200 and "Base légale" in summary.body
    assert rights.record(request_id)["status"] == "completed"


def everything_stored(rights) -> list[tuple[str, str]]:
    """Every table item and every object of every bucket, as text (tests may Scan)."""
    found = []
    dynamodb = boto3.client("dynamodb")
    for table in dynamodb.list_tables()["TableNames"]:
        for item in boto3.resource("dynamodb").Table(table).scan()["Items"]:
            found.append(
                (
                    f"{table}:{item.get('pk', item.get('id'))}/{item.get('sk', '')}",
                    json.dumps(item, default=str),
                )
            )
    s3 = boto3.client("s3")
    for bucket in s3.list_buckets()["Buckets"]:
        versions = s3.list_object_versions(Bucket=bucket["Name"]).get("Versions", [])
        for version in versions:
            body = s3.get_object(Bucket=bucket["Name"], Key=version["Key"], VersionId=version["VersionId"])[
                "Body"
            ].read()
            found.append((f"s3:{bucket['Name']}/{version['Key']}", body.decode(errors="replace")))
    return found


def test_c7_04_erasure_leaves_only_the_request_record_and_suppression_and_tells_each_recipient(rights):
    seed_professionals(rights)
    key = seed_person(rights)["subject_key"]

    request_id, execution = rights.run({"type": "erasure", "email": PERSON["email"]})

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    personal = [PERSON["email"], PERSON["phone"], PERSON["first_name"], PERSON["last_name"], "Durandeau"]
    leaks = [
        (where, value) for where, text in everything_stored(rights) for value in personal if value in text
    ]
    assert leaks == []
    # Nor in what Step Functions keeps 90 days: the execution's input, output and history.
    assert [where for where, text in rights.execution_texts(request_id) if PERSON["email"] in text] == []
    about_person = [i for i in rights.scan() if i.get("subject_key") == key or key in i.get("pk", "")]
    # Issue 20 (item 8): the seeded consent events stay as pseudonymous proofs (Art. 7(1)).
    assert {i["item_type"] for i in about_person} == {"rights_request", "suppression", "consent_proof"}
    record = rights.record(request_id)
    assert record["status"] == "completed" and record["subject_key"] == key
    assert [h["step"] for h in record["history"]][-4:] == [
        "erased",
        "recipients_notified",
        "answered",
        "closed",
    ]
    # Art. 19: each professional who received the lead is asked to erase it.
    for pro_email in PROS.values():
        [notice] = [e for e in rights.emails_to(pro_email) if "effacement" in e["subject"]]
        assert "lead1" in notice["text"] and PERSON["last_name"] not in notice["text"]
    answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande")
    assert "effacé" in answer["text"] and "JAQE SARL" in answer["text"]  # C1-01


def test_c7_04_a_delisted_professionals_archive_is_kept_and_named_with_its_reason(rights):
    seed_professionals(rights)
    seed_person(rights, pro_status="delisted")

    request_id, execution = rights.run({"type": "erasure", "email": PERSON["email"]})

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    remaining = {i["pk"] for i in rights.scan()}
    assert "PRO#pro_self" in remaining and "LEAD#lead1" not in remaining and "CONTACT#msg1" not in remaining
    answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande")
    assert "archive" in answer["text"] and "cinq (5) ans" in answer["text"]


def consent_events(rights, key: str) -> list[dict]:
    return [i for i in rights.scan() if i["pk"] == f"SUBJECT#{key}" and i["sk"].startswith("CONSENT#")]


def test_c7_01_withdrawing_consent_is_recorded_per_purpose_in_the_ledger_and_stops_the_newsletter(rights):
    key = seed_person(rights)["subject_key"]

    request_id, execution = rights.run(
        {"type": "withdraw_consent", "email": PERSON["email"], "purposes": ["newsletter"]}
    )

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    withdrawals = [e for e in consent_events(rights, key) if not e["granted"]]
    assert [e["consent_purpose"] for e in withdrawals] == ["newsletter"]
    assert withdrawals[0]["channel"] == "rights_request"
    assert not [i for i in rights.scan() if i["pk"].startswith("NEWSLETTER#")]
    assert any(i["pk"] == "LEAD#lead1" for i in rights.scan())  # other purposes untouched
    answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande")
    assert "Newsletter" in answer["text"]


def test_c7_01_withdrawal_of_a_purpose_that_does_not_rest_on_consent_is_refused_and_nothing_is_written(
    rights,
):
    response = rights.submit(
        {"type": "withdraw_consent", "email": PERSON["email"], "purposes": ["contact_requests"]}
    )

    assert response.status == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert rights.scan() == []


def test_c7_03_c4_06_rectification_is_validated_applied_everywhere_and_recipients_get_only_what_they_had(
    rights,
):
    seed_professionals(rights)
    seed_person(rights)
    corrections = {"last_name": "Durand", "phone": "07 11 22 33 44", "company_name": "Durand Plomberie"}
    request_id = rights.rectification_awaiting_operator(PERSON["email"], corrections)

    listed = rights.admin("GET", "/v1/admin/rights-requests?status=awaiting_operator")
    assert [r["request_id"] for r in listed.json()["requests"]] == [request_id]
    decided = rights.admin(
        "POST",
        f"/v1/admin/rights-requests/{request_id}/decision",
        {"decision": "approve", "reason": "Justificatif d'identité vérifié"},
    )
    assert decided.status == 202

    assert rights.wait(request_id)["status"] == "SUCCEEDED", rights.states(request_id)
    items = {(i["pk"], i["sk"]): i for i in rights.scan()}
    assert items[("LEAD#lead1", "LEAD")]["contact"]["last_name"] == "Durand"
    assert items[("LEAD#lead1", "LEAD")]["contact"]["phone"] == "+33711223344"
    assert items[("CONTACT#msg1", "MESSAGE")]["phone"] == "+33711223344"
    assert items[("PRO#pro_self", "PROFILE")]["contact"]["last_name"] == "Durand"
    assert items[("PRO#pro_self", "PROFILE")]["company_name"] == "Durand Plomberie"
    assert items[("LEAD#lead1", "DISCLOSURE#pro_a")]["shared"]["last_name"] == "Durand"
    for pro_email in PROS.values():
        [notice] = [e for e in rights.emails_to(pro_email) if "rectification" in e["subject"]]
        assert "Durand" in notice["text"] and "+33711223344" in notice["text"]
        assert "Durand Plomberie" not in notice["text"]  # C4-06: never beyond what they received
    history = rights.record(request_id)["history"]
    decision = next(h for h in history if h["step"] == "operator_decision")
    assert decision["detail"]["operator"] == "alice"


def test_c7_10_a_denied_rectification_is_answered_with_the_reason_and_the_cnil(rights):
    seed_person(rights)
    request_id = rights.rectification_awaiting_operator(PERSON["email"])

    rights.admin(
        "POST",
        f"/v1/admin/rights-requests/{request_id}/decision",
        {"decision": "deny", "reason": "Le prénom enregistré correspond au justificatif fourni"},
    )

    assert rights.wait(request_id)["status"] == "SUCCEEDED"
    assert rights.record(request_id)["status"] == "refused"
    answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande")
    assert "correspond au justificatif" in answer["text"]
    assert "3 Place de Fontenoy - TSA 80715" in answer["text"] and "réclamation" in answer["text"]
    assert "JAQE SARL" in answer["text"]  # C1-01
    assert any(i.get("contact", {}).get("first_name") == "Camille" for i in rights.scan())


def test_c7_05_restriction_marks_the_subject_tells_recipients_and_is_lifted_by_an_operator_with_notice(
    rights,
):
    seed_professionals(rights)
    key = seed_person(rights)["subject_key"]

    request_id, execution = rights.run(
        {"type": "restriction", "email": PERSON["email"], "details": "Je conteste l'exactitude."}
    )

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    flags = rights.table.get_item(Key={"pk": f"SUBJECT#{key}", "sk": "FLAGS"})["Item"]
    assert flags["restricted"] is True
    for pro_email in PROS.values():
        assert [e for e in rights.emails_to(pro_email) if "restriction" in e["subject"]]

    lifted = rights.admin(
        "POST",
        f"/v1/admin/rights-requests/{request_id}/lift-restriction",
        {"reason": "Exactitude des données vérifiée"},
    )

    assert lifted.status == 200, lifted.body
    assert rights.table.get_item(Key={"pk": f"SUBJECT#{key}", "sk": "FLAGS"})["Item"]["restricted"] is False
    notice = rights.wait_for_email(PERSON["email"], "Levée de la limitation")
    assert "Exactitude des données vérifiée" in notice["text"]
    again = rights.admin(
        "POST", f"/v1/admin/rights-requests/{request_id}/lift-restriction", {"reason": "encore"}
    )
    assert again.status == 409


def test_c7_06_portability_gives_json_and_csv_of_provided_data_for_consent_and_contract_purposes_only(rights):
    seed_professionals(rights)
    seed_person(rights)

    request_id, execution = rights.run({"type": "portability", "email": PERSON["email"]})

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande")
    document = rights.get(next(lnk for lnk in answer["links"] if "format=json" in lnk)).json()
    types = {d["item_type"] for d in document["data"]}
    assert {"lead", "contact_message", "newsletter_subscription", "professional"} <= types
    assert not types & {"consent_event", "disclosure", "rights_request", "subject_flags"}
    from jaqe.privacy.register import purpose

    assert all(purpose(d["purpose"]).portability_applies for d in document["data"])
    csv_export = rights.get(next(lnk for lnk in answer["links"] if "format=csv" in lnk))
    assert csv_export.status == 200 and csv_export.headers["Content-Type"].startswith("text/csv")
    assert (
        csv_export.body.splitlines()[0] == "item,purpose,field,value" and PERSON["phone"] in csv_export.body
    )


def test_c7_07_objection_stops_legitimate_interest_processing_and_explains_why_it_does_not_apply_elsewhere(
    rights,
):
    key = seed_person(rights)["subject_key"]

    request_id, execution = rights.run(
        {
            "type": "objection",
            "email": PERSON["email"],
            "purposes": ["similar_services_emails", "quote_matching"],
        }
    )

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    flags = rights.table.get_item(Key={"pk": f"SUBJECT#{key}", "sk": "FLAGS"})["Item"]
    assert flags["objections"] == ["similar_services_emails"]
    answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande")
    assert "Courriels sur des services analogues" in answer["text"]
    assert "le droit d'opposition (article 21 du RGPD) ne s'y applique pas" in " ".join(
        answer["text"].split()
    )
    assert "3 Place de Fontenoy" in answer["text"]  # C7-10: a no-action part names the CNIL


def test_c7_08_post_mortem_directives_are_stored_read_back_revoked_and_executable_by_an_operator(rights):
    seed_person(rights)
    directives = {
        "kind": "specific",
        "on_death": "erase",
        "instructions": "Effacer toutes mes données.",
        "designated_person": {"name": "Alex Martin", "email": "alex.martin@example.fr"},
    }
    request_id, execution = rights.run(
        {"type": "post_mortem_directives", "email": PERSON["email"], "directives": directives}
    )
    assert execution["status"] == "SUCCEEDED", rights.states(request_id)

    _, read = rights.run(
        {"type": "post_mortem_directives", "email": PERSON["email"], "directives": {"action": "read"}}
    )
    assert read["status"] == "SUCCEEDED"
    answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande", count=2)
    assert "Effacer toutes mes données." in answer["text"]

    executed = rights.admin(
        "POST", "/v1/admin/rights-requests/post-mortem-executions", {"email": PERSON["email"]}
    )
    assert executed.status == 202, executed.body
    erasure_id = executed.json()["erasure_request_id"]
    # What happened, no more: the erasure is started; its answer reaches the designated person later.
    assert executed.json()["status"] == "erasure_started"
    assert executed.json()["designated_person_notified"] is False
    assert rights.wait(erasure_id)["status"] == "SUCCEEDED", rights.states(erasure_id)
    assert not [i for i in rights.scan() if i["pk"] == "LEAD#lead1" or i["sk"] == "POST_MORTEM"]
    assert rights.wait_for_email("alex.martin@example.fr", "Réponse à votre demande")
    # The erasure request's record (kept after the erasure) says it carried out the directives.
    history = rights.record(erasure_id)["history"]
    assert any(h["step"] == "post_mortem_execution" for h in history)
    assert rights.record(erasure_id)["channel"] == "post_mortem"


def test_c7_08_directives_can_be_revoked(rights):
    directives = {"on_death": "keep", "instructions": "Conserver."}
    rights.run({"type": "post_mortem_directives", "email": PERSON["email"], "directives": directives})

    _, revoked = rights.run(
        {"type": "post_mortem_directives", "email": PERSON["email"], "directives": {"action": "revoke"}}
    )

    assert revoked["status"] == "SUCCEEDED"
    assert not [i for i in rights.scan() if i["sk"] == "POST_MORTEM"]
    answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande", count=2)
    assert "révoquées" in answer["text"]


def test_an_unknown_email_gets_exactly_the_same_answer_and_email_as_a_known_one(rights):
    seed_person(rights)

    known = rights.submit({"type": "access", "email": PERSON["email"]})
    unknown = rights.submit({"type": "access", "email": UNKNOWN})

    assert known.status == unknown.status == 202
    assert set(known.json()) == set(unknown.json()) == {"request_id", "status", "due_at", "status_url"}
    assert known.json()["status"] == unknown.json()["status"] == "received"
    mail_known = rights.wait_for_email(PERSON["email"], "Confirmez")
    mail_unknown = rights.wait_for_email(UNKNOWN, "Confirmez")

    def strip(email: dict) -> str:  # less the links (their tokens and the request id differ)
        text = email["text"]
        for link in email["links"]:
            text = text.replace(link, "")
        return text.split("Référence")[0]

    assert strip(mail_known) == strip(mail_unknown)


def test_c7_02_an_unknown_person_gets_an_access_answer_with_no_personal_data(rights):
    _, execution = rights.run({"type": "access", "email": UNKNOWN})

    assert execution["status"] == "SUCCEEDED"
    answer = rights.wait_for_email(UNKNOWN, "Réponse à votre demande")
    document = rights.get(next(lnk for lnk in answer["links"] if "format=json" in lnk)).json()
    # Only the request itself: its record, its contact item, the mark that it is open, and when its
    # verification email went (the hour's mail-rate counter).
    assert {d["item_type"] for d in document["data"]} == {
        "rights_request",
        "rights_request_contact",
        "rights_request_open",
        "mail_rate",
    }


def test_the_verification_link_is_single_use_and_the_status_link_shows_no_personal_data(rights):
    response = rights.submit({"type": "restriction", "email": PERSON["email"]})
    accepted = response.json()
    link = rights.verification_link(PERSON["email"])

    assert rights.confirm(link).status == 200
    assert rights.wait(accepted["request_id"])["status"] == "SUCCEEDED"
    again = rights.confirm(link)
    assert again.status == 410 and again.headers["Content-Type"] == "application/problem+json"
    status = rights.get(accepted["status_url"])
    assert status.status == 200
    assert status.json()["status"] == "completed" and status.json()["type"] == "restriction"
    assert PERSON["email"] not in status.body and "subject_key" not in status.body
    wrong = rights.get(accepted["status_url"].split("?")[0] + "?token=" + "x" * 43)
    assert wrong.status == 404


def test_an_unverified_request_closes_and_is_recorded_when_its_link_has_expired(rights):
    from datetime import timedelta

    from jaqe.platform import clock

    seed_person(rights)
    request_id = rights.submit({"type": "erasure", "email": PERSON["email"]}).json()["request_id"]
    link = rights.verification_link(PERSON["email"])
    clock.travel(timedelta(days=8))

    followed = rights.confirm(link)

    assert followed.status == 410
    assert rights.wait(request_id)["status"] == "SUCCEEDED"
    record = rights.record(request_id)
    assert record["status"] == "unverified" and record["history"][-1]["step"] == "closed_unverified"
    assert any(i["pk"] == "LEAD#lead1" for i in rights.scan())  # nothing was erased


def test_a_failing_step_lands_in_needs_operator_recorded_and_an_operator_can_resume_it(rights, monkeypatch):
    from jaqe.rights.workflow import RightsWorkflow

    seed_person(rights)
    original = RightsWorkflow.act_objection
    monkeypatch.setattr(
        RightsWorkflow, "act_objection", lambda self, state: (_ for _ in ()).throw(RuntimeError("boom"))
    )

    request_id, execution = rights.run({"type": "objection", "email": PERSON["email"]})

    assert execution["status"] == "FAILED" and execution.get("error") == "NeedsOperator"
    assert rights.states(request_id)[-2:] == ["RecordFailure", "NeedsOperator"]
    record = rights.record(request_id)
    assert record["status"] == "needs_operator" and record["history"][-1]["detail"]["error"] == "RuntimeError"
    listed = rights.admin("GET", "/v1/admin/rights-requests?status=needs_operator").json()["requests"]
    assert [r["request_id"] for r in listed] == [request_id]

    monkeypatch.setattr(RightsWorkflow, "act_objection", original)
    resumed = rights.admin("POST", f"/v1/admin/rights-requests/{request_id}/resume")

    assert resumed.status == 202, resumed.body
    assert rights.wait(f"{request_id}-r1")["status"] == "SUCCEEDED"
    assert rights.record(request_id)["status"] == "completed"
    assert rights.wait_for_email(PERSON["email"], "Réponse à votre demande")


def test_operator_routes_refuse_callers_without_iam_identity(rights):
    from jaqe_dev.apigw import Caller

    response = rights.local.api.request("GET", "/v1/admin/rights-requests", caller=Caller())
    assert response.status == 403 and response.headers["Content-Type"] == "application/problem+json"
    ok = rights.local.api.request("GET", "/v1/admin/rights-requests", headers={"X-Local-Operator": "bob"})
    assert ok.status == 200


def test_history_holds_no_contact_data_and_the_record_holds_the_subject_key_only(rights):
    seed_professionals(rights)
    seed_person(rights)

    request_id, _ = rights.run({"type": "access", "email": PERSON["email"]})

    record = rights.record(request_id)
    text = json.dumps(record, default=str)
    for value in (PERSON["email"], PERSON["phone"], PERSON["last_name"]):
        assert value not in text
    assert "email" not in record
    assert len(record["history"]) >= 6
