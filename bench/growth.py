"""Growth curves (`make bench`): what the work that grows with the data costs at 1k, 10k and 100k items.

For each size, one local stack (moto) is seeded with that many contact messages put straight into
moto's table (`bulk_put`: no request, no stream record; the seeding is not what is measured), plus
one person with PERSON_LEADS quote requests and PARTNER_PEOPLE people who consented to commercial
partners.
Then, each through the code the functions run:

- subject lookup: `Store.by_subject` for one person (the calls should not grow with the table);
- access export: the `act_access` step of `rights_actions` for the person with PERSON_LEADS leads
  (calls, and the peak memory Python allocated, which grows with the person's items only);
- partner export: the operators' export of the consenting people (`partner_export`, the adapter below);
- reconciliation: every seeded contact message expires on the same day, and the scheduled
  reconciliation purges that day (paged index reads, batch re-reads and deletes).

Each is reported as the AWS calls made, time on the local stack, and an estimated AWS cost from the
calls (prices: bench/cost_model.py). moto answers an index query by walking the whole table, so
local times grow with the table where AWS's would not: the calls are the figure to trust.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any

from bench.aws_calls import aws_calls

SIZES = tuple(int(s) for s in os.environ.get("BENCH_GROWTH_SIZES", "1000,10000,100000").split(","))
PERSON_LEADS = 500
# The consenting people exported (moto walks the table for each person's lookup: kept small, and
# the export's calls are reported per person, which is what grows in AWS).
PARTNER_PEOPLE = 20
OPERATOR = {"X-Local-Operator": "dpo"}
EXPORTS = "/v1/admin/commercial-partners/exports"
START = datetime(2026, 6, 1, 9, tzinfo=UTC)
# Assumptions of the estimate: items under 1 KB (one write unit each, index entries included),
# Lambda at 512 MB.
LAMBDA_GB = 0.5


def partner_export(local: Any, partner: str) -> int:
    """The partner export as the operators' API does it: POST (the local queue delivers it to the
    worker before the answer returns), then its status; answers how many people the file holds."""
    body = {"partner": partner, "reason": "bench"}
    answer = local.api.request("POST", EXPORTS, json_body=body, headers=OPERATOR)
    assert answer.status == 202, answer.body
    path = f"{EXPORTS}/{answer.json()['export_id']}?reason=bench"
    status = local.api.request("GET", path, headers=OPERATOR).json()
    assert status["status"] == "complete" and status["download_url"], status
    return int(status["count"])


class Calls:
    """Every AWS call the process makes, by service and operation, whatever session made the client."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    @contextmanager
    def measured(self, into: dict[str, Any]) -> Iterator[None]:
        """The calls made and the seconds spent in the block, written into `into`."""
        counts = self.counts
        counts.clear()
        start = time.perf_counter()
        try:
            with aws_calls(lambda name: counts.update((name,))):
                yield
        finally:
            into["seconds"] = round(time.perf_counter() - start, 3)
        into["calls"] = dict(sorted(counts.items()))


# Lambda time in AWS, estimated from the calls (moto's time is no guide): each call's round trip.
SECONDS_PER_CALL = 0.01


def estimated_cost(figure: dict[str, Any], read_units: float, write_units: float) -> float:
    """USD: DynamoDB units, SQS and S3 requests, Lambda requests and the time the calls take."""
    from bench.cost_model import unit_prices

    p = unit_prices()
    calls = figure["calls"]
    s3_puts = sum(n for op, n in calls.items() if op.startswith(("s3.Put", "s3.Create", "s3.Upload")))
    sqs = sum(n for op, n in calls.items() if op.startswith("sqs."))
    cost = (
        read_units * p["ddb_read_per_million"] / 1e6
        + write_units * p["ddb_write_per_million"] / 1e6
        + sqs * p["sqs_per_million"] / 1e6
        + s3_puts * 0.0053 / 1000  # S3 Standard PUT, per 1,000 (eu-west-3)
        + figure.get("invocations", 1) * p["lambda_per_million"] / 1e6
        + sum(calls.values()) * SECONDS_PER_CALL * LAMBDA_GB * p["lambda_gb_second_arm64"]
    )
    return round(cost, 6)


