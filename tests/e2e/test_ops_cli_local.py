"""`jaqe-ops` as installed, over HTTP against `make dev` (X-Local-Operator), in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.e2e.conftest import Client


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
