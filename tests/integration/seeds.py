"""Test data in the shapes other capabilities write (the contracts documented in jaqe/platform/store.py)."""

from __future__ import annotations

import csv
import io
from typing import Any

import boto3
import requests
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import retention_fields


def table(local: Any) -> Any:
    return boto3.resource("dynamodb").Table(local.data_table)


def all_items(local: Any) -> list[dict[str, Any]]:
    # Tests may Scan: they read the whole table to prove what is (not) there.
    items, kwargs = [], {}
    while True:
        page = table(local).scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def listed_professional(
    local: Any,
    pro_id: str,
    *,
    trades: tuple[str, ...] = ("plomberie",),
    areas: tuple[str, ...] = ("34",),
    insurance_valid_until: str | None = "2099-12-31",
    status: str = "approved",
) -> None:
    """An approved, listed professional and its listing entries, as the professionals capability writes them."""
    email = f"{pro_id}@artisans.example"
    fields = retention_fields(PurposeId.PROFESSIONAL_LISTING, f"key-{pro_id}")
    fields.pop("expires_at", None)
    fields.pop("expiry_day", None)
    table(local).put_item(
        Item={
            "pk": f"PRO#{pro_id}",
            "sk": "PROFILE",
            "item_type": "professional",
            "company_name": f"Entreprise {pro_id}",
            "contact": {"first_name": "Alex", "last_name": pro_id, "email": email, "phone": "+33467000000"},
            "trades": list(trades),
            "service_areas": list(areas),
            "status": status,
            "listed": status == "approved",
            **fields,
        }
    )
    for trade in trades:
        for area in areas:
            entry = {
                "pk": f"LISTING#{trade}#{area}",
                "sk": f"PRO#{pro_id}",
                "item_type": "listing_entry",
                "pro_id": pro_id,
                "company_name": f"Entreprise {pro_id}",
                **fields,
            }
            if insurance_valid_until:
                entry["insurance_valid_until"] = insurance_valid_until
            table(local).put_item(Item=entry)


EXPORTS = "/v1/admin/commercial-partners/exports"
EXPORT_OPERATOR = {"X-Local-Operator": "dpo"}


def download(url: str) -> bytes:
    """The presigned link, fetched as a browser would (moto answers it in-process)."""
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200
    return answer.content


def exported(local: Any, partner: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Start an export; the local stack's queue delivers it to the worker before the answer returns.
    Its status and the rows of the file its link downloads."""
    body = {"partner": partner, "reason": "Export demandé par le partenaire"}
    started = local.api.request("POST", EXPORTS, json_body=body, headers=EXPORT_OPERATOR)
    assert started.status == 202 and set(started.json()) == {"export_id", "status"}
    status = local.api.request(
        "GET", f"{EXPORTS}/{started.json()['export_id']}?reason=envoi", headers=EXPORT_OPERATOR
    ).json()
    assert status["status"] == "complete" and status["export_id"] == started.json()["export_id"]
    return status, list(csv.DictReader(io.StringIO(download(status["download_url"]).decode())))
