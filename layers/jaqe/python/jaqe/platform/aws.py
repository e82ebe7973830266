"""boto3 clients, created once per container and only when first used (cold start)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jaqe.platform.restore import on_restore
from jaqe.platform.settings import RuntimeSettings, get_settings


@cache
def client(service: str, region: str | None = None) -> Any:
    """A client for the data region (where every table, queue and workflow lives) unless told otherwise."""
    import boto3

    return boto3.client(service, region_name=region or get_settings(RuntimeSettings).data_region)  # type: ignore[call-overload]


@cache
def table(name: str) -> Any:
    import boto3

    return boto3.resource("dynamodb", region_name=get_settings(RuntimeSettings).data_region).Table(name)


@on_restore
def reset() -> None:
    """Forget clients and settings: tests switch environments between cases, and a SnapStart restore
    must not reuse the snapshot's credentials and pooled connections."""
    from jaqe.platform.public_url import stage_url

    stage_url.cache_clear()
    client.cache_clear()
    table.cache_clear()
    get_settings.cache_clear()
