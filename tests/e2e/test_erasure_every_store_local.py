"""`make dev`, as an auditor would check an erasure (C7-04): one person enters through every channel,
erases through the web form, and then every store is searched through the AWS APIs at the local
endpoint (`GET /_local/aws`): every table item, every object version of every bucket, every message
of every queue (dead-letter queues included), every state machine execution's input, output and
history, every user pool's users. None may hold the person's address, names, phone or project words.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeSerializer
from jaqe.platform import templates
from jaqe.privacy.records import outgoing_mail_item
from jaqe.privacy.register import PurposeId
from jaqe.privacy.subject_keys import subject_key_with

from infra import names
from tests.e2e.conftest import Client, running_server
from tests.e2e.test_rights_local_stack import local_path

EMAIL = "maelys.partoutier@example.fr"
FIRST, LAST = "Maelys", "Partoutier"
PHONE = "06 11 22 33 44"
PROJECT_WORD = "Zanzibarite"
PERSONAL = [EMAIL, FIRST, LAST, "611223344", "11 22 33 44", PROJECT_WORD]
OPERATOR = {"X-Local-Operator": "dana"}
PARTNER_CONTACT = "rgpd@assureur-partenaire.example"
REGIONS = ("eu-west-3", "eu-west-1")  # the main stack's and the inbound stack's


@pytest.fixture(scope="module")
def server(cdk_out: Path) -> Iterator[Client]:
    with running_server() as (client, _):
        yield client


def aws(client: Client, service: str, region: str) -> Any:
    status, where = client.call("GET", "/_local/aws")
    assert status == 200 and where["region"] == "eu-west-3"
    session = boto3.session.Session(
        aws_access_key_id="local", aws_secret_access_key="local", region_name=region
    )
    return session.client(service, endpoint_url=where["endpoint_url"])  # type: ignore[call-overload]


def raw_email(to: str, subject: str, body: str) -> bytes:
    return (
        f"From: {FIRST} {LAST} <{EMAIL}>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        "Date: Tue, 01 Dec 2026 09:30:00 +0000\r\nMessage-ID: <every-store@mail.example>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n'
        f"{body}\r\n\r\n{FIRST} {LAST}\r\n{PHONE}\r\n"
    ).encode()


def emails_to(client: Client, address: str, subject_part: str) -> list[dict[str, Any]]:
    _, outbox = client.call("GET", "/_local/outbox")
    return [e for e in outbox if address in e["to"] and subject_part in e["subject"]]


def follow(client: Client, subject_part: str, marker: str, seen: int) -> int:
    """Follow the link of the `seen`-th email to the person whose subject holds `subject_part`."""
    emails = client.wait_until(
        lambda: (found := emails_to(client, EMAIL, subject_part))[seen:] and found,
        f"'{subject_part}' email #{seen + 1}",
    )
    link = next(lnk for lnk in emails[seen]["links"] if marker in lnk)
    status, _ = client.call("POST", local_path(link, client.base))  # what the link's page posts
    return status


def wait_closed(client: Client, status_url: str) -> str:
    def closed() -> str | None:
        status, body = client.call("GET", local_path(status_url, client.base))
        return body["status"] if status == 200 and body["status"] in ("completed", "refused") else None

    return client.wait_until(closed, "the rights request to close")


def enter_through_every_channel(client: Client) -> None:
    contact = {
        "name": f"{FIRST} {LAST}",
        "email": EMAIL,
        "subject": "Bonjour",
        "message": PROJECT_WORD,
        "phone": PHONE,
    }
    assert client.call("POST", "/v1/contact-messages", contact)[0] == 202
    quote = {
        "project": {
            "trade": "plomberie",
            "description": f"Remplacer la verrière {PROJECT_WORD} de l'atelier.",
            "postcode": "34000",
            "city": "Montpellier",
            "timeframe": "Dans le mois",
        },
        "contact": {"first_name": FIRST, "last_name": LAST, "email": EMAIL, "phone": PHONE},
        "consents": {"partner_matching": True, "newsletter": True, "commercial_partners": True},
        "policy_version": "2023-09",
    }
    status, _ = client.call("POST", "/v1/quote-requests", quote)
    assert status in (201, 202)
    # The commercial partners consent counts (is exported) once the address is confirmed (C4-05).
    assert follow(client, "Votre demande de devis", "/v1/consents/confirm?", 0) == 200
    assert (
        client.call("POST", "/v1/newsletter/subscriptions", {"email": EMAIL, "policy_version": "2023-09"})[0]
        == 202
    )
    assert follow(client, "Confirmez votre inscription", "/confirm?", 0) == 200
    cookies = {
        "visitor_id": "7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "choices": {"analytics": True, "advertising": True},
        "policy_version": "2023-09",
    }
    assert client.call("POST", "/v1/cookie-consents", cookies)[0] in (200, 201)
    support = raw_email("support@jaqe.fr", "Question sur mon devis", f"Où en est mon projet {PROJECT_WORD} ?")
    assert client.call("POST", "/_local/inbound-email", support, {"Content-Type": "message/rfc822"})[0] == 200
    registration = {
        "company_name": f"{LAST} Rénovation",
        "siret": "41308127400016",
        "contact": {"first_name": FIRST, "last_name": LAST, "email": EMAIL, "phone": PHONE},
        "trades": ["plomberie"],
        "service_areas": ["34"],
        "certifications": ["RGE"],
        "terms_version": "2023-09",
    }
    assert client.call("POST", "/v1/professionals", registration) == (202, {"status": "received"})
    partner = {"name": "Assureur Partenaire", "email": PARTNER_CONTACT}
    assert client.call("POST", "/v1/admin/commercial-partners", partner, OPERATOR)[0] == 201
    status, export = client.call(
        "POST",
        "/v1/admin/commercial-partners/exports",
        {"partner": "Assureur Partenaire", "reason": "Export demandé par le partenaire"},
        OPERATOR,
    )
    assert status == 202
    # The worker writes the file (the local queue delivers it); its status then gives a link to it.
    path = f"/v1/admin/commercial-partners/exports/{export['export_id']}?reason=envoi"
    done = client.wait_until(
        lambda: (answer := client.call("GET", path, None, OPERATOR)[1])["status"] == "complete" and answer,
        "the partner export's file",
    )
    with urllib.request.urlopen(done["download_url"], timeout=10) as response:  # noqa: S310 - local moto
        assert EMAIL in response.read().decode()
    # A rights request by email (access): verified from the link, it leaves an export behind.
    access = raw_email(
        "privacy@jaqe.fr", "Accès à mes données", "Je demande l'accès à mes données personnelles."
    )
    status, handled = client.call("POST", "/_local/inbound-email", access, {"Content-Type": "message/rfc822"})
    assert status == 200 and handled["outcomes"] == ["rights_request"]
    assert follow(client, "Confirmez votre demande", "/verify?", 0) == 200
    client.wait_until(lambda: emails_to(client, EMAIL, "Réponse à votre demande"), "the access answer")


PARKED_TO = "devis@parked-pro.example.fr"


def queue_url(client: Client, name_part: str) -> str:
    [url] = [u for u in aws(client, "sqs", REGIONS[0]).list_queues()["QueueUrls"] if name_part in u]
    return str(url)


def park_a_lead_email_in_the_mail_dlq(client: Client) -> None:
    """A lead email about the person that failed five times, as SQS leaves it: its id in the mail
    dead-letter queue, its stored message (under the person's subject key) still there."""
    secret = aws(client, "secretsmanager", REGIONS[0]).get_secret_value(SecretId=names.SUBJECT_KEY_SECRET)
    about = subject_key_with(secret["SecretString"].encode(), EMAIL)
    lead = {
        "trade_label": "Plomberie",
        "city": "Montpellier",
        "postcode": "34000",
        "description": PROJECT_WORD,
        "timeframe": "Dans le mois",
        "first_name": FIRST,
        "last_name": LAST,
        "phone": PHONE,
        "email": EMAIL,
    }
    email = templates.lead_for_professional(PARKED_TO, "Entreprise parquée", lead, about=about)
    item = outgoing_mail_item("mail_parked", asdict(email), about, PurposeId.QUOTE_MATCHING)
    aws(client, "dynamodb", REGIONS[0]).put_item(
        TableName=names.DATA_TABLE, Item=TypeSerializer().serialize(item)["M"]
    )
    sqs = aws(client, "sqs", REGIONS[0])
    sqs.send_message(
        QueueUrl=queue_url(client, "MailDlq"), MessageBody=json.dumps({"mail_id": "mail_parked"})
    )


def redrive_the_mail_dlq(client: Client) -> int:
    """What an operator's redrive does: every message of the mail DLQ back to the outbox queue."""
    sqs, dlq = aws(client, "sqs", REGIONS[0]), queue_url(client, "MailDlq")
    moved = 0
    while messages := sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            sqs.send_message(QueueUrl=queue_url(client, names.MAIL_OUTBOX_QUEUE), MessageBody=message["Body"])
            sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    return moved


def outbox_drained(client: Client) -> bool:
    attributes = aws(client, "sqs", REGIONS[0]).get_queue_attributes(
        QueueUrl=queue_url(client, names.MAIL_OUTBOX_QUEUE),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return attributes == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}


def everything_in_aws(client: Client) -> list[tuple[str, str]]:
    """Every item, object version, queue message, execution and user, as (where, text)."""
    found: list[tuple[str, str]] = []
    s3 = aws(client, "s3", REGIONS[0])
    for bucket in s3.list_buckets()["Buckets"]:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket["Name"]):
            for version in page.get("Versions", []):
                body = s3.get_object(
                    Bucket=bucket["Name"], Key=version["Key"], VersionId=version["VersionId"]
                )
                found.append(
                    (f"s3:{bucket['Name']}/{version['Key']}", body["Body"].read().decode(errors="replace"))
                )
    for region in REGIONS:
        dynamodb = aws(client, "dynamodb", region)
        for table in dynamodb.list_tables()["TableNames"]:
            for page in dynamodb.get_paginator("scan").paginate(TableName=table):
                found += [
                    (f"dynamodb:{table}", json.dumps(item, ensure_ascii=False)) for item in page["Items"]
                ]
        sqs = aws(client, "sqs", region)
        for url in sqs.list_queues().get("QueueUrls", []):
            seen: dict[str, str] = {}
            for _ in range(5):  # visibility 0: what is there stays there for its consumer
                received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
                seen.update({m["MessageId"]: m["Body"] for m in received.get("Messages", [])})
            found += [(f"sqs:{url}", body) for body in seen.values()]
        sfn = aws(client, "stepfunctions", region)
        for machine in sfn.list_state_machines()["stateMachines"]:
            for execution in sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]:
                arn = execution["executionArn"]
                described = sfn.describe_execution(executionArn=arn)
                history = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
                text = json.dumps([described.get("input"), described.get("output"), history], default=str)
                found.append((f"sfn:{arn}", text))
        cognito = aws(client, "cognito-idp", region)
        for pool in cognito.list_user_pools(MaxResults=60)["UserPools"]:
            users = cognito.list_users(UserPoolId=pool["Id"])["Users"]
            found.append((f"cognito:{pool['Id']}", json.dumps(users, default=str)))
    return found


