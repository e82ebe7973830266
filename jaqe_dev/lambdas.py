"""Runs the synthesised functions in-process, with the environment the template gives them.

One lock serialises invocations: handlers read their settings from `os.environ`, and Step
Functions executions (moto runs them in threads) call back into this process.

moto's Lambda is patched once per process, but each local stack (one per test) owns its
functions: an invocation reaches the stack whose moto world created the function, and a stack
that has been closed answers every late call (a workflow thread of an earlier test) with an
error instead of running a handler in another test's world.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from jaqe_dev.clients import ENVIRON
from jaqe_dev.provision import ACCOUNT, REGION, Provisioned

LOCAL_ENVIRONMENT = {
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_DEV": "false",
    # Links in emails: a deployed function reads the API's URL from an SSM parameter
    # (jaqe.platform.public_url); here it is given, the production domain's shape in tests, and
    # `make dev` replaces it with its own address (jaqe_dev.server).
    "PUBLIC_API_URL": "https://api.jaqe.fr",
}


@dataclass
class LocalContext:
    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    timeout_seconds: int = 10

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_seconds * 1000


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """`values` in os.environ for the block. The changes are made under the lock that clients
    are made under (jaqe_dev/clients.py): other threads iterate os.environ when they make one."""
    with ENVIRON:
        saved = {key: os.environ.get(key) for key in values}
        os.environ.update(values)
    try:
        yield
    finally:
        with ENVIRON:
            for key, old in saved.items():
                if old is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = old


class LocalLambdas:
    def __init__(self, provisioned: Provisioned, *others: Provisioned) -> None:
        self.provisioned = provisioned
        stacks = (provisioned, *others)
        # Each function's own stack resolves its environment (the inbound-mail stack has its own).
        self._owners = {logical_id: p for p in stacks for logical_id in p.stack.functions()}
        self.specs = {logical_id: spec for p in stacks for logical_id, spec in p.stack.functions().items()}
        self.queue_mappings = [mapping for p in stacks for mapping in p.queue_mappings]
        self.stream_filters = {name: f for p in stacks for name, f in p.stream_filters.items()}
        self._modules: dict[str, ModuleType] = {}
        self.lock = threading.RLock()
        self._depth = 0
        self._settling = False
        self._background = threading.Event()
        # Stream batches wait until the write that caused them has returned, as in AWS.
        self._pending_streams: list[tuple[str, Any]] = []
        # Settling runs after every invocation: one SQS client and the queue URLs, made once.
        self._sqs: Any = None
        self._queue_urls: dict[str, str] = {}
        # Invocations completed so far, and a condition notified after each: tests wait on it
        # instead of sleeping. Those the system made itself (workflow tasks, stream and queue
        # deliveries) are also counted apart: a watchdog reads that count as progress.
        self.activity = threading.Condition()
        self.completed = 0
        self.background = 0
        self.closed = False

    def logical_id(self, service_name: str) -> str:
        """The function whose POWERTOOLS_SERVICE_NAME (its `functions/` folder) is `service_name`."""
        return next(logical for logical, spec in self.specs.items() if spec.name == service_name)

    def _module(self, logical_id: str) -> ModuleType:
        if logical_id not in self._modules:
            spec = self.specs[logical_id]
            module_file, _ = spec.handler.rsplit(".", 1)
            name = f"local_lambda_{spec.name}"
            loader = importlib.util.spec_from_file_location(name, spec.code_dir / f"{module_file}.py")
            assert loader and loader.loader
            module = importlib.util.module_from_spec(loader)
            sys.modules[name] = module
            loader.loader.exec_module(module)
            self._modules[logical_id] = module
        return self._modules[logical_id]

    def invoke(self, logical_id: str, event: Any, *, background: bool = False) -> Any:
        from jaqe.platform.settings import get_settings

        spec = self.specs[logical_id]
        values = {
            **self._owners[logical_id].environment(logical_id),
            **LOCAL_ENVIRONMENT,
            "AWS_LAMBDA_FUNCTION_NAME": logical_id,
        }
        with self.lock:
            if self.closed:
                raise StackClosed(f"{logical_id} belongs to a local stack that has been closed")
            self._depth += 1
            try:
                with environment(values):
                    get_settings.cache_clear()
                    module = self._module(logical_id)
                    handler = getattr(module, spec.handler.rsplit(".", 1)[1])
                    context = LocalContext(logical_id, str(uuid.uuid4()), timeout_seconds=spec.timeout)
                    result = handler(event, context)
            finally:
                self._depth -= 1
                with self.activity:
                    self.completed += 1
                    self.background += background
                    self.activity.notify_all()
            if self._depth == 0 and not self._settling:
                self.settle()
            return result

    def wait_for_activity(self, timeout: float) -> None:
        """Return once an invocation completes (or after `timeout` seconds)."""
        with self.activity:
            seen = self.completed
            self.activity.wait_for(lambda: self.completed > seen, timeout=timeout)

    def close(self) -> None:
        """No handler runs from now on; a late call (an execution left by a test) gets an error."""
        with self.lock:
            self.closed = True

    def settle(self) -> None:
        """Deliver what writes and sends have queued (stream records, queue messages) until nothing is left.

        Each queue message is tried at most once per call; a failed one becomes visible again
        for the next call, and after `maxReceiveCount` receives moto moves it to its DLQ.
        """
        with self.lock:
            self._settling = True
            try:
                tried: set[str] = set()
                while self._deliver_streams() | self._poll_queues(tried):
                    pass
            finally:
                self._settling = False

    def _deliver_streams(self) -> bool:
        delivered = bool(self._pending_streams)
        while self._pending_streams:
            function_name, payload = self._pending_streams.pop(0)
            self.invoke(function_name, payload, background=True)
        return delivered

    def _poll_queues(self, tried: set[str]) -> bool:
        import boto3

        if self._sqs is None:
            self._sqs = boto3.client("sqs", region_name=REGION)
        sqs = self._sqs
        progressed = False
        for function_name, queue_arn, batch_size in self.queue_mappings:
            if queue_arn not in self._queue_urls:
                self._queue_urls[queue_arn] = sqs.get_queue_url(QueueName=queue_arn.rsplit(":", 1)[1])[
                    "QueueUrl"
                ]
            url = self._queue_urls[queue_arn]
            received = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=batch_size, AttributeNames=["All"], VisibilityTimeout=300
            ).get("Messages", [])
            fresh = [m for m in received if m["MessageId"] not in tried]
            if not fresh:
                for message in received:  # already tried in this call: leave them for the next one
                    sqs.change_message_visibility(
                        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                    )
                continue
            progressed = True
            tried.update(m["MessageId"] for m in fresh)
            event = {"Records": [_sqs_record(m, queue_arn) for m in fresh]}
            try:
                failures = {
                    f["itemIdentifier"]
                    for f in (self.invoke(function_name, event, background=True) or {}).get(
                        "batchItemFailures", []
                    )
                }
            except Exception:  # the whole batch failed
                failures = {m["MessageId"] for m in fresh}
            for message in fresh:
                if message["MessageId"] in failures:
                    sqs.change_message_visibility(
                        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                    )
                else:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return progressed

    def _queue_stream(self, function_name: str, payload: Any) -> None:
        self._pending_streams.append((function_name, payload))
        if not self.lock._is_owned() and not self._background.is_set():  # type: ignore[attr-defined]
            # A write from another thread (the moto server in `make dev`): deliver in the background,
            # one worker at a time (a burst of writes must not start a thread each).
            self._background.set()
            threading.Thread(target=self._settle_in_background, daemon=True).start()

    def _settle_in_background(self) -> None:
        with self.lock:
            self._background.clear()
            self.settle()

    def resolver_of(self, logical_id: str) -> Any:
        """The function's Powertools resolver (API functions), loaded with its environment."""
        from jaqe.platform.settings import get_settings

        with (
            self.lock,
            environment({**self._owners[logical_id].environment(logical_id), **LOCAL_ENVIRONMENT}),
        ):
            get_settings.cache_clear()
            return self._module(logical_id).app

    def invoke_by_name(self, service_name: str, event: Any) -> Any:
        return self.invoke(self.logical_id(service_name), event)

    def install_moto_dispatch(self) -> None:
        """Make moto's Lambda (Step Functions tasks, stream mappings) call this stack's handlers in-process."""
        from moto.awslambda.models import LambdaFunction, lambda_backends

        for group in lambda_backends[ACCOUNT][REGION]._lambdas._functions.values():
            for function in (group["latest"], *group["versions"]):
                function.local_lambdas = self  # the world this function object was created in
        LambdaFunction._invoke_lambda = _invoke_in_process  # type: ignore[method-assign,assignment]


