"""Batch calls retry what DynamoDB leaves unprocessed, with bounded exponential backoff."""

from __future__ import annotations

from typing import Any

import pytest
from jaqe.platform.errors import TemporarilyUnavailable
from jaqe.platform.store import (
    BATCH_ATTEMPTS,
    BATCH_BACKOFF_CAP_SECONDS,
    BATCH_BACKOFF_SECONDS,
    until_processed,
)


def test_what_stays_unprocessed_is_sent_again_until_done_with_growing_waits():
    sent: list[list[int]] = []
    waits: list[float] = []

    def half_processed(requests: dict[str, Any]) -> dict[str, Any]:
        sent.append(requests["t"])
        rest = requests["t"][1:]
        return {"UnprocessedItems": {"t": rest} if rest else {}}

    until_processed(half_processed, {"t": [1, 2, 3]}, "UnprocessedItems", sleep=waits.append)

    assert sent == [[1, 2, 3], [2, 3], [3]]
    assert len(waits) == 2
    assert 0 <= waits[0] <= BATCH_BACKOFF_SECONDS and 0 <= waits[1] <= 2 * BATCH_BACKOFF_SECONDS


def test_a_batch_still_unprocessed_after_the_last_attempt_fails_instead_of_looping():
    attempts: list[dict[str, Any]] = []
    waits: list[float] = []

    def throttled(requests: dict[str, Any]) -> dict[str, Any]:
        attempts.append(requests)
        return {"UnprocessedItems": requests}

    with pytest.raises(TemporarilyUnavailable):
        until_processed(throttled, {"t": [1]}, "UnprocessedItems", sleep=waits.append)

    assert len(attempts) == BATCH_ATTEMPTS and len(waits) == BATCH_ATTEMPTS - 1
    assert max(waits) <= BATCH_BACKOFF_CAP_SECONDS
