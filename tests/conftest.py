"""Test harness: one synthesis per session; each integration test gets a fresh moto world
provisioned from that template, with the functions run in-process."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Fake credentials and an EU region before boto3 or moto are imported anywhere.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "eu-west-3",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

import moto
import pytest

from jaqe_dev.stack import MOTO_CONFIG, LocalStack, forget_cached_state

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
ARTIFACTS = ROOT / "tests" / "artifacts"
SUITE_LOGS = ARTIFACTS / "suite-logs.jsonl"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "after_all: runs after every other test (reads what they logged)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("after_all") is not None)


@pytest.fixture(scope="session", autouse=True)
def suite_logs() -> Iterator[Path]:
    """Every line the functions log during the whole suite, as it would reach CloudWatch."""
    from jaqe.platform.observability import logger

    ARTIFACTS.mkdir(exist_ok=True)
    handler = logging.FileHandler(SUITE_LOGS, mode="w", encoding="utf-8")
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    yield SUITE_LOGS
    logger.removeHandler(handler)
    handler.close()


@pytest.fixture(scope="session")
def cdk_out() -> Path:
    """The app synthesised once per test session, exactly as `make synth` does (cdk-nag included)."""
    from infra.app import build_app

    outdir = ROOT / "cdk.out"
    build_app(outdir=str(outdir)).synth()
    return outdir


@pytest.fixture(scope="session")
def template(cdk_out: Path) -> dict[str, Any]:
    return json.loads((cdk_out / "JaqeMain.template.json").read_text())


@pytest.fixture
def local(cdk_out: Path) -> Iterator[LocalStack]:
    with moto.mock_aws(config=MOTO_CONFIG):
        yield LocalStack(cdk_out)
    forget_cached_state()


def load_event(relative: str) -> dict[str, Any]:
    return json.loads((EVENTS / relative).read_text())


def header(response: dict[str, Any], name: str) -> str | None:
    """A header of a Lambda proxy response (REST answers put them in multiValueHeaders)."""
    for key, values in (response.get("multiValueHeaders") or {}).items():
        if key.lower() == name.lower():
            return ", ".join(values)
    return next((v for k, v in (response.get("headers") or {}).items() if k.lower() == name.lower()), None)
