"""What moto's Step Functions interpreter is doing in this process: progress and shutdown.

moto runs each execution (and each Map iteration, each task) in its own daemon thread. Tests
and `make dev` use these to tell a workflow that progresses from one that is stuck, and to
end every execution a test started so that nothing outlives it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any


def _executions() -> Iterator[Any]:
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    for regions in list(stepfunctions_parser_backends.values()):
        for backend in list(regions.values()):
            for machine in list(backend.state_machines):
                yield from list(machine.executions)


def progress() -> tuple[int, int]:
    """(running executions, history events recorded so far by every execution): the second
    number grows while any workflow moves, so a watchdog can tell waiting from being stuck."""
    running = events = 0
    for execution in _executions():
        env = _env(execution)
        if env is None:
            continue
        running += _is_running(execution)
        events += len(env.event_manager._history_event_list)  # no copy: read often
    return running, events


def _env(execution: Any) -> Any:
    """The interpreter's environment of an execution, None until its worker has started."""
    return getattr(execution.exec_worker, "env", None)


def _is_running(execution: Any) -> bool:
    return execution.exec_status is not None and execution.exec_status.value == "RUNNING"


def stop_all(wait_seconds: float = 60) -> None:
    """Stop every running execution, wake its waiting tasks, and wait for its threads to finish,
    so that nothing of it runs on (a callback timeout lasts days) while the next test, or the
    next moto world, uses the process. A task in flight ends its current step first."""
    from datetime import UTC, datetime

    stopped = []
    for execution in _executions():
        env = _env(execution)
        if env is None or not _is_running(execution):
            continue
        execution.stop(stop_date=datetime.now(UTC), error="StackClosed", cause="stopped by the local stack")
        for endpoint in list(env.callback_pool_manager._pool.values()):
            endpoint.interrupt_all()
        stopped.append(execution)
    deadline = time.monotonic() + wait_seconds
    while any(_is_running(e) for e in stopped):
        if time.monotonic() > deadline:
            names = [e.name for e in stopped if _is_running(e)]
            raise RuntimeError(f"executions still running {wait_seconds:.0f} s after being stopped: {names}")
        time.sleep(0.02)


def guard_unstarted_executions() -> None:
    """moto appends a new execution to its state machine before it gives it a status and a worker,
    and the worker's thread makes the environment later still (`start_execution`), while
    `send_task_success`/`send_task_failure` walk every execution reading all three: a callback that
    lands while another request starts a workflow fails with an AttributeError. An execution that
    has not started cannot be the one waiting for a token: skip it."""
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    def started_executions(self: Any, execution_status: Any = None) -> list[Any]:
        started = [
            execution
            for machine in self.state_machines
            for execution in list(machine.executions)
            if execution.exec_status is not None and _env(execution) is not None
        ]
        return [e for e in started if execution_status is None or e.exec_status == execution_status]

    StepFunctionsParserBackend._get_executions = started_executions  # type: ignore[method-assign]


def validate_each_definition_once() -> None:
    """moto parses a state machine's ASL (ANTLR, about 0.3 s) to validate it at every
    `create_state_machine`; every local stack creates the same two. A definition found valid once
    is valid again: it is parsed once per process (an invalid one still raises every time)."""
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    validate = StepFunctionsParserBackend._validate_definition
    if getattr(validate, "once", False):
        return
    valid: set[str] = set()

    def validate_once(definition: str) -> None:
        if definition not in valid:
            validate(definition)
            valid.add(definition)

    validate_once.once = True  # type: ignore[attr-defined]
    StepFunctionsParserBackend._validate_definition = staticmethod(validate_once)  # type: ignore[method-assign]
