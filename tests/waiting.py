"""Waiting for the system to do something, with a watchdog instead of a deadline.

A wait lasts as long as the system makes progress (workflow history events, invocations made by
workflows, streams and queues) and fails as soon as nothing has moved for `STALL_SECONDS`, with
every thread's stack, so that a stuck workflow fails fast and says where it is stuck, and a slow
machine is never mistaken for a stuck one. Waits wake on each completed invocation, not on a timer.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

STALL_SECONDS = 30.0
# Upper bound between two checks when nothing wakes the wait (a state written by a moto thread).
WAKE_SECONDS = 0.25


class Stalled(AssertionError):
    """Nothing moved for STALL_SECONDS while a test waited for the system."""


def thread_stacks() -> str:
    """Every thread's stack in this process, named."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    return "\n".join(
        f"--- thread {names.get(ident, ident)}\n{''.join(traceback.format_stack(frame))}"
        for ident, frame in sys._current_frames().items()
    )


def wait_until(
    check: Callable[[], T],
    *,
    what: str,
    progress: Callable[[], Any],
    wait: Callable[[float], object],
    stacks: Callable[[], str] = thread_stacks,
    stall_seconds: float = STALL_SECONDS,
) -> T:
    """`check()`'s first truthy result. `progress()` is any value that changes when the system
    moves; `wait(s)` returns when something happened or `s` seconds passed."""
    seen, moved_at = progress(), time.monotonic()
    while True:
        result = check()
        if result:
            return result
        wait(WAKE_SECONDS)
        now = progress()
        if now != seen:
            seen, moved_at = now, time.monotonic()
        elif time.monotonic() - moved_at > stall_seconds:
            raise Stalled(
                f"waiting for {what}: nothing moved for {stall_seconds:.0f} s (progress {now})\n{stacks()}"
            )


def wait_in(local: Any, check: Callable[[], T], what: str) -> T:
    """`wait_until` on an in-process local stack (tests/integration, tests/workflow)."""
    return wait_until(check, what=what, progress=local.progress, wait=local.lambdas.wait_for_activity)
