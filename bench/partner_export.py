"""A commercial-partner export of many people on the local stack: `POST` to the file and its link.

`python -m bench.partner_export` (BENCH_PARTNER_PEOPLE, default 50,000). Each person is loaded
directly (their quote request and their confirmed consent to commercial partners), then an operator
asks for the export through the API; the local queue delivers it to the worker in-process, as Lambda's
poller would. Reports the time, the file's parts, and peak memory:
`ru_maxrss` growth of this process during the export (moto's own allocations included: an upper bound
of the worker's), and the worker's Python allocations (tracemalloc) in a smaller run.
"""

from __future__ import annotations

import json
import os
import resource
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import bench.run  # noqa: F401 - sets the bench environment (fake credentials, EU region)

PEOPLE = int(os.environ.get("BENCH_PARTNER_PEOPLE", "50000"))
OPERATOR = {"X-Local-Operator": "bench"}
EXPORTS = "/v1/admin/commercial-partners/exports"


def _load(local: Any, people: int) -> None:
    import boto3
    from jaqe.leads.records import new_lead
    from jaqe.privacy.consent import ConsentLedger
    from jaqe.privacy.register import PurposeId
    from jaqe.privacy.retention import retention_fields

    from bench.growth import bulk_put

    lambdas = boto3.client("lambda")
    for mapping in lambdas.list_event_source_mappings()["EventSourceMappings"]:
        lambdas.delete_event_source_mapping(UUID=mapping["UUID"])  # the export's writes cascade to nothing

    def person(n: int) -> Iterator[dict[str, Any]]:
        key, lead_id = f"{n:064x}", f"lead_{n:032x}"
        contact = {"first_name": "Camille", "last_name": f"Bench{n}", "email": f"p{n}@example.fr"}
        yield new_lead(
            lead_id,
            {
                "contact": {**contact, "phone": "0611223344"},
                "received_at": "2026-11-01T09:00:00+00:00",
                **retention_fields(PurposeId.QUOTE_MATCHING, key),
            },
        )
        yield ledger.record(
            key,
            PurposeId.COMMERCIAL_PARTNERS,
            granted=True,
            policy_version="2023-09",
            channel="quote_form",
            wording="partenaires",
            source=lead_id,
            address_confirmed_by="email_link",
        )

    with local.environment_of("quote_requests"):
        ledger = ConsentLedger(local.store())
        bulk_put(local.data_table, (item for n in range(people) for item in person(n)))


def export(people: int, *, trace: bool = False) -> dict[str, Any]:
    import boto3
    import moto

    from jaqe_dev.stack import MOTO_CONFIG, LocalStack

    with moto.mock_aws(config=MOTO_CONFIG):
        local = LocalStack()
        started = time.perf_counter()
        _load(local, people)
        loaded = time.perf_counter() - started
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        answer = local.api.request(
            "POST", EXPORTS, json_body={"partner": "Bench SA", "reason": "bench"}, headers=OPERATOR
        )
        seconds = time.perf_counter() - started
        traced_peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
        export_id = answer.json()["export_id"]
        status = local.api.request("GET", f"{EXPORTS}/{export_id}?reason=bench", headers=OPERATOR).json()
        worker = local.lambdas.logical_id("partner_exports")
        bucket = local.provisioned.environment(worker)["PARTNER_EXPORTS_BUCKET"]
        head = boto3.client("s3").head_object(
            Bucket=bucket, Key=f"partner-exports/{export_id}.csv", PartNumber=1
        )
    return {
        "people": people,
        "load_seconds": round(loaded, 1),
        "export_seconds": round(seconds, 1),
        "status": status["status"],
        "count": status["count"],
        "link": bool(status["download_url"]),
        "file_parts": int(head.get("PartsCount", 1)),
        "rss_growth_mb": round(rss_growth / 1024, 1),
        "python_allocations_peak_mb": round(traced_peak / 2**20, 1) if trace else None,
    }


def partner_export() -> dict[str, Any]:
    """What `make bench` records: the full run, and a smaller one (2,000 people at most) under tracemalloc."""
    return {"full": export(PEOPLE), "traced": export(min(PEOPLE // 10, 2000), trace=True)}


if __name__ == "__main__":
    print(json.dumps(partner_export(), indent=2))
