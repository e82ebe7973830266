"""The inbound-mail stack: Ireland (SES receives mail there, not in Paris), scanned, encrypted,
short-lived raw mail, and a cross-region path scoped to exactly the main region's resources."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jaqe.platform.regions import NonEuRegionError

from infra.app import build_app


@pytest.fixture(scope="module")
def inbound(cdk_out) -> dict[str, Any]:
    return json.loads((cdk_out / "JaqeInbound.template.json").read_text())


def of_type(template: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == resource_type]


def test_c5_03_the_inbound_stack_is_in_an_eu_region_that_receives_mail(cdk_out):
    manifest = json.loads((cdk_out / "manifest.json").read_text())
    environment = manifest["artifacts"]["JaqeInbound"]["environment"]
    assert environment.endswith("/eu-west-1")


def test_c5_03_a_non_eu_inbound_region_is_refused():
    with pytest.raises(NonEuRegionError):
        build_app(context={"inbound_mail_region": "us-east-1"})


def test_c7_09_support_and_privacy_addresses_are_scanned_then_stored_then_processed(inbound):
    [rule] = of_type(inbound, "AWS::SES::ReceiptRule")
    assert rule["Rule"]["Recipients"] == ["support@jaqe.fr", "privacy@jaqe.fr"]
    assert rule["Rule"]["ScanEnabled"] is True
    actions = rule["Rule"]["Actions"]
    assert "S3Action" in actions[0] and "LambdaAction" in actions[1]


def test_raw_mail_is_encrypted_private_and_kept_thirty_days(inbound):
    [raw] = [b for b in of_type(inbound, "AWS::S3::Bucket") if "LoggingConfiguration" in b]
    assert (
        raw["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"][
            "SSEAlgorithm"
        ]
        == "aws:kms"
    )
    assert raw["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 30
    assert raw["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True


def test_the_cross_region_path_names_exactly_the_main_regions_resources(inbound):
    statements = [s for p in of_type(inbound, "AWS::IAM::Policy") for s in p["PolicyDocument"]["Statement"]]
    text = json.dumps(statements)
    assert ":eu-west-3:" in text
    assert (
        "table/jaqe-data" in text
        and "stateMachine:jaqe-rights-request" in text
        and "jaqe-mail-outbox" in text
    )
    assert not any(s["Action"] in ("dynamodb:*", "*") for s in statements)
    kms = [s for s in statements if "kms:Decrypt" in json.dumps(s["Action"]) and "Condition" in s]
    assert kms and "alias/jaqe-data" in json.dumps(kms[0]["Condition"])


def test_failed_intakes_land_in_a_dead_letter_queue(inbound):
    [config] = of_type(inbound, "AWS::Lambda::EventInvokeConfig")
    assert "OnFailure" in config["DestinationConfig"]
