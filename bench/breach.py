"""Breach notification on the local stack (`make bench`, issue 23 item 4; the plan: docs/scale.md).

`python -m bench.breach` (BENCH_BREACH_PEOPLE, default 10,000). A high-risk breach of that many quote
requesters goes through the real path: an operator declares it (`POST /v1/admin/incidents`), moto
runs the synthesised state machine (its Map with the template's MaxConcurrency), whose tasks run the
`breach_workflow` handler in-process; each notice goes through the outbox (`MAIL#` item and queue
message) to `mail_sender` and moto's SES. The run waits until the incident is closed, then reads the
execution history.

Reported: the time on the local stack, state transitions and history events, Lambda invocations
and the AWS calls of each function (the harness's polling of the incident left out), emails sent;
DynamoDB request units per person from a smaller run under the capacity meter (`jaqe_dev.capacity`,
BENCH_BREACH_METERED people); an estimated AWS cost, for the people measured, per 10,000 and per
100,000; and
what the figures say of the Map's MaxConcurrency. Local time is moto's (about 10 ms of serialisation
per call, in one process on a shared machine): the calls, not the seconds, are what AWS would see.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.aws_calls import aws_calls

ASL = Path(__file__).resolve().parent.parent / "infra/statemachines/breach_response.asl.json"
PEOPLE = int(os.environ.get("BENCH_BREACH_PEOPLE", "10000"))
METERED_PEOPLE = int(os.environ.get("BENCH_BREACH_METERED", "300"))
# What the plan assumes of AWS (docs/scale.md): a call's round trip from Lambda, SES sending rates
# (the default quota's and the raised one to ask for before an incident), emails per mail-sender
# invocation (its event source's batch).
SECONDS_PER_CALL = 0.01
SECONDS_PER_SEND = 0.05  # an SES SendEmail answers slower than a DynamoDB or SQS call
SES_DEFAULT_PER_SECOND = 14
SES_RAISED_PER_SECOND = 50
PER_HUNDRED_THOUSAND = 100_000
# The incident's own API: the declaration, and the harness's polling of its status.
HARNESS_FUNCTIONS = ("admin_incidents",)


class ByFunction:
    """The function running in each thread (moto runs the state machine and its Map iterations in
    threads of their own), and the AWS calls each function makes."""

    def __init__(self, local: Any) -> None:
        self._running = threading.local()
        self.calls: dict[str, Counter[str]] = {}
        self.invocations: Counter[str] = Counter()
        lambdas = local.lambdas
        invoke = lambdas.invoke

        def named(logical_id: str, event: Any, **options: Any) -> Any:
            stack = self._stack()
            stack.append(lambdas.specs[logical_id].name)
            try:
                return invoke(logical_id, event, **options)
            finally:
                self.invocations[stack.pop()] += 1

        lambdas.invoke = named

    def _stack(self) -> list[str]:
        if not hasattr(self._running, "stack"):
            self._running.stack = []
        stack: list[str] = self._running.stack
        return stack

    def current(self) -> str | None:
        stack = self._stack()
        return stack[-1] if stack else None

    @contextmanager
    def counting(self) -> Iterator[None]:
        lock = threading.Lock()

        def record(name: str) -> None:
            function = self.current()
            if function is not None:
                with lock:
                    self.calls.setdefault(function, Counter())[name] += 1

        with aws_calls(record):
            yield


def _history(local: Any) -> list[dict[str, Any]]:
    import boto3

    sfn = boto3.client("stepfunctions")
    [machine] = [m for m in sfn.list_state_machines()["stateMachines"] if "Breach" in m["name"]]
    [execution] = sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    pages = sfn.get_paginator("get_execution_history").paginate(executionArn=execution["executionArn"])
    return [event for page in pages for event in page["events"]]


def _max_concurrency() -> int:
    """The notifying Map's MaxConcurrency, from the definition the template embeds."""
    definition = json.loads(ASL.read_text())
    [limit] = [state["MaxConcurrency"] for state in definition["States"].values() if state["Type"] == "Map"]
    return int(limit)


def _mail_sender_settings(local: Any) -> dict[str, int]:
    """The mail sender's reserved concurrency and its queue's batch size, as synthesised."""
    logical = local.lambdas.logical_id("mail_sender")
    function = local.stack.template["Resources"][logical]["Properties"]
    [mapping] = [
        props
        for props in local.stack.of_type("AWS::Lambda::EventSourceMapping").values()
        if json.dumps(props["FunctionName"]).find(logical) >= 0
    ]
    return {
        "reserved_concurrency": int(function["ReservedConcurrentExecutions"]),
        "batch_size": int(mapping.get("BatchSize", 10)),
    }


