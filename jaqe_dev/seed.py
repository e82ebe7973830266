"""Fictitious data for `make dev`, created through the same use cases as real data."""

from __future__ import annotations

from typing import Any


def seed(stack: Any) -> None:
    from jaqe_dev.seed_professionals import seed_professionals

    seed_professionals(stack)
