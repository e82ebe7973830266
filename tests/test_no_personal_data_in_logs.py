"""No log line of the whole suite holds personal data submitted in the tests (names, emails, phones, free text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EVENTS

PERSONAL_FIELDS = {"email", "name", "first_name", "last_name", "phone", "message", "description", "details"}


def personal_values(body: object) -> set[str]:
    """The names, emails, phones and free texts in a submitted JSON body (also used by tests/e2e)."""
    values: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                # Short digit strings (an invalid "12345" phone) also occur in ids and timings.
                if (
                    key in PERSONAL_FIELDS
                    and isinstance(value, str)
                    and len(value) >= 5
                    and not (value.isdigit() and len(value) < 8)
                ):
                    values.add(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return values


def submitted_values() -> set[str]:
    values: set[str] = set()
    for path in EVENTS.rglob("*.json"):
        event = json.loads(path.read_text())
        body = event.get("body") if isinstance(event, dict) else None
        try:
            values |= personal_values(json.loads(body) if isinstance(body, str) else None)
        except json.JSONDecodeError:
            continue  # the malformed-JSON sample
    return values


@pytest.mark.after_all
def test_c5_01_no_personal_data_reaches_any_log_line(suite_logs: Path):
    # Every worker's log of the run (`make test` runs these checks after the workers are done).
    logged = "".join(
        p.read_text(encoding="utf-8") for p in sorted(suite_logs.parent.glob("suite-logs-*.jsonl"))
    )
    values = submitted_values()
    assert logged.count("\n") > 50, "the suite's function logs were not captured"
    assert len(values) >= 8
    leaked = sorted(v for v in values if v in logged)
    assert leaked == []
