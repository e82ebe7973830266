"""One clock for the whole domain, so that tests and the local stack can travel in time.

Production reads the system time. Tests and the local stack install an offset (or a
frozen instant) with `travel` / `freeze`; every use case asks `now()`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)
_frozen: datetime | None = None


def now() -> datetime:
    base = _frozen if _frozen is not None else datetime.now(UTC)
    return base + _offset


def epoch(moment: datetime | None = None) -> int:
    return int((moment or now()).timestamp())


def travel(delta: timedelta) -> datetime:
    """Move the clock forward (or back) by `delta`; returns the new now."""
    global _offset
    _offset += delta
    return now()


def freeze(moment: datetime | None) -> None:
    """Stop the clock at `moment` (None lets it run again)."""
    global _frozen
    _frozen = moment


def reset() -> None:
    global _offset, _frozen
    _offset, _frozen = timedelta(0), None


def offset() -> timedelta:
    return _offset
