"""Breach response as deployed (C5-02): the workflow tells people a few batches at a time with
retries, the 72-hour deadline is checked hourly and alarmed, and each role gets only what it needs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.constructs.breach import ROUTES
from infra.constructs.state_machines import STATE_MACHINES
from tests.infra.test_main_stack import grants, resources

pytestmark = pytest.mark.infra
ASL = json.loads((STATE_MACHINES / "breach_response.asl.json").read_text())


def test_c5_02_notices_go_out_in_batches_with_bounded_concurrency_and_retries():
    notify = ASL["States"]["NotifyPeople"]
    assert notify["Type"] == "Map" and 1 < notify["MaxConcurrency"] <= 10
    [task] = notify["ItemProcessor"]["States"].values()
    [retry] = task["Retry"]
    assert "TemporarilyUnavailable" in retry["ErrorEquals"] and retry["MaxAttempts"] >= 3
    assert notify["Catch"][0]["Next"] == "RecordFailure"


def test_c5_02_the_workflow_waits_for_the_operators_decision_unless_confirmed_at_declaration():
    assert ASL["States"]["AwaitDecision"]["Resource"].endswith(".waitForTaskToken")
    [choice] = ASL["States"]["HighRiskKnown"]["Choices"]
    assert choice == {"Variable": "$.high_risk_confirmed", "BooleanEquals": True, "Next": "StartNotifying"}


def test_c5_02_the_cnil_deadline_is_checked_hourly_and_alarmed(template: dict[str, Any]):
    rules = resources(template, "AWS::Events::Rule")
    [hourly] = [r for k, r in rules.items() if k.startswith("BreachHourlyDeadlineCheck")]
    assert hourly["Properties"]["ScheduleExpression"] == "rate(1 hour)"
    assert json.loads(hourly["Properties"]["Targets"][0]["Input"]) == {"step": "check_deadlines"}
    alarms = json.dumps(resources(template, "AWS::CloudWatch::Alarm"))
    assert "IncidentNotificationsOverdue" in alarms and "IncidentNotificationsDueSoon" in alarms


def test_the_operators_routes_are_iam_authorised(template: dict[str, Any]):
    methods = resources(template, "AWS::ApiGateway::Method")
    incidents = [
        m
        for k, m in methods.items()
        if "incidents" in k.lower() and m["Properties"]["HttpMethod"] != "OPTIONS"
    ]
    assert len(incidents) == len(ROUTES)
    assert all(m["Properties"]["AuthorizationType"] == "AWS_IAM" for m in incidents)


def test_the_breach_roles_get_only_what_they_need(template: dict[str, Any]):
    workflow = grants(template, "FunctionsBreachWorkflowRole")
    admin = grants(template, "FunctionsAdminIncidentsRole")

    assert "dynamodb:DeleteItem" not in workflow and "dynamodb:Scan" not in workflow | admin
    indexes = {t for t in workflow["dynamodb:Query"] if "index" in t}
    assert any("by_segment" in t for t in indexes) and any("by_subject" in t for t in indexes)
    assert set(admin["states:StartExecution"]) == set(admin["states:SendTaskSuccess"])
    assert all("BreachStateMachine" in t for t in admin["states:StartExecution"])
    assert not any(a.startswith(("ses:", "sqs:")) for a in admin)  # operators' function sends no mail
