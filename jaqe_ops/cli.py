"""`jaqe-ops`: the operators' command line, against `make dev` or a deployed stack.

    jaqe-ops list --status awaiting_operator
    jaqe-ops deadlines
    jaqe-ops show rr_... --reason "..."
    jaqe-ops register --channel post --received-on 2026-11-30 --type erasure --email person@example.fr
    jaqe-ops qualify rr_... --type rectification --correct phone=0612345678
    jaqe-ops close rr_... --reason "Question sur un devis" --answer "..."
    jaqe-ops approve rr_... --reason "Justificatif vérifié" [--wait]
    jaqe-ops deny rr_... --reason "..."
    jaqe-ops extend rr_... --months 2 --reason "..."
    jaqe-ops lift-restriction rr_... --reason "..."
    jaqe-ops resume rr_... [--wait]
    jaqe-ops execute-post-mortem --email person@example.fr
    jaqe-ops privacy-scan --email person@example.fr --reason "Demande d'accès rr_..."
    jaqe-ops retention-report [--days 30]
    jaqe-ops hold place --email person@example.fr --reason "Litige sur le chantier du 12 mars"
    jaqe-ops hold list
    jaqe-ops hold lift hold_... --reason "Litige clos"
    jaqe-ops art30-export --format csv|markdown [--output FILE]     (offline: the register is code)
    jaqe-ops professionals list [--status pending_review]
    jaqe-ops professionals approve pro_...
    jaqe-ops professionals reject pro_... --reason "..."
    jaqe-ops professionals documents list
    jaqe-ops professionals documents show pro_... doc_...
    jaqe-ops professionals documents accept pro_... doc_... [--expires-on 2027-06-30]
    jaqe-ops professionals documents reject pro_... doc_... --reason "..."
    jaqe-ops partners export "Assureur Habitat SA" --output export.csv   (or --wait: print the link)
    jaqe-ops partners add "Assureur Habitat SA" --email dpo@assureur.example
    jaqe-ops partners list
    jaqe-ops partners tasks
    jaqe-ops incident declare --file events/incidents/declare.json --wait
    jaqe-ops incident decide inc_... --high-risk --reason "..." --wait
    jaqe-ops incident cnil-draft inc_... [--output notification.md]
    jaqe-ops incident cnil-submitted inc_... --submitted-at ... --reference ...
    jaqe-ops audit --subject-email E | --operator NAME | --since 2026-11-01 --reason "..." [--csv]

Reads of personal data (show, privacy-scan, professionals documents show, audit) take --reason,
kept in the access trail; asked for on a terminal when missing. `--operator alice:support` acts in
a staff role locally (a bare name is the DPO).

The API: `--api`, else $JAQE_API, else the running `make dev` (the URL it writes to
$XDG_STATE_HOME/jaqe/dev-api, by default ~/.local/state/jaqe/dev-api), else http://127.0.0.1:3000.
Local: the operator's name travels in `X-Local-Operator`. Deployed (`--api https://api.jaqe.fr
[--profile NAME] [--region eu-west-3]`): requests are signed with SigV4 using that AWS profile's
credentials (the admin routes use IAM authorisation).

Global options (`--api`, `--operator`, `--profile`, `--region`, `--progress`, `--json`) may come
before or after the command. Lists print as tables then a one-line count; `--json` prints the API's
answer instead. `--version`. A closed stdout (`jaqe-ops list | head -1`) ends the run quietly (141).

The commands live by group: `rights`, `retention`, `holds`, `incidents`, `professionals`, `partners` (click commands
taking the run's `Ops`, see `jaqe_ops.context`); HTTP and SigV4 in `transport`, tables and progress
in `output`. `main(argv, transport)` stays testable with any transport
`(method, path, body) -> (status, parsed JSON)`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO

import click

from jaqe_ops import audit, holds, incidents, partners, professionals, reports, retention, rights
from jaqe_ops.context import ClosedPipe, Ops, OpsGroup, global_options, share_global_options
from jaqe_ops.transport import ApiError, CliError, Transport


@click.group(
    "jaqe-ops",
    cls=OpsGroup,
    params=global_options(hidden=False),
    context_settings={"help_option_names": ["-h", "--help"]},
    help="JAQE operators' tool: rights requests (GDPR Art. 12-22), breaches (Art. 33-34), retention "
    "report and holds, Art. 30 record, professionals' approval, commercial partners. Against the "
    "running `make dev` by default, or a deployed stack with --api, --profile and an EU --region. "
    "The options below may also follow the command (`jaqe-ops list --json`); lists print as tables, "
    "--json prints the API's answer.",
)
@click.version_option(package_name="jaqe-backend", prog_name="jaqe-ops", message="%(prog)s %(version)s")
def jaqe_ops() -> None:
    """The options are kept by their callbacks (`context.global_options`)."""


for _command in (
    *rights.COMMANDS,
    *retention.COMMANDS,
    holds.hold,
    incidents.incident,
    professionals.professionals,
    partners.partners,
    reports.report,
    audit.audit,
):
    jaqe_ops.add_command(_command)
share_global_options(jaqe_ops)


def command_names() -> list[str]:
    """Every command as typed (`professionals approve` included): for help tests and docs."""
    names: list[str] = []
    for name, command in jaqe_ops.commands.items():
        if isinstance(command, click.Group):
            names += [f"{name} {inner}" for inner in command.commands]
        else:
            names.append(name)
    return names


# What a command killed by SIGPIPE exits with (128 + 13), as `yes | head -1` does.
CLOSED_PIPE = 141


def main(
    argv: Sequence[str] | None = None,
    transport: Transport | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    download: Callable[[str], bytes] | None = None,
) -> int:
    """Run one command; its exit code: 0, 1 (the API refused: its problem document on stdout),
    2 (a one-line error on stderr, or a usage error), 141 (stdout closed early: `| head`).
    `download` fetches presigned links (tests)."""
    ops = Ops(transport=transport, sleep=sleep)
    if download is not None:
        ops.download = download
    try:
        code = _run(ops, argv)
        ops.out.flush()
    except (BrokenPipeError, ClosedPipe):
        _discard(ops.out)
        return CLOSED_PIPE
    return code


def _run(ops: Ops, argv: Sequence[str] | None) -> int:
    try:
        code = jaqe_ops.main(
            args=None if argv is None else list(argv), prog_name="jaqe-ops", standalone_mode=False, obj=ops
        )
    except CliError as error:
        ops.progress.done()
        print(f"jaqe-ops: {error}", file=sys.stderr)
        return 2
    except ApiError as error:
        ops.progress.done()
        ops.emit(error.answer)
        print(f"jaqe-ops: {error}", file=sys.stderr)
        return 1
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        ops.progress.done()
        print("jaqe-ops: interrupted", file=sys.stderr)
        return 130
    return code if isinstance(code, int) else 0


def _discard(out: TextIO) -> None:
    """The reader has gone (`jaqe-ops list | head -1`): what is still buffered goes nowhere, so
    that the interpreter's last flush raises nothing either."""
    try:
        descriptor = out.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a file (tests capture stdout)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