def run_incident(people: int, *, meter: bool = False) -> dict[str, Any]:
    """Declare a high-risk breach of `people` quote requesters and wait until every one is told."""
    import moto
    from jaqe.platform import aws, clock

    from jaqe_dev.capacity import CapacityMeter, table_shapes
    from jaqe_dev.stack import MOTO_CONFIG, LocalStack, forget_cached_state
    from tests.integration.test_breach import declare, incident, seed_leads, wait_for

    with moto.mock_aws(config=MOTO_CONFIG):
        aws.reset()
        local = LocalStack()
        seed_leads(local, people, "2026-03-04")
        clock.freeze(datetime(2026, 3, 10, 9, tzinfo=UTC))
        functions = ByFunction(local)
        shapes = table_shapes(local.stack.of_type("AWS::DynamoDB::Table"), local.provisioned.names)
        capacity = CapacityMeter(shapes, functions.current)
        metering = capacity.measuring() if meter else nullcontext()
        try:
            with functions.counting(), metering:
                start = time.perf_counter()
                incident_id = declare(local, incident(high_risk=True))
                view = wait_for(local, incident_id, "closed")
                seconds = time.perf_counter() - start
            events = _history(local)
            figures: dict[str, Any] = {
                "people": people,
                "people_notified": view["people_notified"],
                "batches": view["batches"],
                "seconds": round(seconds, 1),
                "transitions": sum(1 for e in events if e["type"].endswith("StateEntered")),
                "history_events": len(events),
                "map_iterations_at_once": _max_concurrency(),
                "mail_sender": _mail_sender_settings(local),
                "lambda_invocations": {
                    k: v for k, v in sorted(functions.invocations.items()) if k not in HARNESS_FUNCTIONS
                },
                "calls": {
                    k: dict(sorted(v.items()))
                    for k, v in sorted(functions.calls.items())
                    if k not in HARNESS_FUNCTIONS
                },
                "emails": _notices(),
            }
            if meter:
                mine = [w for w in capacity.writes if w.function not in HARNESS_FUNCTIONS]
                reads = [r for r in capacity.reads if r.function not in HARNESS_FUNCTIONS]
                figures["write_units_per_person"] = round(sum(w.units for w in mine) / people, 2)
                figures["read_units_per_person"] = round(sum(r.units for r in reads) / people, 2)
        finally:
            clock.reset()
            forget_cached_state()
    assert figures["emails"] == figures["people_notified"] == people, figures  # each told once
    return figures


def _notices() -> int:
    """Breach notices in moto's SES (the subject line only: parsing 10,000 emails takes a minute)."""
    from jaqe_dev.outbox import _sent_messages
    from tests.integration.test_breach import NOTICE_SUBJECT

    return sum(1 for m in _sent_messages() if NOTICE_SUBJECT in _subject(m))


def _subject(message: Any) -> str:
    from email import message_from_string, policy

    raw = getattr(message, "raw_data", None)
    if raw is None:
        return ""
    return str(message_from_string(raw.split("\n\n", 1)[0], policy=policy.default)["Subject"])


def template_memory_gb(name: str) -> float:
    from bench.cost_model import template_memory_mb

    return template_memory_mb(name) / 1024


def estimate(figures: dict[str, Any], metered: dict[str, Any], people: int) -> dict[str, float]:
    """USD for `people`, scaling the per-person figures measured (transitions: 6 around the Map,
    one per batch of 100)."""
    from bench.cost_model import unit_prices

    p = unit_prices()
    measured = figures["people"]
    scale = people / measured
    batches = math.ceil(people / 100)
    transitions = figures["transitions"] - figures["batches"] + batches
    invocations = sum(figures["lambda_invocations"].values()) * scale
    gb_seconds = sum(seconds(ops) * scale * template_memory_gb(f) for f, ops in figures["calls"].items())
    sends = sum(
        ops.get("sqs.SendMessage", 0) + ops.get("sqs.SendMessageBatch", 0)
        for ops in figures["calls"].values()
    )
    usd = {
        "step_functions": transitions * p["sfn_per_thousand_transitions"] / 1000,
        "ses": people * p["ses_per_thousand"] / 1000,
        "lambda": invocations * p["lambda_per_million"] / 1e6 + gb_seconds * p["lambda_gb_second_arm64"],
        "dynamodb": people
        * (
            metered["write_units_per_person"] * p["ddb_write_per_million"]
            + metered["read_units_per_person"] * p["ddb_read_per_million"]
        )
        / 1e6,
        "sqs": sends * scale * 3 * p["sqs_per_million"] / 1e6,  # send, receive, delete
    }
    usd["total"] = sum(usd.values())
    return {k: round(v, 4) for k, v in usd.items()}


def seconds(calls: dict[str, int]) -> float:
    """What these calls take in AWS, one after another."""
    sends = sum(n for op, n in calls.items() if op.startswith(("ses.", "sesv2.")))
    return sends * SECONDS_PER_SEND + (sum(calls.values()) - sends) * SECONDS_PER_CALL