def lead(n: int, subject_key: str, expires_at: int, received_at: str) -> dict[str, Any]:
    from jaqe.platform.store import expiry_fields

    return {
        "pk": f"LEAD#{subject_key}-{n}",
        "sk": "LEAD",
        "item_type": "lead",
        "subject_key": subject_key,
        "purpose": "quote_matching",
        "received_at": received_at,
        "created_at": received_at,
        "contact": {
            "first_name": "Camille",
            "last_name": f"Martin{n}",
            "email": f"{subject_key}@example.fr",
            "phone": "0612345678",
            "postcode": "75011",
        },
        "project": {"trade": "plomberie", "description": "Remplacement d'un chauffe-eau de 200 litres."},
        **expiry_fields(expires_at),
    }


def contact_message(n: int, expires_at: int, received_at: str) -> dict[str, Any]:
    """Nothing hangs from a contact message: purging one invokes no cascade (what is measured is
    the reconciliation; a purged lead's cascade is one more invocation per 25 leads in AWS)."""
    from jaqe.platform.store import expiry_fields

    return {
        "pk": f"CONTACT#{n}",
        "sk": "MESSAGE",
        "item_type": "contact_message",
        "subject_key": f"s{n}",
        "purpose": "contact_requests",
        "created_at": received_at,
        "name": f"Camille Martin{n}",
        "email": f"s{n}@example.fr",
        "message": "Bonjour, je souhaite un devis pour la rénovation de ma salle de bains.",
        **expiry_fields(expires_at),
    }


def bulk_put(table_name: str, items: Iterable[dict[str, Any]]) -> None:
    """Items straight into moto's table, without a request or a stream record: 100,000 items through
    BatchWriteItem cost minutes of moto's request handling, and the seeding is not what is measured."""
    from boto3.dynamodb.types import TypeSerializer
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_REGION"]].get_table(table_name)
    typed = TypeSerializer().serialize
    shard, table.stream_shard = table.stream_shard, None
    try:
        for item in items:
            table.put_item({name: typed(value) for name, value in item.items()})
    finally:
        table.stream_shard = shard


def seed(local: Any, size: int) -> None:
    """`size` contact messages all expiring on one day, the person's leads (kept), the consents."""
    import boto3
    from jaqe.privacy.consent import ConsentLedger
    from jaqe.privacy.register import PurposeId

    lambdas = boto3.client("lambda")
    for mapping in lambdas.list_event_source_mappings()["EventSourceMappings"]:
        # No stream cascades: the reconciliation's deletes are measured, not retention_cascade's answers.
        lambdas.delete_event_source_mapping(UUID=mapping["UUID"])
    expiring = int((START + timedelta(days=1)).timestamp())
    kept = int((START + timedelta(days=3 * 365)).timestamp())
    received = START.isoformat()
    with local.environment_of("admin_exports"):
        ledger = ConsentLedger(local.store())
        consents = [
            ledger.record(
                f"partner{n}",
                PurposeId.COMMERCIAL_PARTNERS,
                granted=True,
                policy_version="2023-09",
                channel="web",
                wording="bench",
                address_confirmed_by="email_link",
            )
            for n in range(PARTNER_PEOPLE)
        ]
    bulk_put(
        local.data_table,
        chain(
            (contact_message(n, expiring, received) for n in range(size)),
            (lead(n, "person", kept, received) for n in range(PERSON_LEADS)),
            # People whose leads are kept, who consented and confirmed.
            (lead(n, f"partner{n}", kept, received) for n in range(PARTNER_PEOPLE)),
            consents,
            [{"pk": "RIGHTS#bench", "sk": "REQUEST", "history": []}],
        ),
    )


