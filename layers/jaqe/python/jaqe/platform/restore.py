"""What a SnapStart restore must refresh: every cache filled before the snapshot registers its reset here.

A SnapStart function is initialised once, snapshotted, and many execution environments resume from
that one snapshot. Anything the initialisation computed is then shared by all of them and may be old:
the `random` module's state (the same sequence in every environment), boto3 clients (credentials and
pooled connections of the snapshotted environment), the subject-key secret and Powertools'
parameters cache (their age counts from the snapshot, not from the restore), and any setting read at
run time (e.g. from SSM). `secrets`, `uuid4` and `os.urandom` read the kernel's entropy at each call:
nothing to do for them.

A module holding such a cache calls `on_restore(reset)` at import; the Lambda runtime calls every
registered reset after a restore, in registration order. Outside Lambda (tests, the local stack) the
runtime hook module `snapshot_restore_py` does not exist: `run_restore_hooks()` is then only called
by tests.
"""

from __future__ import annotations

import random
from collections.abc import Callable

_hooks: list[Callable[[], None]] = []


def on_restore(reset: Callable[[], None]) -> Callable[[], None]:
    """Run `reset` after each SnapStart restore (usable as a decorator); registering twice is harmless."""
    if reset not in _hooks:
        _hooks.append(reset)
    return reset


def registered() -> tuple[Callable[[], None], ...]:
    return tuple(_hooks)


def run_restore_hooks() -> None:
    for reset in tuple(_hooks):
        reset()


@on_restore
def reseed_random() -> None:
    """Each restored environment draws its own sequence (seeded from os.urandom)."""
    random.seed()


def _clear_parameter_caches() -> None:
    """Powertools' parameters and secrets cache: entries and their timestamps date from before the snapshot."""
    from aws_lambda_powertools.utilities import parameters

    parameters.clear_caches()


on_restore(_clear_parameter_caches)


def build_deferred_models() -> None:
    """Before the snapshot: build the validators of every model loaded so far that `defer_build`
    left for its first use. A cold start without SnapStart still builds only what a request uses;
    with it, the snapshot keeps them built and no restored environment's first request pays."""
    from pydantic import BaseModel

    classes: list[type[BaseModel]] = [BaseModel]
    while classes:
        model = classes.pop()
        classes.extend(model.__subclasses__())
        if model is not BaseModel and not model.__pydantic_complete__:
            model.model_rebuild(raise_errors=False)  # a generic or unresolved model waits for its use


def _install() -> None:
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:  # not in the Lambda runtime (tests, local stack, scripts)
        return
    register_before_snapshot(build_deferred_models)
    register_after_restore(run_restore_hooks)


_install()