def concurrency(figures: dict[str, Any]) -> dict[str, Any]:
    """How fast one batch enqueues in AWS (its calls one after another, SECONDS_PER_CALL each) against how fast the
    notices can leave (SES's rate, the mail sender's reserved concurrency): the Map's MaxConcurrency
    that keeps the outbox fed without flooding it."""
    batch_calls = sum(figures["calls"]["breach_workflow"].values()) / figures["batches"]
    batch_seconds = seconds(figures["calls"]["breach_workflow"]) / figures["batches"]
    per_batch = 100 / batch_seconds
    sender = figures["mail_sender"]
    invocation = seconds(figures["calls"]["mail_sender"]) / figures["lambda_invocations"]["mail_sender"]
    sender_rate = sender["reserved_concurrency"] * sender["batch_size"] / invocation
    return {
        "calls_per_batch": round(batch_calls, 1),
        "batch_seconds_in_aws": round(batch_seconds, 1),
        "emails_enqueued_per_second_per_batch": round(per_batch, 1),
        "mail_sender_emails_per_second": round(sender_rate, 1),
        "needed_for_ses_default": math.ceil(SES_DEFAULT_PER_SECOND / per_batch),
        "needed_for_ses_raised": math.ceil(SES_RAISED_PER_SECOND / per_batch),
        "template": figures["map_iterations_at_once"],
    }


def measure() -> dict[str, Any]:
    """What `make bench` records (results.json `breach`)."""
    # The meter's own reads of each item's images are calls too: only the units of that run are kept.
    metered = {
        k: v
        for k, v in run_incident(METERED_PEOPLE, meter=True).items()
        if k in ("people", "write_units_per_person", "read_units_per_person")
    }
    figures = run_incident(PEOPLE)
    return {
        **figures,
        "metered": metered,
        "usd": estimate(figures, metered, figures["people"]),
        "usd_per_10k": estimate(figures, metered, 10_000),
        "usd_per_100k": estimate(figures, metered, PER_HUNDRED_THOUSAND),
        "concurrency": concurrency(figures),
    }


def markdown(breach: dict[str, Any]) -> list[str]:
    usd, per = breach["usd"], breach["usd_per_100k"]
    c = breach["concurrency"]
    invocations = sum(breach["lambda_invocations"].values())
    calls = sum(sum(ops.values()) for ops in breach["calls"].values())
    return [
        "",
        "## Breach notification",
        "",
        f"A high-risk breach of {breach['people']:,} quote requesters, declared through the API and run by the "
        "synthesised state machine on moto (bench/breach.py, plan in docs/scale.md).",
        "",
        "| figure | value |",
        "|---|---|",
        f"| time on the local stack (moto, one process) | {breach['seconds']:,} s |",
        f"| batches of 100, Map iterations at once | {breach['batches']}, {breach['map_iterations_at_once']} |",
        f"| state transitions (history events) | {breach['transitions']} ({breach['history_events']}) |",
        f"| Lambda invocations | {invocations:,} ("
        + ", ".join(f"`{k}` {v:,}" for k, v in breach["lambda_invocations"].items())
        + ") |",
        f"| AWS calls by functions | {calls:,} ({calls / breach['people']:.1f} per person) |",
        f"| emails sent | {breach['emails']:,} |",
        f"| DynamoDB units per person (metered run of {breach['metered']['people']}) | "
        f"{breach['metered']['write_units_per_person']} write, {breach['metered']['read_units_per_person']} read |",
        f"| estimated AWS cost, {breach['people']:,} people | ${usd['total']} (SES ${usd['ses']}, DynamoDB "
        f"${usd['dynamodb']}, Lambda ${usd['lambda']}, SQS ${usd['sqs']}, Step Functions ${usd['step_functions']}) |",
        f"| estimated AWS cost, 100,000 people | ${per['total']} (SES ${per['ses']}) |",
        f"| one batch of `breach_workflow` in AWS ({c['calls_per_batch']} calls, {SECONDS_PER_CALL * 1000:.0f} ms each) | "
        f"{c['batch_seconds_in_aws']} s: {c['emails_enqueued_per_second_per_batch']} emails enqueued a second |",
        f"| Map iterations at once to feed SES at {SES_DEFAULT_PER_SECOND} / {SES_RAISED_PER_SECOND} a second | "
        f"{c['needed_for_ses_default']} / {c['needed_for_ses_raised']} (template: {c['template']}; mail sender "
        f"drains {c['mail_sender_emails_per_second']} a second) |",
    ]


def main(run: Callable[[], dict[str, Any]] = measure) -> None:
    print(json.dumps(run(), indent=2))


if __name__ == "__main__":
    import bench.run  # noqa: F401 - the bench environment (fake credentials, EU region)

    main()
