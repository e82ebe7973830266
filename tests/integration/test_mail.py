"""Outgoing mail: queued, sent once, retried when SES fails, never sent to a blocked address."""

from __future__ import annotations

import json
from unittest import mock

import boto3
from botocore.exceptions import ClientError

from jaqe_dev.stack import LocalStack
from tests.conftest import load_event
from tests.integration.seeds import all_items

CONTACT = json.loads(load_event("contact_messages/post_valid.json")["body"])


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
    sqs = boto3.client("sqs")
    url = next(u for u in sqs.list_queues()["QueueUrls"] if "outbox" in u)
    body = json.dumps(
        {"to": "x@example.fr", "subject": "Test", "text": "Bonjour", "unsubscribe_url": None, "tags": {}}
    )
    record = {
        "messageId": "same-message-id",
        "receiptHandle": "h",
        "body": body,
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
