"""Rectifying the email address (issue 20, item 6; C7-03) through the real workflow: the request is
confirmed from the old address, the new address confirms too, then everything held moves to the
new address's subject key (professional login included) and the old key is left suppressed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key

from jaqe_dev.cognito import login
from tests.workflow.conftest import Rights
from tests.workflow.seeds import PERSON, PROS, seed_person, seed_professionals

NEW = "camille.nouvelle@example.fr"
PASSWORD = "Camille-Pro-2026!"  # a test login


def give_person_a_login(rights: Rights) -> str:
    """The seeded professional profile's login, signed in once with a permanent password."""
    pool_id = rights.local.provisioned.names[next(iter(rights.local.stack.of_type("AWS::Cognito::UserPool")))]
    cognito = boto3.client("cognito-idp")
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=PERSON["email"],
        UserAttributes=[
            {"Name": "email", "Value": PERSON["email"]},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "custom:pro_id", "Value": "pro_self"},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=PERSON["email"], Password=PASSWORD, Permanent=True
    )
    return pool_id


def by_subject(rights: Rights, key: str) -> list[dict[str, Any]]:
    """The person's items, as found through the subject index (which holds their keys)."""
    entries = rights.table.query(IndexName="by_subject", KeyConditionExpression=Key("subject_key").eq(key))
    return [rights.table.get_item(Key={"pk": e["pk"], "sk": e["sk"]})["Item"] for e in entries["Items"]]


def privacy_scan(rights: Rights, email: str) -> dict[str, Any]:
    response = rights.admin("POST", "/v1/admin/privacy-scans", {"email": email, "reason": "Demande d'accès"})
    assert response.status == 200, response.body
    return dict(response.json())


def new_address_link(rights: Rights) -> str:
    email = rights.wait_for_email(NEW, "nouvelle adresse")
    [link] = [lnk for lnk in email["links"] if "/confirm-address?" in lnk]
    return link


def submit_address_change(rights: Rights) -> str:
    """Submit, confirm from the old address: the request id (its new address still to confirm)."""
    response = rights.submit(
        {"type": "rectification", "email": PERSON["email"], "corrections": {"email": NEW}}
    )
    assert response.status == 202, response.body
    request_id = str(response.json()["request_id"])
    assert rights.confirm(rights.verification_link(PERSON["email"])).status == 200
    return request_id


