"""The raw message of an email to support@ / privacy@ does not outlive its intake (C7-04, C7-09):
what the request or message needs is stored under the sender's subject key, and the raw object
goes with every version (data inventory: raw_mail)."""

from __future__ import annotations

import boto3
import pytest

from jaqe_dev.stack import REGION, LocalStack
from tests.integration.test_inbound_email import raw


def raw_mail_versions(local: LocalStack) -> list[dict]:
    bucket = next(name for logical, name in local.inbound.names.items() if logical.startswith("RawMail"))
    listed = boto3.client("s3", region_name=REGION).list_object_versions(Bucket=bucket)
    return listed.get("Versions", []) + listed.get("DeleteMarkers", [])


@pytest.mark.parametrize(
    ("sample", "spam", "outcome"),
    [
        ("fr_erasure", "PASS", "rights_request"),
        ("fr_unclear", "PASS", "triage"),
        ("fr_unrelated", "PASS", "contact"),
        ("spam", "FAIL", "dropped"),
    ],
)
def test_c7_04_the_raw_message_is_deleted_with_every_version_once_handled(local, sample, spam, outcome):
    assert local.receive_email(raw(sample), spam=spam) == {"outcomes": [outcome]}
    assert raw_mail_versions(local) == []
