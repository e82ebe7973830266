"""Test data in the shapes other capabilities write (the contracts documented in jaqe/platform/store.py)."""

from __future__ import annotations

from typing import Any

import boto3
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
