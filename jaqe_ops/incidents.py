"""Personal-data breaches (GDPR Art. 33 and 34): declare, follow, decide on the risk, the CNIL
notification draft and its submission."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from jaqe_ops.context import Ops, OpsGroup, output_option, pass_ops, wait_options
from jaqe_ops.transport import CliError

INCIDENTS = "/v1/admin/incidents"


def _path(incident_id: str, suffix: str = "") -> str:
    return f"{INCIDENTS}/{quote(incident_id, safe='')}{suffix}"


def _missing(incident_id: str) -> str:
    return f"no incident {incident_id}"


def _state(view: dict[str, Any]) -> str:
    found = view.get("people_concerned")
    return f"{view['status']}" + (f", {found} people concerned" if found is not None else "")


def _wait(ops: Ops, incident_id: str, leaving: tuple[str, ...], timeout: float, interval: float) -> int:
    """Poll the incident until its workflow has left `leaving`; print it."""
    return ops.wait_until_settled(
        incident_id,
        lambda: ops.call("GET", _path(incident_id), missing=_missing(incident_id)),
        leaving,
        timeout,
        interval,
        state=_state,
    )


@click.group(
    cls=OpsGroup,
    help="personal-data breaches: declare, follow, decide on the risk, CNIL draft and submission",
)
def incident() -> None:
    pass


incident_id_argument = click.argument("incident_id")


@incident.command(
    help="declare an incident: the workflow finds the people concerned and drafts the CNIL notice"
)
@click.option(
    "--file",
    "path",
    required=True,
    help="JSON: nature, data_categories, people_categories, store (leads|consents), purposes, "
    "window_start, window_end, aware_at, likely_consequences, measures_taken, high_risk_confirmed "
    "(a sample: events/incidents/declare.json)",
)
@wait_options
@pass_ops
def declare(ops: Ops, path: str, wait: bool, timeout: float, interval: float) -> int:
    try:
        declared = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read the incident from {path}: {error}") from error
    answer = ops.call("POST", INCIDENTS, declared)
    if not wait:
        ops.emit(answer)
        return 0
    from jaqe.breach.model import IncidentStatus

    return _wait(ops, answer["incident_id"], (IncidentStatus.INVESTIGATING.value,), timeout, interval)


@incident.command("list", help="incidents whose CNIL notification is still due, soonest first")
@pass_ops
def list_command(ops: Ops) -> int:
    answer = ops.call("GET", INCIDENTS)
    found = answer["awaiting_cnil_notification"]
    rows = [(i["incident_id"], i["notification_due_by"]) for i in found]
    summary = f"{len(found)} incident(s) awaiting the CNIL notification"
    return ops.listing(answer, ("id", "CNIL notification due by"), rows, summary)


@incident.command(help="one incident: status, people concerned, draft, history (INCIDENT_ID: inc_...)")
@incident_id_argument
@pass_ops
def show(ops: Ops, incident_id: str) -> int:
    ops.emit(ops.call("GET", _path(incident_id), missing=_missing(incident_id)))
    return 0


@incident.command(help="decide on the risk; --high-risk emails each person concerned (Art. 34)")
@incident_id_argument
@click.option(
    "--high-risk/--no-high-risk",
    required=True,
    help="tell each person (Art. 34), or close without notices",
)
@click.option("--reason", required=True, help="recorded with the decision (Art. 33(5))")
@wait_options
@pass_ops
def decide(
    ops: Ops, incident_id: str, high_risk: bool, reason: str, wait: bool, timeout: float, interval: float
) -> int:
    body = {"high_risk": high_risk, "reason": reason}
    answer = ops.call("POST", _path(incident_id, "/decision"), body, missing=_missing(incident_id))
    if not wait:
        ops.emit(answer)
        return 0
    from jaqe.breach.model import IncidentStatus

    leaving = (IncidentStatus.AWAITING_DECISION.value, IncidentStatus.NOTIFYING.value)
    return _wait(ops, incident_id, leaving, timeout, interval)


@incident.command("cnil-draft", help="the notification in the order of the CNIL's online form (markdown)")
@incident_id_argument
@output_option
@pass_ops
def cnil_draft(ops: Ops, incident_id: str, output: str | None) -> int:
    answer = ops.call("GET", _path(incident_id, "/cnil-notification"), missing=_missing(incident_id))
    if not answer.get("form_text"):
        raise CliError(f"{incident_id}: the people concerned are still being counted; try again")
    if output:
        Path(output).write_text(answer["form_text"], encoding="utf-8")
    else:
        print(answer["form_text"], file=ops.out)
    return 0


@incident.command("cnil-submitted", help="record that the CNIL was notified (late: give the reasons)")
@incident_id_argument
@click.option("--submitted-at", required=True, help="ISO 8601 with offset, e.g. 2026-03-12T10:00:00+01:00")
@click.option("--reference", required=True, help="the CNIL's acknowledgement number")
@click.option("--delay-reasons", help="required when later than 72 hours after awareness")
@pass_ops
def cnil_submitted(
    ops: Ops, incident_id: str, submitted_at: str, reference: str, delay_reasons: str | None
) -> int:
    body = {"submitted_at": submitted_at, "reference": reference}
    if delay_reasons:
        body["delay_reasons"] = delay_reasons
    path = _path(incident_id, "/cnil-notification")
    ops.emit(ops.call("POST", path, body, missing=_missing(incident_id)))
    return 0
