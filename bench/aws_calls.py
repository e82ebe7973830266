"""Counting the AWS calls a bench makes, whatever session made the client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# What the local stack's queue poller calls in place of Lambda's own (event source mappings).
POLLER_CALLS = ("sqs.ReceiveMessage", "sqs.DeleteMessage", "sqs.ChangeMessageVisibility", "sqs.GetQueueUrl")


@contextmanager
def aws_calls(record: Callable[[str], None]) -> Iterator[None]:
    """Each AWS call made in the block, as `service.Operation`, handed to `record` (the poller's own
    calls left out: Lambda makes them in AWS, not the functions)."""
    from botocore.client import BaseClient

    real = BaseClient._make_api_call

    def counted(client: Any, operation: str, params: Any) -> Any:
        name = f"{client.meta.service_model.service_name}.{operation}"
        if name not in POLLER_CALLS:
            record(name)
        return real(client, operation, params)

    BaseClient._make_api_call = counted  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseClient._make_api_call = real  # type: ignore[method-assign]