class StackClosed(RuntimeError):
    """A call into a local stack that a test has closed."""


def _invoke_in_process(function: Any, event: Any = None) -> tuple[str, bool, str]:
    lambdas: LocalLambdas | None = getattr(function, "local_lambdas", None)
    payload = json.loads(event) if isinstance(event, str | bytes) else (event or {})
    try:
        if lambdas is None:
            raise StackClosed(f"{function.function_name} belongs to no local stack")
        if _is_stream_batch(payload):
            # Lambda applies the mapping's filters before invoking (moto does not): a record no
            # pattern matches never reaches the function.
            patterns = lambdas.stream_filters.get(function.function_name) or []
            records = [r for r in payload["Records"] if not patterns or any(matches(p, r) for p in patterns)]
            if records:
                lambdas._queue_stream(function.function_name, {**payload, "Records": records})
            return "{}", False, ""
        result = lambdas.invoke(function.function_name, payload, background=True)
    except Exception as error:  # reported to the caller as a Lambda function error
        body = {"errorType": type(error).__name__, "errorMessage": str(error)}
        return json.dumps(body), True, ""
    return json.dumps(result, default=str), False, ""


def matches(pattern: dict[str, Any], value: Any) -> bool:
    """Lambda event filtering, as far as the stacks use it: lists of allowed values, nested in objects."""
    if not isinstance(value, dict):
        return False
    return all(
        matches(rule, value.get(key)) if isinstance(rule, dict) else value.get(key) in rule
        for key, rule in pattern.items()
    )


def _is_stream_batch(payload: Any) -> bool:
    records = payload.get("Records") if isinstance(payload, dict) else None
    return isinstance(records, list) and bool(records) and records[0].get("eventSource") == "aws:dynamodb"


def _sqs_record(message: Any, queue_arn: str) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {},
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }
