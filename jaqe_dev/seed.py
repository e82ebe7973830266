"""Fictitious data for `make dev`, created through the same use cases as real data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def seed(stack: Any, *, demo: bool = False, progress: Callable[[str], None] = lambda _: None) -> None:
    from jaqe_dev.seed_professionals import seed_professionals

    progress("seeding one approved, insured professional per trade")
    seed_professionals(stack)
    if demo:
        from jaqe_dev.demo import seed_demo

        progress("seeding the demo: leads, newsletter subscribers, rights requests, an incident")
        seed_demo(stack)
