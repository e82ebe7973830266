"""`jaqe-ops`: the operators' command line, against `make dev` or a deployed stack.

    jaqe-ops list --status awaiting_operator
    jaqe-ops deadlines
    jaqe-ops show rr_...
    jaqe-ops register --channel post --received-on 2026-11-30 --type erasure --email person@example.fr
    jaqe-ops qualify rr_... --type rectification --correct phone=0612345678
    jaqe-ops close rr_... --reason "Question sur un devis" --answer "..."
    jaqe-ops approve rr_... --reason "Justificatif vérifié" [--wait]
    jaqe-ops deny rr_... --reason "..."
    jaqe-ops extend rr_... --months 2 --reason "..."
    jaqe-ops lift-restriction rr_... --reason "..."
    jaqe-ops resume rr_... [--wait]
    jaqe-ops execute-post-mortem --email person@example.fr
    jaqe-ops privacy-scan --email person@example.fr
    jaqe-ops retention-report [--days 30] [--json]
    jaqe-ops hold place --email person@example.fr --reason "Litige sur le chantier du 12 mars"
    jaqe-ops hold list [--json]
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
    jaqe-ops incident declare --file incident.json --wait
    jaqe-ops incident decide inc_... --high-risk --reason "..." --wait
    jaqe-ops incident cnil-draft inc_... [--output notification.md]
    jaqe-ops incident cnil-submitted inc_... --submitted-at ... --reference ...

Local (default, http://127.0.0.1:3000): the operator's name travels in `X-Local-Operator`.
Deployed (`--api https://api.jaqe.fr [--profile NAME] [--region eu-west-3]`): requests are
signed with SigV4 using that AWS profile's credentials (the admin routes use IAM authorisation).

The commands live by group: `rights`, `retention`, `holds`, `incidents`, `professionals`, `partners` (click commands
taking the run's `Ops`, see `jaqe_ops.context`); HTTP and SigV4 in `transport`, tables and progress
in `output`. `main(argv, transport)` stays testable with any transport
`(method, path, body) -> (status, parsed JSON)`.
"""

from __future__ import annotations

import getpass
import sys
import time
from collections.abc import Callable, Sequence

import click

from jaqe_ops import holds, incidents, partners, professionals, retention, rights
from jaqe_ops.context import Ops, OpsGroup, pass_ops
from jaqe_ops.transport import LOCAL_API, ApiError, CliError, Transport


@click.group(
    "jaqe-ops",
    cls=OpsGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="JAQE operators' tool: rights requests (GDPR Art. 12-22), breaches (Art. 33-34), retention "
    "report and holds, Art. 30 record, professionals' approval, commercial partners. Against `make dev` by default, or a deployed "
    "stack with --api, --profile and an EU --region.",
)
@click.option(
    "--api", envvar="JAQE_API", default=LOCAL_API, show_default=True, help="API base URL ($JAQE_API)"
)
@click.option(
    "--operator",
    envvar="JAQE_OPERATOR",
    default=getpass.getuser,
    show_default="$JAQE_OPERATOR, else your login",
    help="operator name (local stack)",
)
@click.option(
    "--profile",
    help="AWS profile whose credentials sign requests to a deployed stack (default: $AWS_PROFILE, "
    "then the default credentials)",
)
@click.option(
    "--region",
    help="EU region of the deployed stack, for SigV4 (default: $AWS_REGION, the profile's, or eu-west-3)",
)
@click.option(
    "--progress",
    is_flag=True,
    help="show progress of long operations on stderr even when it is not a terminal",
)
@pass_ops
def jaqe_ops(
    ops: Ops, api: str, operator: str, profile: str | None, region: str | None, progress: bool
) -> None:
    ops.connect(api, operator, profile, region, progress)


for _command in (
    *rights.COMMANDS,
    *retention.COMMANDS,
    holds.hold,
    incidents.incident,
    professionals.professionals,
    partners.partners,
):
    jaqe_ops.add_command(_command)


def command_names() -> list[str]:
    """Every command as typed (`professionals approve` included): for help tests and docs."""
    names: list[str] = []
    for name, command in jaqe_ops.commands.items():
        if isinstance(command, click.Group):
            names += [f"{name} {inner}" for inner in command.commands]
        else:
            names.append(name)
    return names


def main(
    argv: Sequence[str] | None = None,
    transport: Transport | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    download: Callable[[str], bytes] | None = None,
) -> int:
    """Run one command; its exit code: 0, 1 (the API refused: its problem document on stdout),
    2 (a one-line error on stderr, or a usage error). `download` fetches presigned links (tests)."""
    ops = Ops(transport=transport, sleep=sleep)
    if download is not None:
        ops.download = download
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


if __name__ == "__main__":
    sys.exit(main())
