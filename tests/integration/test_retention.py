"""Time travel through every retention rule: present just before the limit, absent just after,
purged by reconciliation; cascades remove what hangs from a deleted item."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jaqe.platform import aws, clock
from jaqe.platform.store import expiry_fields
from jaqe.privacy import retention
from jaqe.privacy.periods import Period, add_period
from jaqe.privacy.register import PurposeId, purpose

from jaqe_dev.stack import LocalStack
from tests.conftest import ROOT, load_event
from tests.integration.seeds import all_items, listed_professional, table

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
QUOTE = json.loads(load_event("quote_requests/post_valid.json")["body"])
CONTACT = json.loads(load_event("contact_messages/post_valid.json")["body"])


def reconcile(local: LocalStack) -> dict:
    return local.lambdas.invoke_by_name("reconciliation", {})


def aws_table(local: LocalStack):
    """The table resource the functions use (clients are made once per process)."""
    with local.environment_of("reconciliation"):
        return aws.table(local.data_table)


def types(local: LocalStack) -> list[str]:
    return sorted(i.get("item_type", "") for i in all_items(local) if "item_type" in i)


def just_before_and_after(period: Period) -> tuple[datetime, datetime]:
    limit = add_period(START, period)
    return limit - timedelta(minutes=1), limit + timedelta(days=1)


def test_c3_03_quote_data_is_gone_three_years_after_the_last_contact(local):
    listed_professional(local, "p1")
    clock.freeze(START)
    request_id = local.api.request("POST", "/v1/quote-requests", json_body=QUOTE).json()["request_id"]
    before, after = just_before_and_after(Period(years=3))

    clock.freeze(before)
    assert local.store().get(f"LEAD#{request_id}", "LEAD") is not None
    assert reconcile(local)["items_purged"] == 0

    clock.freeze(after)
    assert local.store().get(f"LEAD#{request_id}", "LEAD") is None  # absent before TTL runs
    report = reconcile(local)
    assert report["purged_by_purpose"]["quote_matching"] >= 2  # lead and its disclosure
    assert "lead" not in types(local) and "disclosure" not in types(local)


def test_c3_03_a_recontact_at_two_years_eleven_months_keeps_the_lead_three_more_years(local):
    clock.freeze(START)
    request_id = local.api.request("POST", "/v1/quote-requests", json_body=QUOTE).json()["request_id"]
    clock.freeze(add_period(START, Period(years=2, months=11)))
    local.api.request("POST", "/v1/quote-requests", json_body=QUOTE)

    clock.freeze(add_period(START, Period(years=3, days=1)))
    reconcile(local)
    assert local.store().get(f"LEAD#{request_id}", "LEAD") is not None

    clock.freeze(add_period(START, Period(years=5, months=11, days=1)))
    reconcile(local)
    assert "lead" not in types(local)


def test_c3_10_contact_messages_are_kept_for_the_handling_period(local):
    clock.freeze(START)
    local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)
    before, after = just_before_and_after(Period(years=1))

    clock.freeze(before)
    reconcile(local)
    assert "contact_message" in types(local)
    clock.freeze(after)
    reconcile(local)
    assert "contact_message" not in types(local)


# The cookies' rule as the register states it (C3-13). Placed on 31 March, 13 months end on 30 April:
# month ends make a count of days (396, 13 x 30...) land on the wrong side.
COOKIE_PERIOD = purpose(PurposeId.AUDIENCE_MEASUREMENT).retention.period
PLACED = datetime(2026, 3, 31, 9, 0, tzinfo=UTC)


def cookie_choice_status(local: LocalStack) -> int:
    return int(
        local.lambdas.invoke_by_name("cookie_consents", load_event("cookie_consents/get.json"))["statusCode"]
    )


def test_c3_13_cookie_consents_are_purged_after_thirteen_months(local):
    assert COOKIE_PERIOD is not None
    assert purpose(PurposeId.ADVERTISING).retention.period == COOKIE_PERIOD  # one choice item for both
    clock.freeze(PLACED)
    local.lambdas.invoke_by_name("cookie_consents", load_event("cookie_consents/post.json"))
    limit = add_period(PLACED, COOKIE_PERIOD)
    assert limit <= add_period(PLACED, Period(months=13))

    clock.freeze(add_period(PLACED, Period(months=12, days=29)))
    reconcile(local)
    assert "cookie_consent" in types(local)
    clock.freeze(limit - timedelta(minutes=1))
    reconcile(local)
    assert "cookie_consent" in types(local)
    clock.freeze(limit + timedelta(minutes=1))
    assert reconcile(local)["purged_by_purpose"] == {"audience_measurement": 1}
    assert "cookie_consent" not in types(local)


def test_consent_proofs_are_kept_five_years_then_purged(local):
    clock.freeze(START)
    local.api.request("POST", "/v1/quote-requests", json_body=QUOTE)
    before, after = just_before_and_after(Period(years=5))

    clock.freeze(before)
    reconcile(local)
    assert "consent_event" in types(local)
    clock.freeze(after)
    reconcile(local)
    assert "consent_event" not in types(local)


def test_c3_09_a_confirmed_newsletter_subscription_never_expires_by_time(local):
    clock.freeze(START)
    local.lambdas.invoke_by_name("newsletter", load_event("newsletter/post_subscription.json"))
    link = local.outbox()[0]["links"][0]
    local.api.request("POST", link.split("jaqe.fr", 1)[1])  # the confirmation page's form

    clock.freeze(add_period(START, Period(years=10)))
    reconcile(local)
    assert "newsletter_subscription" in types(local)


def test_reconciliation_leaves_items_refreshed_meanwhile_and_moves_its_watermark(local):
    clock.freeze(START)
    local.api.request("POST", "/v1/contact-messages", json_body=CONTACT)
    [message] = [i for i in all_items(local) if i.get("item_type") == "contact_message"]
    later = int(add_period(START, Period(years=2)).timestamp())
    table(local).update_item(
        Key={"pk": message["pk"], "sk": message["sk"]},
        UpdateExpression="SET expires_at = :later",
        ExpressionAttributeValues={":later": later},
    )  # still listed under its old expiry day: the conditional delete must spare it

    clock.freeze(add_period(START, Period(years=1, days=1)))
    assert reconcile(local)["items_purged"] == 0
    assert "contact_message" in types(local)
    clock.freeze(add_period(START, Period(years=1, days=3)))
    assert reconcile(local)["days_checked"] == 3


def test_a_deleted_lead_takes_its_disclosures_with_it_through_the_stream(local):
    listed_professional(local, "p1")
    listed_professional(local, "p2")
    request_id = local.api.request("POST", "/v1/quote-requests", json_body=QUOTE).json()["request_id"]
    assert types(local).count("disclosure") == 2

    local.store().delete(f"LEAD#{request_id}", "LEAD")  # as an erasure would
    local.settle()

    assert "disclosure" not in types(local)


def test_a_ttl_deletion_record_is_recognised_and_cascades(local):
    table(local).put_item(
        Item={"pk": "LEAD#lead_ttl", "sk": "DISCLOSURE#p9", "item_type": "disclosure", "pro_id": "p9"}
    )
    result = local.lambdas.invoke_by_name("retention_cascade", load_event("streams/ttl_remove_lead.json"))

    assert result == {"batchItemFailures": []}
    assert "disclosure" not in types(local)


def test_c5_01_no_runtime_code_scans_a_table():
    runtime = [*Path(ROOT / "functions").rglob("*.py"), *Path(ROOT / "layers").rglob("*.py")]
    offenders = [
        str(p) for p in runtime if re.search(r"\.scan\(|Select=.?ALL_ATTRIBUTES|\bScan\b\(", p.read_text())
    ]
    assert runtime and offenders == []


@pytest.mark.parametrize(
    ("elapsed", "shift", "status"),
    [
        (Period(months=12, days=29), timedelta(0), 200),
        (COOKIE_PERIOD, -timedelta(minutes=1), 200),
        (COOKIE_PERIOD, timedelta(minutes=1), 404),
        (Period(months=13, days=1), timedelta(0), 404),
    ],
    ids=["12_months_29_days", "a_minute_before_the_register_s_limit", "a_minute_after_it", "13_months_1_day"],
)
def test_c3_13_the_local_clock_moves_reads_past_expiry(local, elapsed, shift, status):
    """A cookie choice reads back until 13 months after it was made, not a minute longer (C3-13)."""
    clock.freeze(PLACED)
    local.lambdas.invoke_by_name("cookie_consents", load_event("cookie_consents/post.json"))
    clock.travel(add_period(PLACED, elapsed) + shift - PLACED)

    assert cookie_choice_status(local) == status


def seed_expired(local: LocalStack, count: int, expires: datetime, prefix: str = "old") -> None:
    """Contact messages listed under `expires`'s day in the expiry index, written straight to the table."""
    with table(local).batch_writer() as batch:
        for n in range(count):
            batch.put_item(
                Item={
                    "pk": f"CONTACT#{prefix}{n}",
                    "sk": "MESSAGE",
                    "item_type": "contact_message",
                    "purpose": PurposeId.CONTACT_REQUESTS.value,
                    **expiry_fields(int(expires.timestamp())),
                }
            )


