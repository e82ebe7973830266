"""`jaqe-ops` as installed, over HTTP against `make dev` (X-Local-Operator), in a subprocess."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import Client

INCIDENT_SAMPLE = Path(__file__).parents[2] / "events/incidents/declare.json"


def ops(client: Client, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jaqe_ops.cli", "--api", client.base, "--operator", "erin", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_cli_lists_seeded_professionals_reports_retention_and_names_unknown_ids(server):
    client, _ = server

    approved = ops(client, "professionals", "list", "--status", "approved", "--json")
    assert approved.returncode == 0, approved.stderr
    assert len(json.loads(approved.stdout)["professionals"]) >= 1  # `make dev` seeds approved professionals

    report = ops(client, "retention-report", "--days", "7")
    assert report.returncode == 0, report.stderr
    assert "Due to expire within 7 days" in report.stdout

    unknown = ops(client, "show", "rr_nothing_here", "--reason", "vérification")
    assert unknown.returncode == 2
    assert unknown.stderr == "jaqe-ops: no rights request rr_nothing_here (the API answered 404)\n"


def test_a_listing_piped_to_head_prints_a_table_row_and_no_traceback(server):
    client, _ = server
    command = f"{shlex.quote(sys.executable)} -m jaqe_ops.cli --api {client.base} professionals list"

    piped = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{command} --status approved | head -1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert piped.stdout.split() == [
        "id",
        "company",
        "siret",
        "trades",
        "areas",
        "insured",
        "until",
        "registered",
    ]
    assert piped.stderr == "" and piped.returncode in (0, 141)
    # The same listing into a pipe its reader has already closed: the write fails for certain.
    reader, writer = os.pipe()
    os.close(reader)
    try:
        closed = subprocess.run(
            [*shlex.split(command), "--status", "approved"],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(writer)
    assert (closed.returncode, closed.stderr) == (141, "")


def test_the_sample_incident_is_declared_through_the_real_route(server):
    client, _ = server

    declared = ops(client, "incident", "declare", "--file", str(INCIDENT_SAMPLE), "--json")

    assert declared.returncode == 0, declared.stdout + declared.stderr
    answer = json.loads(declared.stdout)
    assert answer["incident_id"].startswith("inc_") and answer["status"] == "investigating"
