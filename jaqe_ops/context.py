"""What every command gets: the `Ops` of this run (API, progress, stdout), the `--wait` options and
their polling, choices read from the domain's enums, and the help layout of `jaqe-ops`.

A command is a click command of its group's module (`rights`, `retention`, `incidents`,
`professionals`) taking `ops` first (`@pass_ops`) and returning its exit code.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

import click

from jaqe_ops.output import Progress, emit
from jaqe_ops.transport import Api, Transport, transport_for

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Ops:
    """One run of `jaqe-ops`; `transport` and `sleep` are replaced by tests."""

    transport: Transport | None = None
    sleep: Callable[[float], None] = time.sleep
    out: TextIO = field(default_factory=lambda: sys.stdout)
    progress: Progress = field(default_factory=lambda: Progress(sys.stderr, enabled=False))
    api: Api | None = None
    # Fetches a presigned link (an export's file); tests on the in-process moto world replace it.
    download: Callable[[str], bytes] = field(default=lambda url: _fetch(url))

    def connect(
        self, api: str, operator: str, profile: str | None, region: str | None, progress: bool
    ) -> None:
        """The global options: the API is reached (and credentials read) on the first call only."""
        given = self.transport
        self.api = Api(
            (lambda: given) if given is not None else (lambda: transport_for(api, operator, profile, region))
        )
        self.progress = Progress(sys.stderr, enabled=progress or sys.stderr.isatty())

    def call(self, method: str, path: str, body: Any = None, *, missing: str | None = None) -> Any:
        assert self.api is not None, "connect() first"
        return self.api.call(method, path, body, missing=missing)

    def emit(self, answer: Any) -> None:
        emit(answer, self.out)

    def wait_until_settled(
        self,
        label: str,
        fetch: Callable[[], dict[str, Any]],
        running: Sequence[str],
        timeout: float,
        interval: float,
        state: Callable[[dict[str, Any]], str] = lambda record: str(record.get("status")),
        *,
        quiet: bool = False,
    ) -> int:
        """Poll `fetch` until the workflow has left the `running` statuses, then print the record
        (exit 0; `quiet`: the caller prints what it made of it); still running after `timeout`
        seconds: print it, say so, exit 1."""
        started = time.monotonic()
        while True:
            record = fetch()
            elapsed = time.monotonic() - started
            status = record.get("status")
            if status not in running:
                self.progress.update(f"{label}: {state(record)} after {elapsed:.0f} s")
                self.progress.done()
                if not quiet:
                    self.emit(record)
                return 0
            if elapsed >= timeout:
                self.progress.done()
                self.emit(record)
                print(f"jaqe-ops: {label} still {status} after {timeout:.0f} s", file=sys.stderr)
                return 1
            self.progress.update(f"{label}: {state(record)}, waiting for the workflow ({elapsed:.0f} s)")
            self.sleep(interval)


def _fetch(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - an https presigned link
        return bytes(response.read())


pass_ops = click.make_pass_decorator(Ops)


def wait_options(command: F) -> F:
    """--wait [--timeout S] (and the hidden --interval the tests shorten)."""
    command = click.option("--interval", type=float, default=1.0, hidden=True)(command)
    command = click.option(
        "--timeout", type=float, default=120, help="seconds to wait at most (default 120)"
    )(command)
    return click.option(
        "--wait", is_flag=True, help="poll until the workflow has moved on, then print the result"
    )(command)


def output_option(command: F) -> F:
    return click.option("--output", metavar="FILE", help="write to FILE instead of stdout")(command)


class DomainChoice(click.Choice):
    """One of a domain enum's values (`jaqe.rights.model.RequestStatus`...), imported when an option
    using it is parsed or its help shown: not when `jaqe-ops` starts."""

    def __init__(self, values: Callable[[], Sequence[str]]) -> None:
        self._values = values
        self._loaded: Sequence[str] | None = None
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> Sequence[str]:
        if self._loaded is None:
            self._loaded = tuple(self._values())
        return self._loaded

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:
        """click.Choice.__init__ sets them; ours come from the domain."""


def _usage(command: click.Command, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    pieces = command.collect_usage_pieces(ctx)
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="usage: ")


class OpsCommand(click.Command):
    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _usage(self, ctx, formatter)


class OpsGroup(click.Group):
    """Commands listed in the order they were added, each with its whole help line."""

    command_class = OpsCommand
    group_class = type  # subgroups are OpsGroups too

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _usage(self, ctx, formatter)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, command.short_help or command.help or "")
            for name, command in self.commands.items()
            if not command.hidden
        ]
        with formatter.section("commands"):
            formatter.indent()
            formatter.write_dl(rows)
            formatter.dedent()