def test_c7_03_a_confirmed_email_rectification_moves_everything_to_the_new_key_and_the_login_with_it(
    rights: Rights,
) -> None:
    seed_professionals(rights)
    old_key = seed_person(rights)["subject_key"]
    pool_id = give_person_a_login(rights)
    held_before = privacy_scan(rights, PERSON["email"])["by_item_type"]
    request_id = submit_address_change(rights)

    link = new_address_link(rights)
    opened = rights.get(link)  # a mail scanner opening the link changes nothing
    assert opened.status == 200 and "Confirmer ma nouvelle adresse" in opened.body
    assert rights.record(request_id)["status"] == "awaiting_verification"
    assert rights.confirm(link).status == 200
    assert rights.confirm(link).status == 410  # single use
    rights.wait_for_status(request_id, "awaiting_operator")
    decided = rights.admin(
        "POST",
        f"/v1/admin/rights-requests/{request_id}/decision",
        {"decision": "approve", "reason": "Les deux adresses ont confirmé"},
    )
    assert decided.status == 202

    assert rights.wait(request_id)["status"] == "SUCCEEDED", rights.states(request_id)
    assert "AwaitNewAddress" in rights.states(request_id)
    assert rights.record(request_id)["status"] == "completed"
    # Nothing is left under the old key but its suppression entry.
    [suppression] = by_subject(rights, old_key)
    assert suppression["item_type"] == "suppression" and suppression["reason"] == "address_changed"
    assert privacy_scan(rights, PERSON["email"])["by_item_type"] == {"suppression": 1}
    # Everything is found under the new key, with the new address wherever the old one was.
    moved = privacy_scan(rights, NEW)
    new_key = moved["subject_key"]
    expected = {k: v for k, v in held_before.items() if k != "mail_rate"}
    assert {k: v for k, v in moved["by_item_type"].items() if k in expected} == expected
    items = {(i["pk"], i["sk"]): i for i in by_subject(rights, new_key)}
    assert items[("LEAD#lead1", "LEAD")]["contact"]["email"] == NEW
    assert items[("LEAD#lead1", "DISCLOSURE#pro_a")]["shared"]["email"] == NEW
    assert items[("CONTACT#msg1", "MESSAGE")]["email"] == NEW
    assert items[("PRO#pro_self", "PROFILE")]["contact"]["email"] == NEW
    assert items[(f"NEWSLETTER#{new_key}", "SUBSCRIPTION")]["email"] == NEW
    assert (f"SUBJECT#{new_key}", "FLAGS") in items
    assert len([k for k in items if k[1].startswith("CONSENT#")]) == 2
    assert items[(f"RIGHTS#{request_id}", "CONTACT")]["email"] == NEW  # the request names the new one only
    # The professional signs in with the new address.
    user = boto3.client("cognito-idp").admin_get_user(UserPoolId=pool_id, Username=NEW)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == NEW and attributes["email_verified"] == "true"
    assert login(rights.local.provisioned, NEW, PASSWORD)["id_token"]
    # The person is answered at both addresses; the recipients are told the new address (Art. 19).
    for address in (NEW, PERSON["email"]):
        answer = rights.wait_for_email(address, "Réponse à votre demande")
        assert f"Votre adresse email est désormais {NEW}" in answer["text"]
        assert "JAQE Pro" in answer["text"]
    for pro_email in PROS.values():
        [notice] = [e for e in rights.emails_to(pro_email) if "rectification" in e["subject"]]
        assert f"email : {NEW}" in notice["text"]
    assert not [i for i in rights.scan() if PERSON["email"] in str(i)]  # answered: the old address is gone
    # The executions carry ids and subject keys only, never either address.
    assert not [
        where for where, text in rights.execution_texts(request_id) if NEW in text or "camille" in text
    ]


def test_c7_03_an_unconfirmed_new_address_changes_nothing_and_the_request_closes_unverified(
    rights: Rights, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jaqe.rights.workflow.NEW_ADDRESS_TTL", timedelta(seconds=2))
    seed_professionals(rights)
    old_key = seed_person(rights)["subject_key"]
    before = {(i["pk"], i["sk"]): i for i in by_subject(rights, old_key)}
    request_id = submit_address_change(rights)
    link = new_address_link(rights)

    # Never followed: the state machine's own timeout closes the request.
    assert rights.wait(request_id)["status"] == "SUCCEEDED"
    assert rights.states(request_id)[-2:] == ["CloseUnverified", "Done"]
    record = rights.record(request_id)
    assert record["status"] == "unverified" and record["subject_key"] == old_key
    assert rights.confirm(link).status == 410
    after = {(i["pk"], i["sk"]): i for i in by_subject(rights, old_key)}
    assert {key: after.get(key) for key in before} == before
    assert "suppression" not in {i["item_type"] for i in after.values()}
    assert privacy_scan(rights, NEW)["by_item_type"].keys() <= {"mail_rate"}
    assert not rights.emails_to(NEW)[1:]  # the confirmation link only
    assert not [e for e in rights.emails_to(PERSON["email"]) if "Réponse" in e["subject"]]


def test_the_new_address_must_differ_from_the_requesters(rights: Rights) -> None:
    response = rights.submit(
        {"type": "rectification", "email": PERSON["email"], "corrections": {"email": PERSON["email"].upper()}}
    )

    assert response.status == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "différente" in response.body
    assert rights.scan() == []
