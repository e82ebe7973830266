"""Outgoing mail: stored under the subject key of the person it is about, queued by id, sent once,
retried when SES fails, never sent to a blocked address (nor marketing to a suppressed one)."""

from __future__ import annotations

import json
from unittest import mock

import boto3
from botocore.exceptions import ClientError
from jaqe.platform import clock, templates
from jaqe.platform.mail import OutgoingEmail
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.register import PurposeId
from jaqe.privacy.subject_flags import Subjects

from infra.constructs.mail import MAX_SEND_ATTEMPTS
from jaqe_dev.stack import LocalStack
from tests.conftest import load_event
from tests.integration.seeds import all_items, listed_professional
from tests.workflow.conftest import rights  # noqa: F401 - fixture

CONTACT = json.loads(load_event("contact_messages/post_valid.json")["body"])
QUOTE = load_event("quote_requests/post_valid.json")
LEAD = json.loads(QUOTE["body"])


def bounce(address: str, bounce_type: str = "Permanent") -> dict:
    notification = {
        "eventType": "Bounce",
        "bounce": {"bounceType": bounce_type, "bouncedRecipients": [{"emailAddress": address}]},
        "mail": {"messageId": "0102019a-example"},
    }
    return {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": json.dumps(notification)}}]}


def queue_depth(local: LocalStack, name_part: str) -> int:
    sqs = boto3.client("sqs")
    url = next(u for u in sqs.list_queues()["QueueUrls"] if name_part.lower() in u.lower())
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_a_hard_bounce_stops_later_sends_to_that_address(local):
    local.lambdas.invoke_by_name("mail_feedback", bounce(CONTACT["email"]))

    response = local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)

    assert response.status == 202
    assert local.outbox() == []
    assert [i["reason"] for i in all_items(local) if i.get("item_type") == "mail_block"] == ["hard_bounce"]


def test_a_soft_bounce_does_not_block(local):
    assert local.lambdas.invoke_by_name("mail_feedback", bounce(CONTACT["email"], "Transient")) == {
        "blocked": 0
    }
    local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)
    assert len(local.outbox()) == 1


def test_when_ses_is_down_the_message_is_kept_and_delivered_once_ses_is_back(local):
    real_send = None
    from jaqe.platform import mail

    real_send = mail.SesSender.send

    def ses_down(self, email):
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "SES down"}}, "SendEmail")

    with mock.patch.object(mail.SesSender, "send", ses_down):
        response = local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)
    assert response.status == 202  # the lead/message is stored even though SES failed
    assert local.outbox() == [] and queue_depth(local, "Outbox") == 1

    assert mail.SesSender.send is real_send
    local.settle()

    assert len(local.outbox()) == 1
    assert queue_depth(local, "Outbox") == 0


def test_a_message_that_keeps_failing_ends_in_the_dead_letter_queue(local):
    from jaqe.platform import mail

    def ses_down(self, email):
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "SES down"}}, "SendEmail")

    with mock.patch.object(mail.SesSender, "send", ses_down):
        local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)
        for _ in range(6):
            local.settle()

    assert queue_depth(local, "Outbox") == 0
    assert queue_depth(local, "MailDlq") == 1


def test_a_queue_message_delivered_twice_is_sent_once(local):
    with local.environment_of("contact_messages"):
        OutboxMailer().send(
            OutgoingEmail(to="x@example.fr", subject="Test", text="Bonjour", purpose="contact_requests")
        )
    # Taken off the queue as Lambda's poller would, then delivered twice (at-least-once queues).
    sqs = boto3.client("sqs")
    url = queue_url("outbox")
    [queued] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=queued["ReceiptHandle"])
    record = {
        "messageId": "same-message-id",
        "receiptHandle": "h",
        "body": queued["Body"],
        "attributes": {},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-3:123456789012:Outbox",
        "awsRegion": "eu-west-3",
    }
    assert url
    for _ in range(2):
        result = local.lambdas.invoke_by_name("mail_sender", {"Records": [record]})
        assert result == {"batchItemFailures": []}
    assert len(local.outbox()) == 1


# -- issue 17: the queue names a stored message; the message lives under a subject key ----------


def queue_url(name_part: str) -> str:
    sqs = boto3.client("sqs")
    return next(u for u in sqs.list_queues()["QueueUrls"] if name_part.lower() in u.lower())


def messages_in(name_part: str) -> list[dict]:
    """The messages of a queue, left in it (one receive, no visibility timeout: each receive counts
    towards the queue's maxReceiveCount, as in SQS)."""
    return (
        boto3.client("sqs")
        .receive_message(QueueUrl=queue_url(name_part), MaxNumberOfMessages=10, VisibilityTimeout=0)
        .get("Messages", [])
    )


def stored_mail(local: LocalStack) -> list[dict]:
    return [i for i in all_items(local) if i.get("item_type") == "outgoing_mail"]


def ses_down(self, email):
    raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "SES down"}}, "SendEmail")


