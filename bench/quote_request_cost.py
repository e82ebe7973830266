"""Where the DynamoDB units of one quote request go (`make bench`): per item kind and per index.

A quote request with three listed professionals to match, as the site sends it (with an
`Idempotency-Key`), through the API handler on the local stack, then everything it causes: the
stream consumers and the mail sender of each queued email. Units are computed by
`jaqe_dev.capacity` from the item sizes and the index projections of the synthesised table (moto
counts none).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BODY = json.loads(json.loads((ROOT / "events/quote_requests/post_valid.json").read_text())["body"])
TARGET_WRITE_UNITS = 25
TARGET_READS = 3
MATCHES = 3
EVERY_OPTION = {"newsletter": True, "commercial_partners": True, "refuse_similar_services": True}


def measure(samples: int = 3) -> dict[str, Any]:
    import moto

    from jaqe_dev.capacity import meter_local_stack
    from jaqe_dev.stack import MOTO_CONFIG, LocalStack, forget_cached_state
    from tests.integration.seeds import listed_professional

    with moto.mock_aws(config=MOTO_CONFIG):
        local = LocalStack()
        meter = meter_local_stack(local)
        for n in range(MATCHES):
            listed_professional(local, f"cost{n}")
        local.settle()
        writes: dict[tuple[str, str, str], dict[str, Any]] = {}
        reads: dict[tuple[str, str, str], dict[str, float]] = {}
        with meter.measuring():
            for n in range(samples + 1):  # the first request warms the functions up, uncounted
                meter.reset()
                body = {**BODY, "contact": {**BODY["contact"], "email": f"cost{n}@example.fr"}}
                response = local.api.request(
                    "POST", "/v1/quote-requests", json_body=body, headers={"Idempotency-Key": f"cost-{n:08d}"}
                )
                assert response.status == 201, response.body
                assert response.json()["matched_professionals"] == MATCHES
                local.settle()
                if n == 0:
                    continue
                for write in meter.writes:
                    row = writes.setdefault(
                        (write.function, write.kind, write.operation),
                        {"items": 0.0, "table": 0.0, "indexes": defaultdict(float)},
                    )
                    row["items"] += 1 / samples
                    row["table"] += write.table / samples
                    for index, units in write.indexes.items():
                        row["indexes"][index] += units / samples
                for read in meter.reads:
                    entry = reads.setdefault(
                        (read.function, read.operation, read.target), {"calls": 0.0, "units": 0.0}
                    )
                    entry["calls"] += 1 / samples
                    entry["units"] += read.units / samples
            # The same request with every box ticked: newsletter, commercial partners (a pending consent and
            # its confirmation link), the similar-services refusal (its proof and the objection flag).
            meter.reset()
            every = {
                **BODY,
                "contact": {**BODY["contact"], "email": "cost-every@example.fr"},
                "consents": {**BODY["consents"], **EVERY_OPTION},
            }
            response = local.api.request(
                "POST",
                "/v1/quote-requests",
                json_body=every,
                headers={"Idempotency-Key": "cost-every-option"},
            )
            assert response.status == 201, response.body
            local.settle()
            by_kind: dict[str, float] = defaultdict(float)
            for write in meter.writes:
                by_kind[write.kind] += write.units
            every_option = {
                "write_units": meter.write_units,
                "reads_request_path": sum(1 for r in meter.reads if r.function == "quote_requests"),
                "wcu_by_item_kind": dict(sorted(by_kind.items(), key=lambda kv: -kv[1])),
            }
        indexes = sorted({i.name for shape in meter.shapes.values() for i in shape.indexes})
    forget_cached_state()
    write_rows = [
        {
            "function": function,
            "item": kind,
            "operation": operation,
            "items": round(row["items"], 2),
            "table_wcu": round(row["table"], 2),
            "index_wcu": {i: round(row["indexes"].get(i, 0.0), 2) for i in indexes},
            "wcu": round(row["table"] + sum(row["indexes"].values()), 2),
        }
        for (function, kind, operation), row in writes.items()
    ]
    read_rows = [
        {
            "function": f,
            "operation": op,
            "target": t,
            "calls": round(v["calls"], 2),
            "rcu": round(v["units"], 2),
        }
        for (f, op, t), v in reads.items()
    ]
    request_path = [r for r in read_rows if r["function"] == "quote_requests"]
    return {
        "matched_professionals": MATCHES,
        "samples": samples,
        "indexes": indexes,
        "writes": write_rows,
        "reads": read_rows,
        "write_units": round(sum(r["wcu"] for r in write_rows), 2),
        "read_units": round(sum(r["rcu"] for r in read_rows), 2),
        "reads_total": round(sum(r["calls"] for r in read_rows), 2),
        "reads_request_path": round(sum(r["calls"] for r in request_path), 2),
        "by_function_wcu": {
            f: round(sum(r["wcu"] for r in write_rows if r["function"] == f), 2)
            for f in dict.fromkeys(r["function"] for r in write_rows)
        },
        "every_option": every_option,
        "target_write_units": TARGET_WRITE_UNITS,
        "target_reads": TARGET_READS,
    }


def render(cost: dict[str, Any]) -> list[str]:
    """The itemised table of `measure`'s answer, for bench/results.md."""
    indexes = cost["indexes"]
    lines = [
        f"### One quote request ({cost['matched_professionals']} matches): DynamoDB units, itemised",
        "",
        f"Write units: **{cost['write_units']}** (target <= {cost['target_write_units']}); by function: "
        + ", ".join(f"`{f}` {u}" for f, u in cost["by_function_wcu"].items())
        + f". Reads: **{cost['reads_request_path']}** on the request path (target <= {cost['target_reads']}), "
        f"{cost['reads_total']} in all ({cost['read_units']} RCU).",
        "",
        f"With every box ticked ({', '.join(EVERY_OPTION)}): {cost['every_option']['write_units']} write units "
        f"({', '.join(f'{k} {v}' for k, v in cost['every_option']['wcu_by_item_kind'].items())}), "
        f"{cost['every_option']['reads_request_path']} reads on the request path.",
        "",
        "| function | item kind | operation | items | table WCU | " + " | ".join(indexes) + " | WCU |",
        "|---|---|---|---:|---:|" + "---:|" * len(indexes) + "---:|",
    ]
    for row in sorted(cost["writes"], key=lambda r: (r["function"] != "quote_requests", -r["wcu"])):
        lines.append(
            f"| {row['function']} | {row['item']} | {row['operation']} | {row['items']} | {row['table_wcu']} | "
            + " | ".join(str(row["index_wcu"][i]) for i in indexes)
            + f" | {row['wcu']} |"
        )
    lines += ["", "| function | read | target | calls | RCU |", "|---|---|---|---:|---:|"]
    lines += [
        f"| {r['function']} | {r['operation']} | {r['target']} | {r['calls']} | {r['rcu']} |"
        for r in cost["reads"]
    ]
    return lines


if __name__ == "__main__":
    import os
    import sys

    os.environ.setdefault("AWS_REGION", "eu-west-3")
    sys.path.insert(0, str(ROOT))
    import bench.run  # noqa: F401 - the bench environment (fake credentials, EU region)

    print("\n".join(render(measure())))