def peak_memory(run: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(size: int, calls: Calls) -> dict[str, Any]:
    import moto
    from jaqe.platform import aws, clock

    from jaqe_dev.stack import MOTO_CONFIG, LocalStack

    figures: dict[str, Any] = {}
    with moto.mock_aws(config=MOTO_CONFIG):
        aws.reset()
        clock.freeze(START)
        local = LocalStack()
        seed(local, size)

        lookup: dict[str, Any] = {}
        with local.environment_of("quote_requests"):
            store = local.store()
            assert store.table is not None  # its client made before timing (a warm function's is)
            with calls.measured(lookup):
                lookup["items_found"] = len(store.by_subject("person"))
        figures["subject_lookup"] = lookup

        access: dict[str, Any] = {}
        task = {
            "step": "act_access",
            "state": {"request_id": "bench", "type": "access", "subject_key": "person", "verified": True},
        }
        with calls.measured(access):
            outcome = local.lambdas.invoke_by_name("rights_actions", task)
        assert outcome["outcome"]["links"], outcome
        # Again, tracing allocations (which slows Python down: not in the time above).
        _, peak = peak_memory(lambda: local.lambdas.invoke_by_name("rights_actions", task))
        access["items_exported"] = PERSON_LEADS
        access["peak_python_mb"] = round(peak / 2**20, 1)
        figures["access_export"] = access

        export: dict[str, Any] = {}
        with calls.measured(export):
            export["people_exported"] = partner_export(local, "Bench Assurances SA")
        figures["partner_export"] = export

        clock.freeze(START + timedelta(days=2))
        purge: dict[str, Any] = {}
        invocations = local.lambdas.completed
        with calls.measured(purge):
            first = local.lambdas.invoke_by_name("reconciliation", {})
        purge["invocations"] = local.lambdas.completed - invocations
        purge["continued"] = first["continued"]
        purge["items_purged"] = size  # checked below: nothing of the day is left
        assert not local.store().query_index(
            "by_expiry", "expiry_day", f"{START + timedelta(days=1):%Y-%m-%d}", include_expired=True
        )
        figures["reconciliation"] = purge
        clock.reset()
    return figures


def estimate(size: int, figures: dict[str, Any]) -> None:
    """Each figure's estimated AWS cost, from its calls and the units they move (items under 1 KB)."""
    lookup = figures["subject_lookup"]
    # A Query reads 0.5 unit per 4 KB, eventually consistent.
    lookup["usd"] = estimated_cost(lookup, read_units=max(1, lookup["items_found"] * 1 / 8), write_units=0)
    access = figures["access_export"]
    access["usd"] = estimated_cost(access, read_units=PERSON_LEADS / 8 + 5, write_units=3)
    export = figures["partner_export"]
    people = export["people_exported"]
    # Per person: their leads' query, two reads of flags, one disclosure written (2 index entries).
    export["usd"] = estimated_cost(export, read_units=people * 4, write_units=people * 3 + 2)
    purge = figures["reconciliation"]
    # The index pages (0.5 unit per 4 KB of 100-byte entries), one consistent read per item, one write
    # per item and one per index entry it leaves (by_expiry, by_subject, by_segment at most).
    purge["usd"] = estimated_cost(purge, read_units=size / 80 + size, write_units=size * 3)


def run() -> dict[str, Any]:
    calls = Calls()
    results: dict[str, Any] = {"sizes": {}, "person_leads": PERSON_LEADS, "partner_people": PARTNER_PEOPLE}
    started = time.perf_counter()
    for size in SIZES:
        figures = measure(size, calls)
        estimate(size, figures)
        results["sizes"][str(size)] = figures
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def total_calls(figure: dict[str, Any]) -> int:
    return sum(figure["calls"].values())


def markdown(results: dict[str, Any]) -> list[str]:
    sizes = results["sizes"]
    lines = [
        "",
        "## Growth curves",
        "",
        f"Items in the table: {', '.join(sizes)} (contact messages, all expiring on one day), plus a person "
        f"with {results['person_leads']} quote requests and {results['partner_people']} people who "
        "consented to commercial partners. Each cell: AWS calls / seconds on the local stack / "
        f"estimated AWS cost (USD). Measured in {results['seconds']} s. The seconds are moto's: it answers "
        "each index page by walking and sorting the whole table, so they grow with the table (and, for the "
        "reconciliation's pages, with the page number) where DynamoDB's do not; the calls, the same per item "
        "at every size, and the cost are the figures to trust (docs/scale.md).",
        "",
        "| work | " + " | ".join(f"{int(s):,} items" for s in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    rows = {
        "subject lookup (one person)": "subject_lookup",
        f"access export ({results['person_leads']} leads)": "access_export",
        f"partner export ({results['partner_people']} people)": "partner_export",
        "reconciliation of the day's expiries (all items)": "reconciliation",
    }
    for label, key in rows.items():
        cells = [
            f"{total_calls(sizes[s][key])} / {sizes[s][key]['seconds']} s / ${sizes[s][key]['usd']}"
            for s in sizes
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lookup_calls = ", ".join(str(sizes[s]["subject_lookup"]["calls"].get("dynamodb.Query", 0)) for s in sizes)
    memory = ", ".join(f"{sizes[s]['access_export']['peak_python_mb']} MB" for s in sizes)
    purges = ", ".join(f"{sizes[s]['reconciliation']['invocations']} invocation(s)" for s in sizes)
    lines += [
        "",
        f"Subject lookup: {lookup_calls} Query call(s) at each size. Access export peak Python memory: {memory}. "
        f"Reconciliation: {purges}. Calls by operation are in results.json (`growth`).",
    ]
    return lines
