"""The flows dashboard (issue 10): one CloudWatch dashboard whose body names every function, every
queue, every state machine, both tables, the API and the application's own metrics."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Template

from infra.app import ROOT
from infra.main_stack import APPLICATION_METRICS, INBOUND_METRICS

pytestmark = pytest.mark.infra


def resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def rendered(body: Any) -> str:
    """The body as text, each token written as `{Ref:Id}` or `{GetAtt:Id.Attr}`."""
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        return "".join(rendered(part) for part in body)
    [(function, argument)] = body.items()
    if function == "Fn::Join":
        separator, parts = argument
        return separator.join(rendered(part) for part in parts)
    if function == "Ref":
        return f"{{Ref:{argument}}}"
    if function == "Fn::GetAtt":
        return f"{{GetAtt:{'.'.join(argument)}}}"
    raise AssertionError(f"unexpected token {function}")


@pytest.fixture(scope="module")
def widgets(template: dict[str, Any]) -> list[dict[str, Any]]:
    [dashboard] = resources(template, "AWS::CloudWatch::Dashboard").values()
    text = rendered(dashboard["Properties"]["DashboardBody"])
    # Tokens sit inside JSON strings; quote-free placeholders keep the body parseable.
    return json.loads(text)["widgets"]


def metrics_of(widgets: list[dict[str, Any]], title_part: str) -> str:
    found = [w for w in widgets if title_part in w.get("properties", {}).get("title", "")]
    assert found, f"no widget titled '{title_part}'"
    return json.dumps([w["properties"]["metrics"] for w in found])


def test_every_function_of_the_stack_has_errors_throttles_and_duration(template, widgets):
    functions = resources(template, "AWS::Lambda::Function")
    ours = [k for k, f in functions.items() if "S3Key" in f["Properties"]["Code"]]
    assert len(ours) >= 20
    for title in ("Lambda errors", "Lambda throttles", "Lambda duration p95"):
        graph = metrics_of(widgets, title)
        missing = [k for k in ours if f"{{Ref:{k}}}" not in graph]
        assert missing == [], f"{title}: {missing}"


def test_every_dead_letter_queue_shows_its_depth_and_each_work_queue_its_oldest_message(template, widgets):
    queues = resources(template, "AWS::SQS::Queue")
    [outbox] = [k for k in queues if k.startswith("MailOutbox")]
    # Work queues redrive to a DLQ (the outbox, the partner exports); every other queue is a DLQ.
    work = [k for k, q in queues.items() if "RedrivePolicy" in q["Properties"]]
    assert outbox in work
    dead_letters = metrics_of(widgets, "Dead-letter queues")
    dlqs = [k for k in queues if k not in work]
    assert len(dlqs) >= 5  # mail, feedback, cascade, reconciliation, professionals' async failures
    assert [k for k in dlqs if f"{{GetAtt:{k}.QueueName}}" not in dead_letters] == []
    assert "ApproximateNumberOfMessagesVisible" in dead_letters
    oldest = metrics_of(widgets, "age of oldest message")
    assert [k for k in work if f"{{GetAtt:{k}.QueueName}}" not in oldest] == []
    assert "ApproximateAgeOfOldestMessage" in oldest


def test_every_state_machine_shows_started_succeeded_failed_and_timed_out(template, widgets):
    machines = resources(template, "AWS::StepFunctions::StateMachine")
    assert machines
    for logical_id in machines:
        [row] = [w for w in widgets if f"{{Ref:{logical_id}}}" in json.dumps(w)]
        shown = {m[1] for m in row["properties"]["metrics"]}
        assert {"ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"} <= shown


def test_the_api_shows_requests_4xx_5xx_and_p95_latency(template, widgets):
    [api] = resources(template, "AWS::ApiGateway::RestApi").values()
    name = api["Properties"]["Name"]
    requests, errors, latency = (
        metrics_of(widgets, t) for t in ("API requests", "API 4xx", "API latency p95")
    )
    assert f'"ApiName", "{name}"' in requests and '"Count"' in requests
    assert '"4XXError"' in errors and '"5XXError"' in errors and name in errors
    assert '"Latency"' in latency and '"stat": "p95"' in latency


def test_every_table_shows_throttled_requests_and_system_errors(template, widgets):
    tables = resources(template, "AWS::DynamoDB::Table")
    assert len(tables) == 3  # data, idempotency, access trail
    for title, metric in (
        ("DynamoDB throttled", "ThrottledRequests"),
        ("DynamoDB system errors", "SystemErrors"),
    ):
        graph = metrics_of(widgets, title)
        assert metric in graph
        assert all(f"{{Ref:{k}}}" in graph for k in tables)


def test_every_metric_the_functions_emit_is_on_the_dashboard(widgets):
    """Literal `add_metric(name="...")` of functions/, plus the names built from outcomes."""
    emitted: dict[str, str] = {}
    for app in (ROOT / "functions").glob("*/app.py"):
        for name in re.findall(r'add_metric\(\s*name="(\w+)"', app.read_text()):
            emitted[name] = app.parent.name
    assert len(emitted) >= 20
    shown = json.dumps([w["properties"].get("metrics") for w in widgets if w["type"] == "metric"])
    missing = [
        f"{name} ({service})"
        for name, service in emitted.items()
        if f'"JAQE", "{name}", "service", "{service}"' not in shown
    ]
    assert missing == []
    listed = {n for group in APPLICATION_METRICS.values() for names in group.values() for n in names}
    assert {"DocumentAccepted", "DocumentRejected"} <= listed  # f"Document{outcome}"
    assert "Inbound_rights_request" in INBOUND_METRICS and '"Inbound_rights_request"' in shown


def test_adding_a_state_machine_is_one_call():
    from aws_cdk import App, Stack
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_stepfunctions as sfn

    from infra.constructs.monitoring import Monitoring

    stack = Stack(App(), "Breach")
    monitoring = Monitoring(
        stack, "Monitoring", key=kms.Key(stack, "Key"), alarm_email=None, dashboard_name="test"
    )
    machine = sfn.StateMachine(
        stack, "BreachResponse", definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(stack, "Go"))
    )

    monitoring.add_state_machine("Breach response", machine)

    [dashboard] = Template.from_stack(stack).find_resources("AWS::CloudWatch::Dashboard").values()
    body = rendered(dashboard["Properties"]["DashboardBody"])
    machine_id = stack.resolve(machine.state_machine_arn)["Ref"]
    assert "Breach response: executions" in body and f"{{Ref:{machine_id}}}" in body
