"""`make bench`: figures the design's budgets are checked against, each a ratio measured in the same run.

Writes bench/results.json and bench/results.md. Not part of CI (it takes minutes).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
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

# boto3 and the Powertools utilities every handler uses, set up as a handler sets them up
# (creating the Tracer is what loads the X-Ray SDK, the largest single import).
BASELINE_IMPORTS = (
    "import boto3, pydantic; "
    "from aws_lambda_powertools import Logger, Metrics, Tracer; "
    "from aws_lambda_powertools.event_handler import APIGatewayRestResolver; "
    "from aws_lambda_powertools.utilities.batch import BatchProcessor; "
    "Logger(); Metrics(namespace='JAQE'); Tracer()"
)


def _import_seconds(code: str, env: dict[str, str], runs: int = 5) -> float:
    """Best of `runs` fresh interpreters (what a cold start pays for imports)."""
    timer = f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)"
    best = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", timer], env=env, capture_output=True, text=True, check=True
        )
        best.append(float(out.stdout.strip().splitlines()[-1]))
    return min(best)


def cold_starts() -> dict[str, Any]:
    from jaqe_dev.template import SynthesizedStack

    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'layers' / 'jaqe' / 'python'}"}
    baseline = _import_seconds(BASELINE_IMPORTS, env)
    results = {}
    for spec in SynthesizedStack().functions().values():
        variables = {k: v if isinstance(v, str) else "x" for k, v in spec.environment.items()}
        code = (
            "import importlib.util, sys; "
            f"s=importlib.util.spec_from_file_location('app', {str(spec.code_dir / 'app.py')!r}); "
            "m=importlib.util.module_from_spec(s); s.loader.exec_module(m)"
        )
        seconds = _import_seconds(code, {**env, **variables}, runs=3)
        results[spec.name] = {"seconds": round(seconds, 3), "ratio": round(seconds / baseline, 2)}
    return {"baseline_seconds": round(baseline, 3), "target_ratio": 1.3, "functions": results}


def count_calls(client: Any) -> list[str]:
    calls: list[str] = []
    client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    return calls


def locate_subject(sizes: tuple[int, ...]) -> dict[str, Any]:
    import boto3
    import moto
    from jaqe.store import Store

    from jaqe_dev.stack import MOTO_CONFIG, LocalStack

    results = {}
    for size in sizes:
        with moto.mock_aws(config=MOTO_CONFIG):
            local = LocalStack()
            lambdas = boto3.client("lambda")
            for mapping in lambdas.list_event_source_mappings()["EventSourceMappings"]:
                lambdas.delete_event_source_mapping(UUID=mapping["UUID"])  # bulk load, no cascades to run
            table = boto3.resource("dynamodb").Table(local.data_table)
            with table.batch_writer() as batch:
                for n in range(size):
                    batch.put_item(
                        Item={
                            "pk": f"LEAD#{n}",
                            "sk": "LEAD",
                            "subject_key": f"s{n % 5000}",
                            "created_at": f"2026-01-01T00:00:{n % 60:02d}",
                            "purpose": "quote_matching",
                        }
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


def main() -> None:
    sizes = tuple(int(s) for s in os.environ.get("BENCH_ITEMS", "1000,100000").split(","))
    results = {
        "cold_start": cold_starts(),
        "locate_subject": locate_subject(sizes),
        "quote_request_overhead": quote_overhead(),
        "asset_bytes": asset_sizes(),
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    lines = ["| figure | value | target |", "|---|---|---|"]
    worst = max(results["cold_start"]["functions"].items(), key=lambda kv: kv[1]["ratio"])
    lines.append(
        f"| cold start, worst handler import / baseline | {worst[1]['ratio']} ({worst[0]}) | <= 1.3 |"
    )
    calls = {k: v["dynamodb_calls"] for k, v in results["locate_subject"].items()}
    lines.append(
        f"| DynamoDB calls to locate a subject at {', '.join(calls)} items | {', '.join(map(str, calls.values()))} | equal |"
    )
    overhead = results["quote_request_overhead"]
    lines.append(
        f"| quote request / bare put_item, p50 and p95 | {overhead['p50_ratio']} / {overhead['p95_ratio']} | measured |"
    )
    (OUT / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