def leaks(client: Client) -> list[tuple[str, str]]:
    return [
        (where, value)
        for where, text in everything_in_aws(client)
        for value in PERSONAL
        if value.lower() in text.lower()
    ]


def test_c7_04_after_an_erasure_no_store_holds_anything_of_the_person(server):
    client = server
    enter_through_every_channel(client)
    park_a_lead_email_in_the_mail_dlq(client)
    assert leaks(client), "the person's data should be somewhere before the erasure (the search works)"

    status, erasure = client.call("POST", "/v1/rights-requests", {"type": "erasure", "email": EMAIL})
    assert status == 202
    assert follow(client, "Confirmez votre demande", "/verify?", 1) == 200
    assert wait_closed(client, erasure["status_url"]) == "completed"
    answer = client.wait_until(
        lambda: [e for e in emails_to(client, EMAIL, "Réponse à votre demande") if "effacé" in e["text"]],
        "the erasure answer",
    )[0]
    assert "trente-cinq jours" in answer["text"] and "liste d'opposition" in answer["text"]
    # Art. 19: the partner the export reached is told, at its directory contact, without the data.
    [notice] = client.wait_until(
        lambda: emails_to(client, PARTNER_CONTACT, ""), "the notice to the commercial partner"
    )
    assert EMAIL not in notice["text"] and LAST not in notice["text"]
    # The notices to the recipients and the answer are sent, each stored email deleted once sent.
    client.wait_until(lambda: outbox_drained(client), "the outbox to be drained")
    found = leaks(client)
    assert found == [], "\n".join(f"{value!r} in {where}" for where, value in found)

    # The lead email parked in the dead-letter queue: its id is all the queue holds, and a redrive
    # after the erasure sends nothing (its stored message went with the erasure).
    assert redrive_the_mail_dlq(client) == 1
    # The local stack delivers queue messages after each invocation (jaqe_dev/lambdas.py `settle`),
    # where AWS polls: any request makes it deliver the redriven one.
    assert client.call("GET", "/v1/trades")[0] == 200
    client.wait_until(lambda: outbox_drained(client), "the redriven message to be handled")
    assert emails_to(client, PARKED_TO, "Nouvelle demande") == []
    assert leaks(client) == []
