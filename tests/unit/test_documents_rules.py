"""Magic bytes and the presigned POST policy (moto does not enforce it: S3 does, so check what we ask)."""

from __future__ import annotations

import base64
import json

import boto3
import pytest
from jaqe.professionals.documents import UPLOAD_SECONDS, sniff, upload_conditions
from jaqe.professionals.model import MAX_BYTES, DocumentIn
from pydantic import ValidationError


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    ],
)
def test_sniff_recognises_the_three_accepted_formats(head, content_type):
    assert sniff(head) == content_type


@pytest.mark.parametrize(
    "head",
    [
        b"MZ\x90\x00\x03",
        b"\x7fELF\x02\x01",
        b"#!/bin/sh\n",
        b"PK\x03\x04",
        b"<html>",
        b"",
        b" %PDF-1.7",
        b"GIF89a",
    ],
)
def test_sniff_refuses_anything_else(head):
    assert sniff(head) is None


def test_presigned_post_policy_restricts_prefix_type_size_and_lifetime():
    s3 = boto3.client(
        "s3",
        region_name="eu-west-3",
        aws_access_key_id="x",
        aws_secret_access_key="y",  # signing only, offline
    )
    pro = "pro_" + "a" * 32
    key = f"professionals/{pro}/doc_" + "b" * 32
    post = s3.generate_presigned_post(
        Bucket="docs",
        Key=key,
        Fields={"Content-Type": "application/pdf"},
        Conditions=upload_conditions(pro, "application/pdf"),
        ExpiresIn=UPLOAD_SECONDS,
    )
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    conditions = policy["conditions"]

    assert ["starts-with", "$key", f"professionals/{pro}/"] in conditions
    assert {"key": key} in conditions
    assert {"Content-Type": "application/pdf"} in conditions
    assert ["content-length-range", 1, MAX_BYTES] in conditions and MAX_BYTES == 10 * 1024 * 1024
    assert {"bucket": "docs"} in conditions
    assert UPLOAD_SECONDS == 15 * 60
    from datetime import UTC, datetime

    expiration = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert 14 * 60 < (expiration - datetime.now(UTC)).total_seconds() <= 15 * 60


@pytest.mark.parametrize(
    "request_body",
    [
        {"kind": "insurance", "content_type": "application/zip", "size": 10},
        {"kind": "insurance", "content_type": "application/pdf", "size": MAX_BYTES + 1},
        {"kind": "insurance", "content_type": "application/pdf", "size": 0},
        {"kind": "selfie", "content_type": "image/png", "size": 10},
    ],
)
def test_upload_requests_outside_the_rules_are_refused(request_body):
    with pytest.raises(ValidationError):
        DocumentIn.model_validate(request_body)


# --- review (issue 19) -----------------------------------------------------------------------------


class Versions:
    """Just what `keep_pinned` uses of an ObjectStore: a key's versions, and deleting one."""

    def __init__(self, versions: list[str]) -> None:
        self.versions = versions

    def version_ids(self, bucket: str, key: str) -> list[str]:
        return list(self.versions)

    def delete_version(self, bucket: str, key: str, version_id: str | None) -> None:
        self.versions.remove(str(version_id))


def test_keep_pinned_deletes_every_other_version_and_says_when_the_pinned_one_is_gone():
    from jaqe.professionals.documents import keep_pinned

    doc = {"s3_key": "professionals/pro_x/doc_y", "version_id": "v1"}
    objects = Versions(["v3", "v1", "v2"])
    assert keep_pinned(objects, "b", doc) is True  # type: ignore[arg-type]
    assert objects.versions == ["v1"]
    assert keep_pinned(Versions(["v2"]), "b", doc) is False  # type: ignore[arg-type]


def test_only_documents_awaiting_review_are_in_the_queue_segment():
    from jaqe.professionals.model import DocumentStatus
    from jaqe.professionals.records import REVIEW_SEGMENT, document_outcome

    owner = {"pro_id": "pro_x"}
    doc = {"pk": "PRO#pro_x", "sk": "DOC#doc_y"}
    waiting = document_outcome(owner, doc, DocumentStatus.PENDING_REVIEW, {"version_id": "v1"})["Update"]
    decided = document_outcome(
        owner,
        doc,
        DocumentStatus.ACCEPTED,
        {"expires_on": "2030-01-01"},
        expected=DocumentStatus.PENDING_REVIEW,
    )["Update"]

    assert REVIEW_SEGMENT in waiting["ExpressionAttributeValues"].values()
    assert waiting["ExpressionAttributeValues"][":expected"] == "pending_upload"
    assert "#segment" in decided["UpdateExpression"].split("REMOVE", 1)[1]
    assert decided["ExpressionAttributeNames"]["#segment"] == "segment"
    assert decided["ExpressionAttributeValues"][":expected"] == "pending_review"


def test_a_decision_is_accept_or_reject_and_only_an_acceptance_carries_a_date():
    from jaqe.professionals.model import DocumentDecisionIn

    assert (
        DocumentDecisionIn(decision="accept", expires_on="2030-06-30").expires_on.isoformat() == "2030-06-30"
    )  # type: ignore[arg-type, union-attr]
    for bad in (
        {"decision": "reject", "expires_on": "2030-06-30"},
        {"decision": "approve"},
        {"decision": "accept", "reason": ""},
        {"decision": "accept", "extra": 1},
    ):
        with pytest.raises(ValidationError):
            DocumentDecisionIn(**bad)  # type: ignore[arg-type]