def test_the_outbox_queue_names_the_stored_message_and_holds_no_address_or_text(local):
    from jaqe.platform import mail

    with mock.patch.object(mail.SesSender, "send", ses_down):
        local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)

    [queued] = messages_in("outbox")
    [stored] = stored_mail(local)
    assert json.loads(queued["Body"]) == {"mail_id": stored["mail_id"]}
    for personal in (CONTACT["email"], CONTACT["name"], "camille", "Nous avons bien reçu"):
        assert personal.lower() not in queued["Body"].lower()
    # The message is held where the subject index reaches it, for its purpose, for 15 days.
    assert stored["subject_key"] == local.subject_key(CONTACT["email"])
    assert stored["purpose"] == PurposeId.CONTACT_REQUESTS.value
    assert 14 * 86400 < int(stored["expires_at"]) - clock.epoch() <= 15 * 86400
    assert stored["message"]["to"] == CONTACT["email"]

    local.settle()  # SES is back

    [sent] = local.outbox()
    assert sent["to"] == [CONTACT["email"]]
    assert stored_mail(local) == []  # deleted once sent
    # The sender's idempotency record is keyed on the SQS message id and holds the outcome only.
    idempotency = boto3.resource("dynamodb").Table(local.provisioned.table_name("IdempotencyTable"))
    records = json.dumps(idempotency.scan()["Items"], default=str).lower()
    assert "sent" in records
    assert CONTACT["email"].lower() not in records and "camille" not in records


def test_c7_04_a_lead_email_parked_in_the_dead_letter_queue_sends_nothing_after_the_erasure(rights):  # noqa: F811
    """A lead email that failed five times (mail DLQ), then the consumer erases: the DLQ holds ids only,
    no copy of the emails was stored (they are rendered from the lead and its disclosures), the
    erasure deleted those, and a redrive sends nothing and fails nothing."""
    from jaqe.platform import mail

    local = rights.local
    listed_professional(local, "p1")
    with mock.patch.object(mail.SesSender, "send", ses_down):
        assert local.lambdas.invoke_by_name("quote_requests", QUOTE)["statusCode"] == 201
        for _ in range(MAX_SEND_ATTEMPTS + 1):
            local.settle()
    assert queue_depth(local, "Outbox") == 0
    parked = {json.loads(m["Body"])["mail"]: json.loads(m["Body"]) for m in messages_in("MailDlq")}
    # The consumer's confirmation and the lead to p1, each naming the records it is made from.
    [lead] = [i for i in all_items(local) if i.get("item_type") == "lead"]
    assert parked == {
        "quote_confirmation": {"mail": "quote_confirmation", "lead_id": lead["lead_id"], "pro_ids": ["p1"]},
        "lead_for_professional": {
            "mail": "lead_for_professional",
            "lead_id": lead["lead_id"],
            "pro_id": "p1",
        },
    }
    assert stored_mail(local) == []

    _, execution = rights.run({"type": "erasure", "email": LEAD["contact"]["email"]})
    assert execution["status"] == "SUCCEEDED"

    assert not [i for i in all_items(local) if i.get("lead_id") == lead["lead_id"]]
    dead_letters = messages_in("MailDlq")
    assert len(dead_letters) == 2
    personal = [LEAD["contact"][k] for k in ("email", "first_name", "last_name", "phone")]
    personal += [LEAD["project"]["description"], "p1@artisans.example", "+33612345678"]
    for message in dead_letters:
        assert not any(value.lower() in message["Body"].lower() for value in personal)

    sent_before = len(local.outbox())
    sqs = boto3.client("sqs")
    for message in dead_letters:  # a redrive: back to the source queue
        sqs.send_message(QueueUrl=queue_url("outbox"), MessageBody=message["Body"])
        sqs.delete_message(QueueUrl=queue_url("MailDlq"), ReceiptHandle=message["ReceiptHandle"])
    local.settle()

    assert len(local.outbox()) == sent_before  # nothing sent
    assert queue_depth(local, "Outbox") == 0 and queue_depth(local, "MailDlq") == 0  # done, not failed
    assert not [e for e in local.outbox() if "Nouvelle demande de devis" in e["subject"]]


def test_c7_04_after_an_erasure_marketing_mail_is_refused_and_the_transactional_answer_still_sent(local):
    """The suppression list stops marketing mail (unsubscribe link, similar services) only; the answer
    to the person's own request still reaches them."""
    address = "efface@example.fr"
    with local.environment_of("contact_messages"):
        Subjects(local.store()).suppress(local.subject_key(address), reason="erasure")
        mailer = OutboxMailer()
        mailer.send(
            templates.newsletter_welcome(address, "https://api.jaqe.fr/v1/newsletter/unsubscribe?t=1")
        )
        mailer.send(
            templates.similar_services(address, "Plomberie", "https://api.jaqe.fr/v1/unsubscribe?t=2")
        )
        mailer.send(templates.rights_answer(address, "req_1", "effacement", ["Vos données sont effacées."]))
    local.settle()

    [sent] = local.outbox()
    assert sent["to"] == [address] and sent["subject"] == "Réponse à votre demande : effacement"
    assert "List-Unsubscribe" not in sent["headers"]
    assert stored_mail(local) == []  # refused messages are not kept either


def test_a_bounced_address_gets_no_mail_of_any_kind(local):
    address = "rebond@example.fr"
    local.lambdas.invoke_by_name("mail_feedback", bounce(address))
    with local.environment_of("contact_messages"):
        OutboxMailer().send(templates.rights_answer(address, "req_2", "accès", ["Votre export est prêt."]))
    local.settle()

    assert local.outbox() == []
    assert stored_mail(local) == []
