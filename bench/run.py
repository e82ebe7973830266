"""`make bench`: figures the design's budgets are checked against, each a ratio measured in the same run.

Writes bench/results.json and bench/results.md. Not part of CI (it takes minutes).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench"
os.environ.update(
    AWS_ACCESS_KEY_ID="bench",
    AWS_SECRET_ACCESS_KEY="bench",
    AWS_REGION="eu-west-3",
    AWS_DEFAULT_REGION="eu-west-3",
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_DISABLED="true",
    POWERTOOLS_LOG_LEVEL="WARNING",
)
sys.path.insert(0, str(ROOT))

# After the environment above, which they measure in.
from bench import breach as breach_notification  # noqa: E402
from bench import cold_start, quote_request_cost  # noqa: E402
from bench.growth import bulk_put  # noqa: E402
from bench.growth import markdown as growth_markdown  # noqa: E402
from bench.growth import run as growth  # noqa: E402


def count_calls(client: Any) -> list[str]:
    calls: list[str] = []
    client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    return calls


# Table sizes the subject lookup is measured at.
LOOKUP_SIZES = tuple(int(s) for s in os.environ.get("BENCH_ITEMS", "1000,100000").split(","))


def locate_subject(sizes: tuple[int, ...] = LOOKUP_SIZES) -> dict[str, Any]:
    import moto
    from jaqe.platform.store import Store

    from jaqe_dev.stack import MOTO_CONFIG, LocalStack

    results = {}
    for size in sizes:
        with moto.mock_aws(config=MOTO_CONFIG):
            local = LocalStack()
            bulk_put(
                local.data_table,
                (
                    {
                        "pk": f"LEAD#{n}",
                        "sk": "LEAD",
                        "subject_key": f"s{n % 5000}",
                        "created_at": f"2026-01-01T00:00:{n % 60:02d}",
                        "purpose": "quote_matching",
                    }
                    for n in range(size)
                ),
            )
            with local.environment_of("quote_requests"):
                store = Store(local.data_table)
                calls = count_calls(store.table.meta.client)
                start = time.perf_counter()
                found = store.by_subject("s42")
                seconds = time.perf_counter() - start
            results[str(size)] = {
                "dynamodb_calls": len(calls),
                "items_found": len(found),
                "seconds": round(seconds, 4),
            }
    return results


def quote_overhead(samples: int = 40) -> dict[str, Any]:
    import boto3
    import moto

    from jaqe_dev.stack import MOTO_CONFIG, LocalStack

    body = json.loads(json.loads((ROOT / "events/quote_requests/post_valid.json").read_text())["body"])
    with moto.mock_aws(config=MOTO_CONFIG):
        local = LocalStack()
        table = boto3.resource("dynamodb").Table(local.data_table)
        handled, bare = [], []
        for n in range(samples):
            request = {**body, "contact": {**body["contact"], "email": f"bench{n}@example.fr"}}
            start = time.perf_counter()
            local.api.request("POST", "/v1/quote-requests", json_body=request)
            handled.append(time.perf_counter() - start)
            start = time.perf_counter()
            table.put_item(Item={"pk": f"BARE#{n}", "sk": "LEAD", **request})
            bare.append(time.perf_counter() - start)

    def pct(values: list[float], q: float) -> float:
        return sorted(values)[int(q * (len(values) - 1))]

    return {
        "p50_ratio": round(statistics.median(handled) / statistics.median(bare), 1),
        "p95_ratio": round(pct(handled, 0.95) / pct(bare, 0.95), 1),
        "p50_ms": round(statistics.median(handled) * 1000, 1),
        "bare_put_item_p50_ms": round(statistics.median(bare) * 1000, 2),
        "note": "handled = HTTP parsing, validation, lead + consents transaction, matching query, "
        "outbox queue and the mail sender, all against moto in-process",
    }


class CallCounter:
    """AWS calls made inside functions (botocore event hooks on the default session, as the
    functions' clients are made from it), Lambda invocations and their own in-process duration
    (nested invocations subtracted), and DynamoDB request units computed from what each call
    writes and reads. Calls of the harness's queue poller (standing in for Lambda's) are kept apart."""

    def __init__(self, indexes: dict[str, list[set[str]]]) -> None:
        import boto3

        self.indexes = indexes  # table name -> key attributes of each global secondary index
        self.reset()
        self.frames: list[list[Any]] = []  # [kind, nested seconds]
        boto3.setup_default_session()
        events = boto3.DEFAULT_SESSION.events  # type: ignore[attr-defined]
        events.register("before-call.*.*", self._before)
        events.register("after-call.dynamodb.*", self._after_dynamodb)

    def wrap(self, lambdas: Any) -> None:
        invoke, settle = lambdas.invoke, lambdas.settle

        def framed(kind: str, call: Any, name: str | None) -> Any:
            self.frames.append([kind, 0.0])
            start = time.perf_counter()
            try:
                return call()
            finally:
                elapsed = time.perf_counter() - start
                _, nested = self.frames.pop()
                if self.frames:
                    self.frames[-1][1] += elapsed
                if name:
                    self.invocations.setdefault(name, []).append(elapsed - nested)

        lambdas.invoke = lambda logical_id, event, **options: framed(
            "function", lambda: invoke(logical_id, event, **options), lambdas.specs[logical_id].name
        )
        lambdas.settle = lambda: framed("poller", settle, None)

    def reset(self) -> None:
        self.calls: dict[str, int] = {}
        self.poller_calls: dict[str, int] = {}
        self.units = {"read": 0.0, "write": 0.0}
        self.invocations: dict[str, list[float]] = {}

    def _in_function(self) -> bool:
        return bool(self.frames) and self.frames[-1][0] == "function"

    def _before(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        if not self.frames:
            return  # provisioning, seeding
        key = f"{model.service_model.service_name}:{model.name}"
        counts = self.calls if self._in_function() else self.poller_calls
        counts[key] = counts.get(key, 0) + 1
        if self._in_function() and model.service_model.service_name == "dynamodb":
            self._write_units(model.name, json.loads(params.get("body") or b"{}"))

    def _index_writes(self, table: str, item: dict[str, Any]) -> int:
        """Sparse indexes: an item is in an index when it carries all of the index's key attributes."""
        return sum(1 for keys in self.indexes.get(table, []) if keys <= set(item))

    def _named_index_writes(self, table: str, request: dict[str, Any]) -> int:
        text = json.dumps(request)
        return sum(
            1 for keys in self.indexes.get(table, []) if any(f'"{k}"' in text or k in text for k in keys)
        )

    def _write_units(self, operation: str, body: dict[str, Any]) -> None:
        def put(table: str, item: dict[str, Any], factor: int) -> float:
            size_kb = -(-len(json.dumps(item)) // 1024)  # wire size, rounded up to 1 KB
            return factor * size_kb * (1 + self._index_writes(table, item))

        def named(table: str, action: dict[str, Any], factor: int) -> float:
            # Updates and deletes: 1 KB, plus each index whose key attribute the request names.
            return factor * (1 + self._named_index_writes(table, action))

        units = 0.0
        if operation == "PutItem":
            units = put(body["TableName"], body["Item"], 1)
        elif operation in ("UpdateItem", "DeleteItem"):
            units = named(body["TableName"], body, 1)
        elif operation == "BatchWriteItem":
            for table, requests in body["RequestItems"].items():
                for request in requests:
                    units += put(table, request["PutRequest"]["Item"], 1) if "PutRequest" in request else 1
        elif operation == "TransactWriteItems":
            for action in body["TransactItems"]:
                [(kind, detail)] = action.items()
                units += (
                    put(detail["TableName"], detail["Item"], 2)
                    if kind == "Put"
                    else named(detail["TableName"], detail, 2)
                )
        self.units["write"] += units

    def _after_dynamodb(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        if not self._in_function():
            return
        # Reads: 4 KB units of what came back, eventually consistent (half a unit), at least one unit.
        items = parsed.get("Items") if "Items" in parsed else [parsed["Item"]] if "Item" in parsed else None
        if model.name in ("GetItem", "Query", "Scan"):
            size = len(json.dumps(items or [], default=str))
            self.units["read"] += 0.5 * max(1, -(-size // 4096))
        elif model.name == "TransactGetItems":
            self.units["read"] += 2.0 * len(parsed.get("Responses", []))


def quote_request_counts(samples: int = 20, warmup: int = 3) -> dict[str, Any]:
    """What one quote request costs in AWS requests, with three listed professionals to match."""
    import moto

    from jaqe_dev.stack import MOTO_CONFIG, LocalStack, forget_cached_state
    from tests.integration.seeds import listed_professional

    body = json.loads(json.loads((ROOT / "events/quote_requests/post_valid.json").read_text())["body"])
    with moto.mock_aws(config=MOTO_CONFIG):
        local = LocalStack()
        tables = local.stack.of_type("AWS::DynamoDB::Table")
        indexes = {
            local.provisioned.names[logical]: [
                {k["AttributeName"] for k in index["KeySchema"]}
                for index in props.get("GlobalSecondaryIndexes", [])
            ]
            for logical, props in tables.items()
        }
        counter = CallCounter(indexes)
        counter.wrap(local.lambdas)
        for n in range(3):
            listed_professional(local, f"bench{n}")
        local.settle()
        durations: dict[str, list[float]] = {}
        for n in range(warmup + samples):
            if n == warmup:
                counter.reset()
            request = {**body, "contact": {**body["contact"], "email": f"bench{n}@example.fr"}}
            response = local.api.request("POST", "/v1/quote-requests", json_body=request)
            assert response.status == 201, response.body
            local.settle()
        emails = len(local.outbox())
    forget_cached_state()
    for name, values in counter.invocations.items():
        durations[name] = values
    per = {k: round(v / samples, 2) for k, v in sorted(counter.calls.items())}
    return {
        "samples": samples,
        "matched_professionals": 3,
        "lambda_invocations": {k: round(len(v) / samples, 2) for k, v in durations.items()},
        "lambda_ms_p50": {k: round(statistics.median(v) * 1000, 1) for k, v in durations.items()},
        "aws_calls": per,
        "poller_calls": {k: round(v / samples, 2) for k, v in sorted(counter.poller_calls.items())},
        "dynamodb_write_units": round(counter.units["write"] / samples, 2),
        "dynamodb_read_units": round(counter.units["read"] / samples, 2),
        "sqs_messages_sent": per.get("sqs:SendMessage", 0) + per.get("sqs:SendMessageBatch", 0),
        "ses_emails": round(sum(v for k, v in per.items() if k.startswith(("ses:", "sesv2:Send"))), 2),
        "s3_objects_written": per.get("s3:PutObject", 0),
        "kms_calls": round(sum(v for k, v in per.items() if k.startswith("kms:")), 2),
        "emails_in_outbox_total": emails,
        "note": "one quote request: API handler, then the mail sender for each outbox message; aws_calls "
        "are made by functions, poller_calls by the harness's queue poller (what Lambda's SQS event source "
        "does); retention_cascade runs on every stream record locally, where AWS's REMOVE filter drops them; "
        "request units computed from request and response sizes (JSON wire size, an upper bound), "
        "transactions x2, plus one write per index whose key attribute the item carries",
    }


def rights_transitions() -> dict[str, Any]:
    """Each rights request type through the real ASL on moto (the workflow tests' driver and seeds):
    states entered, from the execution history."""
    from datetime import timedelta

    import moto
    from jaqe.platform import clock

    from jaqe_dev.stack import MOTO_CONFIG, LocalStack, forget_cached_state
    from tests.workflow.conftest import Rights
    from tests.workflow.seeds import PERSON, seed_person, seed_professionals
    from tests.workflow.test_rights_transitions import BODIES

    def entered(rights: Rights, request_id: str) -> dict[str, Any]:
        events = rights.sfn.get_execution_history(
            executionArn=rights.execution_arn(request_id), maxResults=1000
        )["events"]
        states = [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]
        return {"transitions": len(states), "history_events": len(events), "states": states}

    def world(run: Any) -> dict[str, Any]:
        with moto.mock_aws(config=MOTO_CONFIG):
            rights = Rights(LocalStack())
            rights.documents_bucket = rights.bucket("Documents")
            seed_professionals(rights)
            seed_person(rights)
            try:
                return run(rights)
            finally:
                clock.reset()
                forget_cached_state()

    def automatic(request_type: str) -> Any:
        def run(rights: Rights) -> dict[str, Any]:
            body = {"type": request_type, "email": PERSON["email"], **BODIES[request_type]}
            request_id, execution = rights.run(body)
            assert execution["status"] == "SUCCEEDED", rights.states(request_id)
            return entered(rights, request_id)

        return run

    def rectification(decision: str) -> Any:
        def run(rights: Rights) -> dict[str, Any]:
            body = {
                "type": "rectification",
                "email": PERSON["email"],
                "corrections": {"first_name": "Camilla"},
            }
            request_id = rights.submit(body).json()["request_id"]
            rights.confirm(rights.verification_link(PERSON["email"]))
            rights.wait_for_status(request_id, "awaiting_operator")
            path = f"/v1/admin/rights-requests/{request_id}/decision"
            rights.admin("POST", path, {"decision": decision, "reason": "bench"})
            assert rights.wait(request_id)["status"] == "SUCCEEDED"
            return entered(rights, request_id)

        return run

    def unverified(rights: Rights) -> dict[str, Any]:
        request_id = rights.submit({"type": "erasure", "email": PERSON["email"]}).json()["request_id"]
        link = rights.verification_link(PERSON["email"])
        clock.travel(timedelta(days=8))
        assert rights.confirm(link).status == 410
        assert rights.wait(request_id)["status"] == "SUCCEEDED"
        return entered(rights, request_id)

    results = {t: world(automatic(t)) for t in BODIES}
    results["rectification (approved)"] = world(rectification("approve"))
    results["rectification (denied)"] = world(rectification("deny"))
    results["unverified (link expired)"] = world(unverified)
    return {
        "by_path": results,
        "note": "transitions = history events whose type ends in StateEntered (TaskStateEntered, "
        "ChoiceStateEntered, SucceedStateEntered...): one per state entered, which is what Standard "
        "workflows bill; retries would add one each (none here)",
    }


def asset_sizes() -> dict[str, int]:
    assets = json.loads((ROOT / "cdk.out" / "JaqeMain.assets.json").read_text())["files"]
    sizes = {}
    for entry in assets.values():
        path = ROOT / "cdk.out" / entry["source"]["path"]
        if path.is_dir():
            total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
            label = entry.get("displayName") or entry["source"]["path"]
            sizes[str(label)] = total
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def partner_export() -> dict[str, Any]:
    from bench.partner_export import partner_export as run

    return run()


def breach() -> dict[str, Any]:
    return breach_notification.measure()


def figures() -> dict[str, Callable[[], Any]]:
    """Every figure of results.json, by name, and what measures it."""
    return {
        "cold_start": cold_start.cold_starts,
        "locate_subject": locate_subject,
        "quote_request_overhead": quote_overhead,
        "asset_bytes": asset_sizes,
        "quote_request_counts": quote_request_counts,
        "rights_transitions": rights_transitions,
        "quote_request_cost": quote_request_cost.measure,
        "growth": growth,
        "partner_export": partner_export,
        "breach": breach,
    }


def main() -> None:
    # e.g. BENCH_ONLY=rights_transitions,breach: those figures measured again, merged into results.json,
    # and results.md written again from it.
    only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
    previous = (
        json.loads((OUT / "results.json").read_text()) if only and (OUT / "results.json").exists() else {}
    )
    measures = figures()
    results = {**previous, **{name: measures[name]() for name in only or measures}}
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    write_markdown(results)


def write_markdown(results: dict[str, Any]) -> None:
    lines = ["| figure | value | target |", "|---|---|---|"]
    worst = max(results["cold_start"]["functions"].items(), key=lambda kv: kv[1]["ratio"])
    lines.append(
        f"| cold start, worst function import / floor | {worst[1]['ratio']} ({worst[0]}) | "
        f"<= {cold_start.TARGET_RATIO} |"
    )
    calls = {k: v["dynamodb_calls"] for k, v in results["locate_subject"].items()}
    lines.append(
        f"| DynamoDB calls to locate a subject at {', '.join(calls)} items | {', '.join(map(str, calls.values()))} | equal |"
    )
    overhead = results["quote_request_overhead"]
    lines.append(
        f"| quote request / bare put_item, p50 and p95 | {overhead['p50_ratio']} / {overhead['p95_ratio']} | measured |"
    )
    quote = results["quote_request_counts"]
    lines.append(
        f"| one quote request ({quote['matched_professionals']} matches): Lambda invocations, "
        f"DynamoDB WRU / RRU, emails | {sum(v for k, v in quote['lambda_invocations'].items() if k != 'retention_cascade')}"
        f", {quote['dynamodb_write_units']} / {quote['dynamodb_read_units']}, {quote['ses_emails']} | measured |"
    )
    cost = results["quote_request_cost"]
    lines.append(
        f"| one quote request ({cost['matched_professionals']} matches): DynamoDB write units (itemised below) "
        f"/ reads on the request path | {cost['write_units']} / {cost['reads_request_path']} "
        f"| <= {cost['target_write_units']} / <= {cost['target_reads']} |"
    )
    paths = results["rights_transitions"]["by_path"]
    lines.append(
        "| Step Functions transitions per rights request | "
        + ", ".join(f"{name} {path['transitions']}" for name, path in paths.items())
        + " | measured |"
    )
    export = results["partner_export"]["full"]
    lines.append(
        f"| partner export of {export['people']:,} people on the local stack: seconds, file parts, "
        f"memory growth (MB) | {export['export_seconds']}, {export['file_parts']}, {export['rss_growth_mb']} | completes |"
    )
    notified = results["breach"]
    lines.append(
        f"| breach of {notified['people']:,} people on the local stack: seconds, transitions, emails, "
        f"estimated AWS cost | {notified['seconds']}, {notified['transitions']}, {notified['emails']:,}, "
        f"${notified['usd']['total']} | completes |"
    )
    lines += [
        "",
        "Transitions: the execution history's events whose type ends in `StateEntered`, one per state "
        "entered (what Standard workflows bill; a retry would add one). The quote request's invocations "
        "leave out `retention_cascade`, which AWS's REMOVE filter does not invoke for inserts.",
        "",
        *quote_request_cost.render(cost),
        "## Cold start",
        "",
        *cold_start.table(results["cold_start"]),
    ]
    lines += growth_markdown(results["growth"])
    lines += breach_notification.markdown(results["breach"])
    (OUT / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
