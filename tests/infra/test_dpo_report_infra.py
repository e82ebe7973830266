"""The DPO's monthly report on the template: emailed on the 1st by `dpo_report` (schedule with a
dead-letter queue, failed invokes dead-lettered too), which reads a month through `by_segment` only;
the route is IAM-authorised."""

from __future__ import annotations

import json
from typing import Any

from tests.infra.test_main_stack import directory_only, grants, resources


def test_the_report_is_emailed_on_the_first_of_each_month_with_its_failures_dead_lettered(template):
    [rule] = [
        r for k, r in resources(template, "AWS::Events::Rule").items() if k.startswith("DpoMonthlyDpoReport")
    ]
    assert rule["Properties"]["ScheduleExpression"] == "cron(0 6 1 * ? *)"
    [target] = rule["Properties"]["Targets"]
    assert "FunctionsDpoReport" in json.dumps(target["Arn"]) and "DeadLetterConfig" in target
    configs = resources(template, "AWS::Lambda::EventInvokeConfig")
    [config] = [c for k, c in configs.items() if k.startswith("FunctionsDpoReportEventInvokeConfig")]
    assert "DpoReportDlq" in json.dumps(config["Properties"]["DestinationConfig"]["OnFailure"])
    [function] = [
        f
        for k, f in resources(template, "AWS::Lambda::Function").items()
        if k.startswith("FunctionsDpoReport")
    ]
    assert function["Properties"]["Environment"]["Variables"]["DPO_EMAIL"] == "dpo@jaqe.fr"


def test_the_report_function_reads_a_month_through_by_segment_and_sends_through_the_outbox(template):
    granted = grants(template, "FunctionsDpoReportRole")
    assert {a for a in granted if a.startswith("dynamodb:")} == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
    }
    [queried] = [t for t in granted["dynamodb:Query"] if "/index/" in t]
    assert "/index/by_segment" in queried
    assert directory_only(template, "FunctionsDpoReportRole")  # and the partners' contract reviews
    assert all("MailOutbox" in t or "Dlq" in t for t in granted["sqs:SendMessage"])
    assert not any(a.startswith(("ses:", "s3:", "states:")) or a.endswith("*") for a in granted)


def test_the_monthly_report_route_is_iam_authorised(template: dict[str, Any]):
    methods = [
        m
        for k, m in resources(template, "AWS::ApiGateway::Method").items()
        if k.startswith("ApiRestApiv1adminreportsmonthly") and m["Properties"]["HttpMethod"] == "GET"
    ]
    assert [m["Properties"]["AuthorizationType"] for m in methods] == ["AWS_IAM"]
    assert "FunctionsAdminRetention" in json.dumps(methods[0]["Properties"]["Integration"]["Uri"])
