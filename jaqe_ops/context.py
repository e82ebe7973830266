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
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from click.core import ParameterSource

from jaqe_ops.output import Progress, emit, table
from jaqe_ops.transport import DEFAULT_REGION, DEV_API_HINT, LOCAL_API, Api, Transport, transport_for

F = TypeVar("F", bound=Callable[..., Any])


class ClosedPipe(Exception):
    """stdout was closed by its reader; not an OSError, so that click leaves it to `cli.main`."""


@dataclass
class GlobalOptions:
    """The options of `jaqe-ops` itself, given before or after the command; None: not given."""

    api: str | None = None
    operator: str | None = None
    profile: str | None = None
    region: str | None = None
    progress: bool = False
    json: bool = False


@dataclass
class Ops:
    """One run of `jaqe-ops`; `transport` and `sleep` are replaced by tests."""

    transport: Transport | None = None
    sleep: Callable[[float], None] = time.sleep
    out: TextIO = field(default_factory=lambda: sys.stdout)
    options: GlobalOptions = field(default_factory=GlobalOptions)
    _api: Api | None = None
    _progress: Progress | None = None
    # Fetches a presigned link (an export's file); tests on the in-process moto world replace it.
    download: Callable[[str], bytes] = field(default=lambda url: _fetch(url))

    @property
    def api(self) -> Api:
        """Built when a command first calls the API (the options are all parsed by then); the
        transport (and credentials) on its first request."""
        if self._api is None:
            given, options = self.transport, self.options
            self._api = Api(
                (lambda: given)
                if given is not None
                else (lambda: transport_for(options.api, options.operator, options.profile, options.region))
            )
        return self._api

    @property
    def progress(self) -> Progress:
        if self._progress is None:
            self._progress = Progress(sys.stderr, enabled=self.options.progress or sys.stderr.isatty())
        return self._progress

    @property
    def json(self) -> bool:
        return self.options.json

    def call(self, method: str, path: str, body: Any = None, *, missing: str | None = None) -> Any:
        return self.api.call(method, path, body, missing=missing)

    def emit(self, answer: Any) -> None:
        emit(answer, self.out)

    def write(self, text: str, output: str | None, what: str) -> None:
        """A document to FILE (`--output`, said on stderr) or to stdout."""
        if output:
            Path(output).write_text(text, encoding="utf-8")
            print(f"jaqe-ops: {what} written to {output}", file=sys.stderr)
        else:
            self.out.write(text)

    def listing(
        self, answer: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]], summary: str
    ) -> int:
        """A list the API answered: a table then a one-line summary (`| head -1` gives the
        headers), or with --json the answer as it came."""
        if self.json:
            self.emit(answer)
        else:
            if rows:
                print(table(headers, rows), file=self.out)
            print(summary, file=self.out)
        return 0

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


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A global option given on the command line (or from the environment): kept in the run's `Ops`,
    whichever command it followed; the last one given wins."""
    if param.name and ctx.get_parameter_source(param.name) in (
        ParameterSource.COMMANDLINE,
        ParameterSource.ENVIRONMENT,
    ):
        setattr(ctx.find_object(Ops).options, param.name, value)  # type: ignore[union-attr]


def global_options(*, hidden: bool) -> list[click.Option]:
    """The options of `jaqe-ops` itself; every command takes them too (hidden in its help), so that
    `jaqe-ops list --json --api URL` means what `jaqe-ops --json --api URL list` does."""
    shared: dict[str, Any] = {"callback": _remember, "expose_value": False, "hidden": hidden}
    return [
        click.Option(
            ["--api"],
            metavar="URL",
            help=f"API base URL. Default: $JAQE_API, else the running `make dev` (its URL in {DEV_API_HINT}), "
            f"else {LOCAL_API}",
            **shared,
        ),
        click.Option(
            ["--operator"],
            help="operator name sent to the local stack (default: $JAQE_OPERATOR, else your login)",
            **shared,
        ),
        click.Option(
            ["--profile"],
            help="AWS profile whose credentials sign requests to a deployed stack (default: $AWS_PROFILE, "
            "then the default credentials)",
            **shared,
        ),
        click.Option(
            ["--region"],
            help="EU region of the deployed stack, for SigV4 (default: $AWS_REGION, the profile's, or "
            f"{DEFAULT_REGION})",
            **shared,
        ),
        click.Option(
            ["--progress"],
            is_flag=True,
            help="show progress of long operations on stderr even when it is not a terminal",
            **shared,
        ),
        click.Option(
            ["--json"],
            is_flag=True,
            help="print what the API answered as JSON (lists are tables otherwise)",
            **shared,
        ),
    ]


def share_global_options(group: click.Group) -> None:
    """Give every command under `group` the global options (those it does not declare itself)."""
    for command in group.commands.values():
        declared = {opt for param in command.params for opt in getattr(param, "opts", ())}
        command.params += [o for o in global_options(hidden=True) if not declared & set(o.opts)]
        if isinstance(command, click.Group):
            share_global_options(command)


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


def _global_options_note(ctx: click.Context, formatter: click.HelpFormatter) -> None:
    if ctx.parent is not None:
        formatter.write_paragraph()
        formatter.write_text(
            "Global options (--api, --json, --progress, --profile, --region, --operator) may come "
            "before or after the command: see jaqe-ops --help."
        )


class OpsCommand(click.Command):
    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _usage(self, ctx, formatter)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _global_options_note(ctx, formatter)


class OpsGroup(click.Group):
    """Commands listed in the order they were added, each with its whole help line."""

    command_class = OpsCommand
    group_class = type  # subgroups are OpsGroups too

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _usage(self, ctx, formatter)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _global_options_note(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as error:
            raise ClosedPipe from error

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
