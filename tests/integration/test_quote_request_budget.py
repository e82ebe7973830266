"""DESIGN budget "A quote request with 3 matches: at most 25 DynamoDB write units (each accounted for)
and 3 reads, the lead and its consent proofs still written atomically", counted on a real request
through the handler on moto and everything it causes (stream consumers, the mail sender of each
queued email). Units come from `jaqe_dev.capacity` (item sizes and the synthesised indexes'
projections); `make bench` itemises them in bench/results.md."""

from __future__ import annotations

import json

from jaqe_dev.capacity import meter_local_stack
from jaqe_dev.stack import LocalStack
from tests.conftest import load_event
from tests.integration.seeds import listed_professional

REQUEST = json.loads(load_event("quote_requests/post_valid.json")["body"])
READ_BUDGET = 3
# The DESIGN budget is 25; the whole chain costs this today (bench/results.md says where each unit
# goes). Lower it as units go; never raise it.
WRITE_CEILING = 44


def quote_request_with_3_matches(local: LocalStack):
    for pro in ("p1", "p2", "p3"):
        listed_professional(local, pro)
    local.settle()
    meter = meter_local_stack(local)
    with meter.measuring():
        response = local.api.request(
            "POST", "/v1/quote-requests", json_body=REQUEST, headers={"Idempotency-Key": "budget-0001"}
        )
    assert response.status == 201 and response.json()["matched_professionals"] == 3
    return meter


def test_a_quote_request_reads_three_times_writes_each_item_once_and_keeps_to_its_write_ceiling(local):
    meter = quote_request_with_3_matches(local)

    request_path_reads = [(r.operation, r.target) for r in meter.reads if r.function == "quote_requests"]
    assert len(request_path_reads) <= READ_BUDGET, request_path_reads
    # The lead and its consent proof stand or fall together: one transaction holds both.
    assert sorted(w.kind for w in meter.writes if w.operation == "TransactWriteItems") == [
        "consent_event",
        "lead",
    ]
    items = [w.key for w in meter.writes if w.function == "quote_requests" and w.kind != "idempotency record"]
    assert len(items) == len(set(items)), "an item written twice on the request path"
    # Its four emails are rendered from the lead and its disclosures when sent: no stored copy.
    assert not [w for w in meter.writes if w.kind == "outgoing_mail"]
    assert meter.write_units <= WRITE_CEILING, [(w.function, w.kind, w.units) for w in meter.writes]
