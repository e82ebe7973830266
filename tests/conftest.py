"""Test harness: one synthesis per session; each integration test gets a fresh moto world
provisioned from that template, with the functions run in-process."""

from __future__ import annotations

import fcntl
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
CDK_OUT = ROOT / "cdk.out"
# Each pytest-xdist worker logs to its own file; the after_all checks read them all.
SUITE_LOGS = ARTIFACTS / f"suite-logs-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.jsonl"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "after_all: runs after every other test (reads what they logged)")
    ARTIFACTS.mkdir(exist_ok=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("after_all") is not None)


@pytest.fixture(scope="session", autouse=True)
def suite_logs() -> Iterator[Path]:
    """Every line the functions log during the whole suite, as it would reach CloudWatch."""
    from jaqe.platform.observability import logger

    handler = logging.FileHandler(SUITE_LOGS, mode="w", encoding="utf-8")
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    yield SUITE_LOGS
    logger.removeHandler(handler)
    handler.close()


@pytest.fixture(scope="session")
def cdk_out(request: pytest.FixtureRequest) -> Path:
    """The app synthesised once per run, exactly as `make synth` does (cdk-nag included): the first
    pytest-xdist worker that needs it synthesises, under a file lock; the others read the result."""
    from infra.app import build_app

    workerinput = getattr(request.config, "workerinput", {})
    # `make test` names its run (JAQE_TEST_RUN) so that its after_all phase reads the app its first
    # phase synthesised instead of synthesising it again.
    run = os.environ.get("JAQE_TEST_RUN") or workerinput.get("testrunuid") or str(os.getpid())
    marker = CDK_OUT / ".synthesised-by-run"
    with open(ROOT / ".cdk-out.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (marker.exists() and marker.read_text() == run):
            build_app(outdir=str(CDK_OUT)).synth()
            marker.write_text(run)
    return CDK_OUT


@pytest.fixture(scope="session")
def template(cdk_out: Path) -> dict[str, Any]:
    return json.loads((cdk_out / "JaqeMain.template.json").read_text())


@pytest.fixture
def local(cdk_out: Path) -> Iterator[LocalStack]:
    with moto.mock_aws(config=MOTO_CONFIG):
        stack = LocalStack(cdk_out)
        try:
            yield stack
        finally:
            stack.close()  # no execution of this test runs on into the next one
    forget_cached_state()


def load_event(relative: str) -> dict[str, Any]:
    return json.loads((EVENTS / relative).read_text())


def header(response: dict[str, Any], name: str) -> str | None:
    """A header of a Lambda proxy response (REST answers put them in multiValueHeaders)."""
    for key, values in (response.get("multiValueHeaders") or {}).items():
        if key.lower() == name.lower():
            return ", ".join(values)
    return next((v for k, v in (response.get("headers") or {}).items() if k.lower() == name.lower()), None)
