"""Each right end to end: API handler -> the real ASL in moto's interpreter -> in-process tasks."""

from __future__ import annotations

import json

import boto3

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


def everything_stored(rights) -> list[tuple[str, str]]:
    """Every table item and every object of every bucket, as text (tests may Scan)."""
    found = []
    dynamodb = boto3.client("dynamodb")
    for table in dynamodb.list_tables()["TableNames"]:
        for item in boto3.resource("dynamodb").Table(table).scan()["Items"]:
            found.append((f"{table}:{item.get('pk', item.get('id'))}/{item.get('sk', '')}", json.dumps(item, default=str)))
    s3 = boto3.client("s3")
    for bucket in s3.list_buckets()["Buckets"]:
        versions = s3.list_object_versions(Bucket=bucket["Name"]).get("Versions", [])
        for version in versions:
            body = s3.get_object(Bucket=bucket["Name"], Key=version["Key"], VersionId=version["VersionId"])["Body"].read()
            found.append((f"s3:{bucket['Name']}/{version['Key']}", body.decode(errors="replace")))
    return found


def test_c7_04_erasure_leaves_only_the_request_record_and_suppression_and_tells_each_recipient(rights):
    seed_professionals(rights)
    key = seed_person(rights)["subject_key"]

    request_id, execution = rights.run({"type": "erasure", "email": PERSON["email"]})

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    personal = [PERSON["email"], PERSON["phone"], PERSON["first_name"], PERSON["last_name"], "Durandeau"]
    leaks = [(where, value) for where, text in everything_stored(rights) for value in personal if value in text]
    assert leaks == []
    about_person = [i for i in rights.scan() if i.get("subject_key") == key or key in i.get("pk", "")]
    assert {i["item_type"] for i in about_person} == {"rights_request", "suppression"}
    record = rights.record(request_id)
    assert record["status"] == "completed" and record["subject_key"] == key
    assert [h["step"] for h in record["history"]][-4:] == ["erased", "recipients_notified", "answered", "closed"]
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
