"""Monthly AWS cost of the main stack, from the figures `bench/run.py` measured (bench/results.json)
and the price table below. Writes docs/cost-model.md; `make bench` runs it after the measurements.

Every per-request count comes from results.json; what is not measured is an assumption, named
in ASSUMPTIONS and printed in the document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
TEMPLATE = ROOT / "cdk.out" / "JaqeMain.template.json"
DOC = ROOT / "docs" / "cost-model.md"
DAYS = 30

# On-demand prices, Europe (Paris) eu-west-3, USD, free tiers ignored. Taken from the AWS price
# pages as known in 2025-11 (not fetched from this machine): check them before quoting a budget.
PRICES_DATE = "2025-11"
PRICES: dict[str, tuple[float, str]] = {
    "apigw_rest_per_million": (3.70, "API Gateway REST API, per million requests (first 333 M)"),
    "waf_web_acl_month": (5.00, "WAF web ACL, per month"),
    "waf_rule_month": (1.00, "WAF rule or managed rule group, per month"),
    "waf_per_million": (0.60, "WAF, per million requests inspected"),
    "lambda_per_million": (0.20, "Lambda requests, per million"),
    "lambda_gb_second_arm64": (0.0000133334, "Lambda duration arm64 (Graviton), per GB-second"),
    "snapstart_cache_gb_second": (
        0.0000015046,
        "Lambda SnapStart cache (Python), per GB-second a published version is cached (us-east-1 figure)",
    ),
    "snapstart_restore_gb": (
        0.0001397998,
        "Lambda SnapStart restore (Python), per GB restored (us-east-1 figure)",
    ),
    "provisioned_concurrency_gb_second_arm64": (
        0.0000033334,
        "Lambda provisioned concurrency arm64, per GB-second kept warm (us-east-1 figure; for comparison)",
    ),
    "ddb_write_per_million": (0.7338, "DynamoDB on-demand, per million write request units"),
    "ddb_read_per_million": (0.1468, "DynamoDB on-demand, per million read request units"),
    "ddb_storage_gb_month": (0.2975, "DynamoDB standard storage, per GB-month"),
    "ddb_pitr_gb_month": (0.238, "DynamoDB point-in-time recovery, per GB-month"),
    "sqs_per_million": (0.40, "SQS standard, per million requests (64 KB chunks)"),
    "ses_per_thousand": (0.10, "SES outbound email, per 1,000"),
    "sfn_per_thousand_transitions": (0.025, "Step Functions Standard, per 1,000 state transitions"),
    "kms_key_month": (1.00, "KMS customer managed key, per month"),
    "kms_per_10k": (0.03, "KMS requests, per 10,000"),
    "secrets_month": (0.40, "Secrets Manager secret, per month"),
    "secrets_per_10k": (0.05, "Secrets Manager API calls, per 10,000"),
    "cw_logs_ingest_gb": (0.53, "CloudWatch Logs ingestion, per GB"),
    "cw_logs_store_gb_month": (0.0315, "CloudWatch Logs storage, per GB-month"),
    "cw_alarm_month": (0.10, "CloudWatch standard alarm, per month"),
    "cw_dashboard_month": (3.00, "CloudWatch dashboard, per month"),
    "cw_custom_metric_month": (0.30, "CloudWatch custom metric, per metric-month (first 10,000)"),
    "xray_per_million_traces": (5.00, "X-Ray traces recorded, per million"),
    "cognito_mau": (0.015, "Cognito user pool (Essentials), per monthly active user"),
    "s3_put_per_thousand": (0.0053, "S3 PUT/POST, per 1,000"),
    "s3_get_per_thousand": (0.00042, "S3 GET, per 1,000"),
    "s3_storage_gb_month": (0.024, "S3 Standard storage, per GB-month"),
}

VOLUME = {"quotes_per_day": 10_000, "professionals": 200, "rights_requests_per_month": 100}
ASSUMPTIONS: dict[str, tuple[float, str]] = {
    "api_calls_per_quote": (
        3,
        "API requests per quote request: GET /v1/trades, POST /v1/cookie-consents, POST /v1/quote-requests",
    ),
    "pro_api_calls_per_month": (
        300,
        "API requests per professional a month (leads list, profile, documents: ~15 sessions x 20 calls)",
    ),
    "pro_call_ms": (
        60,
        "in-process duration of a professionals' app call, ms (a quote request's handler measured ~40)",
    ),
    "pro_call_read_units": (4, "read units per professionals' app call (one Query page of leads)"),
    "cold_start_share": (0.02, "share of invocations that are cold starts (INIT billed since 2025-08)"),
    "cold_start_ms": (
        800,
        "INIT duration of a cold start of a function without SnapStart, ms (imports measured by the "
        "cold-start bench are ~0.3 s locally)",
    ),
    "restore_ms": (
        300,
        "billed duration of a SnapStart restore (the runtime's restore and the after-restore hooks), ms",
    ),
    "snapstart_versions_cached": (
        1,
        "published versions of each API function kept cached (the alias's; an old one stops being "
        "charged once deleted after a deployment)",
    ),
    "partner_exports_per_month": (8, "commercial-partner exports a month (asynchronous, to S3)"),
    "partner_export_rows": (50_000, "people in each partner export"),
    "partner_export_write_units_per_row": (
        3,
        "write units per person exported: the disclosure record (table, by_subject, by_expiry)",
    ),
    "partner_export_read_units_per_row": (
        3,
        "read units per person exported: the consent segment's pages, the person's items, their flags",
    ),
    "partner_export_seconds": (
        60,
        "duration of one export at the function's memory (paginated reads, streamed multipart upload)",
    ),
    "log_bytes_per_invocation": (
        1500,
        "CloudWatch Logs bytes per invocation (platform lines + Powertools records)",
    ),
    "sqs_requests_per_message": (
        3,
        "SQS requests per outbox message: send, receive (batched, counted per message), delete",
    ),
    "sqs_idle_polls_per_month": (
        5 * 3 * 60 * 24 * DAYS,
        "SQS empty receives of the mail sender's event source (5 pollers, 20 s long polls)",
    ),
    "kms_requests_per_month": (
        50_000,
        "KMS requests made by DynamoDB, SQS, Secrets Manager and Logs for the code (data keys cached 5 min)",
    ),
    "stored_gb": (5, "DynamoDB data (three years of leads, consents, disclosures), GB"),
    "workflow_invocations_per_transition": (
        0.8,
        "rights workflow Lambda invocations per state transition (Task states)",
    ),
}


def template_memory_mb(service: str) -> int:
    template = json.loads(TEMPLATE.read_text())
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if (
            resource["Type"] == "AWS::Lambda::Function"
            and props.get("Environment", {}).get("Variables", {}).get("POWERTOOLS_SERVICE_NAME") == service
        ):
            assert props.get("Architectures") == ["arm64"], "price table is for arm64"
            return int(props["MemorySize"])
    raise LookupError(service)


def api_functions() -> list[str]:
    """The functions behind API Gateway (their handler is `api_handler`): those SnapStart serves."""
    return sorted(
        app.parent.name for app in (ROOT / "functions").glob("*/app.py") if "api_handler(" in app.read_text()
    )


def unit_prices() -> dict[str, float]:
    """The prices by name, without their descriptions."""
    return {name: price for name, (price, _) in PRICES.items()}


def assumed() -> dict[str, float]:
    return {name: value for name, (value, _) in ASSUMPTIONS.items()}


def model(results: dict[str, Any]) -> tuple[list[tuple[str, float, str]], dict[str, float]]:
    p = unit_prices()
    a = assumed()
    quote = results["quote_request_counts"]
    quotes = VOLUME["quotes_per_day"] * DAYS
    transitions = results["rights_transitions"]["by_path"]
    automatic = [
        v["transitions"] for k, v in transitions.items() if not k.startswith(("rectification", "unverified"))
    ]
    per_rights = max(automatic)  # every automatic type measured the same; the worst case is taken
    pro_calls = VOLUME["professionals"] * a["pro_api_calls_per_month"]
    api_requests = quotes * a["api_calls_per_quote"] + pro_calls

    # Lambda: the measured invocations of a quote request (the cascade's, filtered out by AWS, excluded),
    # the two other API calls of the visit (as short as the quote handler), the professionals' calls.
    invocations = {k: v for k, v in quote["lambda_invocations"].items() if k != "retention_cascade"}
    gb_seconds = 0.0
    count = 0.0
    for service, per_quote in invocations.items():
        seconds = quote["lambda_ms_p50"][service] / 1000
        gb_seconds += quotes * per_quote * seconds * template_memory_mb(service) / 1024
        count += quotes * per_quote
    other_calls = quotes * (a["api_calls_per_quote"] - 1) + pro_calls
    gb_seconds += other_calls * a["pro_call_ms"] / 1000 * 512 / 1024
    rights_invocations = (
        VOLUME["rights_requests_per_month"] * per_rights * a["workflow_invocations_per_transition"]
    )
    count += other_calls + rights_invocations
    # Cold starts: API functions restore a SnapStart snapshot (a restore charge, and its short billed
    # duration); the others (queues, streams, workflow tasks) still run their INIT.
    api_calls = api_requests
    cold_api, cold_other = api_calls * a["cold_start_share"], (count - api_calls) * a["cold_start_share"]
    gb_seconds += cold_api * a["restore_ms"] / 1000 * 512 / 1024
    gb_seconds += cold_other * a["cold_start_ms"] / 1000 * 512 / 1024
    api = api_functions()
    api_gb = sum(template_memory_mb(name) for name in api) / 1024
    snapstart = (
        api_gb * a["snapstart_versions_cached"] * DAYS * 86400 * p["snapstart_cache_gb_second"]
        + cold_api * 512 / 1024 * p["snapstart_restore_gb"]
    )
    exports = a["partner_exports_per_month"]
    export_gb = exports * a["partner_export_rows"] * 200 / 1e9  # ~200 bytes a row (CSV)
    gb_seconds += exports * a["partner_export_seconds"] * 1024 / 1024

    cost = results["quote_request_cost"]  # itemised units of one quote request (bench/quote_request_cost.py)
    exported = exports * a["partner_export_rows"]
    writes = quotes * cost["write_units"] + exported * a["partner_export_write_units_per_row"]
    reads = (
        quotes * cost["read_units"]
        + pro_calls * a["pro_call_read_units"]
        + exported * a["partner_export_read_units_per_row"]
    )
    sqs_requests = (
        quotes * quote["sqs_messages_sent"] * a["sqs_requests_per_message"] + a["sqs_idle_polls_per_month"]
    )
    emails = quotes * quote["ses_emails"] + VOLUME["rights_requests_per_month"] * 3
    log_gb = count * a["log_bytes_per_invocation"] / 1e9
    template = json.loads(TEMPLATE.read_text())["Resources"].values()
    alarms = sum(1 for r in template if r["Type"] == "AWS::CloudWatch::Alarm")
    keys = sum(1 for r in template if r["Type"] == "AWS::KMS::Key")
    waf_rules = sum(len(r["Properties"]["Rules"]) for r in template if r["Type"] == "AWS::WAFv2::WebACL")
    metrics = 30  # custom metrics (names x service) the dashboard lists

    lines = [
        (
            "API Gateway REST",
            api_requests / 1e6 * p["apigw_rest_per_million"],
            f"{api_requests:,.0f} requests",
        ),
        (
            "WAF",
            p["waf_web_acl_month"]
            + waf_rules * p["waf_rule_month"]
            + api_requests / 1e6 * p["waf_per_million"],
            f"1 web ACL, {waf_rules} rules, {api_requests:,.0f} requests",
        ),
        ("Lambda requests", count / 1e6 * p["lambda_per_million"], f"{count:,.0f} invocations"),
        ("Lambda duration (arm64)", gb_seconds * p["lambda_gb_second_arm64"], f"{gb_seconds:,.0f} GB-s"),
        (
            "Lambda SnapStart (API functions)",
            snapstart,
            f"{len(api)} functions, {api_gb:,.1f} GB cached, {cold_api:,.0f} restores",
        ),
        ("DynamoDB writes", writes / 1e6 * p["ddb_write_per_million"], f"{writes:,.0f} WRU"),
        ("DynamoDB reads", reads / 1e6 * p["ddb_read_per_million"], f"{reads:,.0f} RRU"),
        (
            "DynamoDB storage + PITR",
            a["stored_gb"] * (p["ddb_storage_gb_month"] + p["ddb_pitr_gb_month"]),
            f"{a['stored_gb']:.0f} GB",
        ),
        ("SQS", sqs_requests / 1e6 * p["sqs_per_million"], f"{sqs_requests:,.0f} requests"),
        ("SES", emails / 1000 * p["ses_per_thousand"], f"{emails:,.0f} emails"),
        (
            "Step Functions",
            VOLUME["rights_requests_per_month"] * per_rights / 1000 * p["sfn_per_thousand_transitions"],
            f"{VOLUME['rights_requests_per_month'] * per_rights:,} transitions",
        ),
        (
            "KMS",
            keys * p["kms_key_month"] + a["kms_requests_per_month"] / 1e4 * p["kms_per_10k"],
            f"{keys} keys, {a['kms_requests_per_month']:,.0f} requests",
        ),
        (
            "Secrets Manager",
            p["secrets_month"] + count * 0.01 / 1e4 * p["secrets_per_10k"],
            "1 secret, cached per container",
        ),
        (
            "CloudWatch Logs",
            log_gb * (p["cw_logs_ingest_gb"] + 12 * p["cw_logs_store_gb_month"]),
            f"{log_gb:,.1f} GB a month, kept a year",
        ),
        (
            "CloudWatch alarms, dashboard, metrics",
            alarms * p["cw_alarm_month"] + p["cw_dashboard_month"] + metrics * p["cw_custom_metric_month"],
            f"{alarms} alarms, 1 dashboard, ~{metrics} custom metrics",
        ),
        (
            "X-Ray",
            (quotes + pro_calls) / 1e6 * p["xray_per_million_traces"],
            "one trace per API request chain",
        ),
        ("Cognito", VOLUME["professionals"] * p["cognito_mau"], f"{VOLUME['professionals']} MAU"),
        (
            "S3",
            quote["s3_objects_written"] * quotes / 1000 * p["s3_put_per_thousand"] + 0.5,
            "documents, access exports (small)",
        ),
        (
            "S3 partner exports",
            exports * (20 * p["s3_put_per_thousand"] + 2 * p["s3_get_per_thousand"]) / 1000
            + export_gb * p["s3_storage_gb_month"],
            f"{exports} exports of {a['partner_export_rows']:,} people (multipart, short-lived links)",
        ),
    ]
    figures = {
        "quotes": quotes,
        "per_rights": per_rights,
        "writes_per_quote": cost["write_units"],
        "reads_per_quote": cost["read_units"],
        "api_cold_starts": cold_api,
        "lambda_duration": gb_seconds * p["lambda_gb_second_arm64"],
    }
    return lines, figures


STAFF_PREFIX = "admin_"  # API functions only operators call (IAM-signed `/v1/admin/...` routes)


def snapstart_options(results: dict[str, Any]) -> list[tuple[str, float, str]]:
    """Monthly cost of keeping API cold starts short, by setting: the SnapStart cache is charged on each
    cached version's configured memory for every second of the month, whatever the traffic; a restore
    on the memory restored; a cold start without SnapStart pays its INIT (1 s or so of latency)."""
    p = unit_prices()
    a = assumed()
    month = DAYS * 86400
    api = api_functions()
    staff = [name for name in api if name.startswith(STAFF_PREFIX)]
    person_facing = [name for name in api if name not in staff]
    cold = model(results)[1]["api_cold_starts"]

    def cached(names: list[str], mb: int | None = None) -> float:
        gb = sum((mb or template_memory_mb(name)) for name in names) / 1024
        return gb * month * a["snapstart_versions_cached"] * p["snapstart_cache_gb_second"]

    restores = cold * 0.5 * p["snapstart_restore_gb"]
    inits = cold * a["cold_start_ms"] / 1000 * 0.5 * p["lambda_gb_second_arm64"]
    share = len(person_facing) / len(api)  # cold starts spread like the functions (an upper bound for staff)
    warm_one = (
        sum(template_memory_mb(name) for name in api)
        / 1024
        * month
        * p["provisioned_concurrency_gb_second_arm64"]
    )
    return [
        (
            f"SnapStart on all {len(api)} API functions at their memory (the template)",
            cached(api) + restores,
            "every cold start a restore",
        ),
        (
            f"SnapStart on the {len(person_facing)} functions people and professionals call; "
            f"the {len(staff)} `{STAFF_PREFIX}*` functions without",
            cached(person_facing) + restores * share + inits * (1 - share),
            "an operator's first call after a pause waits for INIT",
        ),
        (
            f"SnapStart on all {len(api)} API functions at 256 MB",
            cached(api, 256) + restores / 2,
            "same restores, half the CPU for every request (Lambda gives CPU in proportion to memory)",
        ),
        ("no SnapStart", inits, "every cold start an INIT, about 1 s"),
        (
            "one provisioned environment per API function (instead of SnapStart)",
            warm_one,
            "no cold start below one request at a time; the second waits for INIT",
        ),
    ]


def snapstart_section(results: dict[str, Any], figures: dict[str, float]) -> list[str]:
    p = unit_prices()
    options = snapstart_options(results)
    per_function = 512 / 1024 * DAYS * 86400 * p["snapstart_cache_gb_second"]
    cheapest_kept = options[1]
    return [
        "## SnapStart: what the cold starts cost",
        "",
        f"The SnapStart cache is charged on each cached version's configured memory for every second of the "
        f"month, whatever the traffic: **${per_function:,.2f} a month per function at 512 MB**. For the "
        f"{len(api_functions())} API functions that is ${options[0][1]:,.2f} a month, more than all Lambda "
        f"duration (${figures['lambda_duration']:,.2f}): at {VOLUME['quotes_per_day']:,} quote requests a day "
        f"the API sees about {figures['api_cold_starts']:,.0f} cold starts a month, whose INIT would cost "
        f"${options[3][1]:,.2f}. SnapStart buys latency (a restore instead of about a second of INIT on the "
        "person's request), not savings.",
        "",
        "| setting | $ / month | cold starts |",
        "|---|---:|---|",
        *(f"| {name} | {cost:,.2f} | {note} |" for name, cost, note in options),
        "",
        f"For the same cold start where a person waits, the cheaper setting is the second: SnapStart stays on "
        f"the functions of the public site and the professionals' app, and the `{STAFF_PREFIX}*` functions, "
        f"which only operators call (rarely, so nearly every call is cold), go without: "
        f"${options[0][1] - cheapest_kept[1]:,.2f} a month less, for an operator's first call after a pause "
        "taking about a second more. Lowering the memory halves the cache but also the CPU of every request; "
        "a provisioned environment costs more than the cache and still cold-starts the second concurrent "
        "request. The template keeps SnapStart on every API function, as issue 23 asks; the second row is "
        "the change to make if the monthly figure matters more than operators' first calls.",
        "",
    ]


def breach_section(results: dict[str, Any]) -> list[str]:
    breach = results.get("breach")
    if not breach:
        return []
    ten = breach["usd_per_10k"]
    return [
        "## Breach notification (per incident, not monthly)",
        "",
        f"Measured on the local stack with {breach['people']:,} people (bench/results.json `breach`, "
        f"docs/scale.md): **${ten['total']:,.2f} per 10,000 people told** (SES ${ten['ses']:,.2f}, DynamoDB "
        f"${ten['dynamodb']:,.2f}, Lambda ${ten['lambda']:,.2f}, SQS ${ten['sqs']:,.2f}, Step Functions "
        f"${ten['step_functions']:,.3f}); ${breach['usd_per_100k']['total']:,.2f} per 100,000.",
        "",
    ]


def render(results: dict[str, Any]) -> str:
    lines, figures = model(results)
    total = sum(cost for _, cost, _ in lines)
    ranked = sorted(lines, key=lambda line: -line[1])
    quote, cost = results["quote_request_counts"], results["quote_request_cost"]
    out = [
        "# Cost model (generated by `bench/cost_model.py`; do not edit by hand)",
        "",
        f"Monthly AWS cost of the main stack in eu-west-3 (Paris) for {VOLUME['quotes_per_day']:,} quote "
        f"requests a day ({figures['quotes']:,} a month), {VOLUME['professionals']} professionals and "
        f"{VOLUME['rights_requests_per_month']} rights requests a month. On-demand prices, free tiers ignored.",
        "The per-request counts are measured by `make bench` (`bench/results.json`) on the local stack,",
        "which runs the deployed code and the real state machine on moto; the rest are assumptions, listed below.",
        "",
        f"**Total: about ${total:,.0f} a month.** Dominant items: "
        + ", ".join(f"{name} (${cost:,.0f}, {cost / total:.0%})" for name, cost, _ in ranked[:3])
        + ".",
        "",
        "| item | $ / month | volume |",
        "|---|---:|---|",
        *(f"| {name} | {cost:,.2f} | {volume} |" for name, cost, volume in ranked),
        f"| **total** | **{total:,.2f}** | |",
        "",
        "## Measured per quote request (bench/results.json `quote_request_counts`)",
        "",
        "| what | per quote request |",
        "|---|---|",
        *(
            f"| Lambda `{k}` invocations | {v} (p50 {quote['lambda_ms_p50'][k]} ms in-process) |"
            for k, v in quote["lambda_invocations"].items()
        ),
        *(f"| `{k}` calls by functions | {v} |" for k, v in quote["aws_calls"].items()),
        f"| DynamoDB write request units (itemised: bench/results.md) | {cost['write_units']} |",
        f"| DynamoDB reads on the request path / in all (read units) | {cost['reads_request_path']} / "
        f"{cost['reads_total']} ({cost['read_units']}) |",
        f"| SQS messages sent (outbox) | {quote['sqs_messages_sent']} |",
        f"| SES emails | {quote['ses_emails']} |",
        f"| S3 objects written | {quote['s3_objects_written']} |",
        f"| KMS calls by the code | {quote['kms_calls']} |",
        "",
        f"With {quote['matched_professionals']} professionals matched: one email to each and one to the consumer. "
        "`retention_cascade` runs on every stream record locally; in AWS its `eventName = REMOVE` filter drops "
        "inserts and updates before any invocation, so it is left out of the cost. Request units are computed "
        "by `jaqe_dev.capacity` from DynamoDB's item-size rules and the synthesised indexes' projections "
        "(1 KB per write unit, on the table and on each index the item lands in, doubled in a transaction; "
        "4 KB per read unit, halved when eventually consistent), for the request and everything it causes "
        "(the mail sender of each email, stream consumers); bench/results.md itemises them.",
        "",
        f"Rights requests: {figures['per_rights']} state transitions each (measured, bench/results.json "
        "`rights_transitions`).",
        "",
        *snapstart_section(results, figures),
        *breach_section(results),
        "## Assumptions (not measured)",
        "",
        *(f"- {text}: {value:,}" for value, text in ASSUMPTIONS.values()),
        "- Lambda memory: from the synthesised template (`MemorySize`); every function on arm64 (Graviton) and the "
        f"{len(api_functions())} API functions (`api_handler`) on published versions with SnapStart: their cold "
        "starts are restores (restore charge per GB, short billed duration) and each cached version costs its "
        "memory for every second of the month; the other functions still pay their INIT.",
        "- Partner exports: asynchronous, written to the exports bucket by multipart upload and fetched through a "
        "short-lived link (a few PUTs and one GET each, the file kept a few days).",
        "- Lambda duration: the measured in-process duration against moto (moto's answers stand in for the network "
        "round trips to DynamoDB, SQS and SES); billed in 1 ms steps.",
        "",
        f"## Prices (eu-west-3, on-demand, USD, as of {PRICES_DATE}; re-check before quoting)",
        "",
        "| price | USD |",
        "|---|---:|",
        *(f"| {text} | {value} |" for value, text in PRICES.values()),
        "",
    ]
    return "\n".join(out)


def main() -> None:
    results = json.loads(RESULTS.read_text())
    DOC.write_text(render(results))
    total = sum(cost for _, cost, _ in model(results)[0])
    print(
        f"monthly AWS cost for {VOLUME['quotes_per_day']:,} quote requests a day: about ${total:,.0f} "
        f"(wrote {DOC.relative_to(ROOT)})"
    )


if __name__ == "__main__":
    main()
