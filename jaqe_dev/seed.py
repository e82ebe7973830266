"""Fictitious data for `make dev`, created through the same use cases as real data."""

from __future__ import annotations

from typing import Any


def seed(stack: Any) -> None:
    """Nothing to seed yet beyond the provisioned resources."""