def test_c3_10_what_a_batch_leaves_unprocessed_is_sent_again(local, monkeypatch):
    seed_expired(local, 60, START - timedelta(days=1))
    client = aws_table(local).meta.client
    real_write, calls = client.batch_write_item, []

    def throttled_write(RequestItems: dict) -> dict:
        """DynamoDB under load: the first call processes its first 5 deletes only."""
        calls.append(sum(len(requests) for requests in RequestItems.values()))
        if len(calls) > 1:
            return real_write(RequestItems=RequestItems)
        ((name, requests),) = RequestItems.items()
        real_write(RequestItems={name: requests[:5]})
        return {"UnprocessedItems": {name: requests[5:]}}

    monkeypatch.setattr(client, "batch_write_item", throttled_write)
    clock.freeze(START)

    report = reconcile(local)

    assert report["items_purged"] == 60
    assert calls == [25, 20, 25, 10]  # 25 per call; the 20 left unprocessed went again
    assert "contact_message" not in types(local)


def test_c3_10_a_day_larger_than_one_invocation_s_budget_is_purged_through_its_continuations(
    local, monkeypatch
):
    monkeypatch.setenv("RECONCILIATION_ITEM_BUDGET", "10")
    monkeypatch.setattr(retention, "PAGE_SIZE", 10)
    seed_expired(local, 35, START - timedelta(days=2), prefix="a")
    seed_expired(local, 12, START - timedelta(hours=1), prefix="b")
    seed_expired(local, 3, START + timedelta(hours=1), prefix="later")  # expires later today
    clock.freeze(START)
    runs, real_reconcile = [], retention.reconcile

    def recorded(*args, **kwargs):
        runs.append(real_reconcile(*args, **kwargs))
        return runs[-1]

    monkeypatch.setattr(retention, "reconcile", recorded)  # the function binds it when first invoked

    first = reconcile(local)  # the continuations run from the queue before it returns

    assert first["continued"] and first["items_purged"] == 10
    # 10 keys per invocation; the last one, finishing today, reports the whole run.
    assert [run.continued for run in runs] == [True, True, True, True, False]
    assert runs[-1].items_purged == 47 and runs[-1].purged_by_purpose == {"contact_requests": 47}
    left = [i["pk"] for i in all_items(local) if i.get("item_type") == "contact_message"]
    assert sorted(left) == ["CONTACT#later0", "CONTACT#later1", "CONTACT#later2"]
    assert local.store().get("SYSTEM#reconciliation", "WATERMARK")["last_day"] == START.date().isoformat()
