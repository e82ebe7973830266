"""The access trail on the local stack (`make dev`): a privacy scan without a reason is refused, one
with a reason is recorded, and `jaqe-ops audit` exports the entry; staff roles apply locally."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import uuid

from tests.e2e.conftest import Client

SCAN = "/v1/admin/privacy-scans"


def ops(client: Client, operator: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jaqe_ops.cli", "--api", client.base, "--operator", operator, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,  # not a terminal: a missing --reason is an error, not a question
    )


def test_c4_01_a_privacy_scan_needs_a_reason_is_trailed_and_exported_by_jaqe_ops_audit(server):
    client, _ = server
    email = f"trail-{uuid.uuid4().hex[:8]}@example.fr"
    dpo = {"X-Local-Operator": "dora:dpo"}
    auditor = f"erin-{uuid.uuid4().hex[:8]}"  # the server is shared: other files' operators have entries too

    status, refused = client.call("POST", SCAN, {"email": email}, dpo)
    assert status == 422
    assert refused["errors"] == [{"field": "reason", "message": "champ obligatoire"}]
    status, forbidden = client.call(
        "POST", SCAN, {"email": email, "reason": "x"}, {"X-Local-Operator": "sam:support"}
    )
    assert status == 403 and "support" in forbidden["detail"]

    reason = "Demande d'accès reçue par courrier le 1er décembre"
    status, scan = client.call("POST", SCAN, {"email": email, "reason": reason}, dpo)
    assert status == 200

    exported = ops(
        client, auditor, "audit", "--subject-email", email, "--reason", "Contrôle interne", "--csv"
    )
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["operator"], r["method"], r["route"], r["reason"]) for r in rows] == [
        ("dora", "POST", SCAN, reason)
    ]
    assert rows[0]["subject_key"] == scan["subject_key"]
    assert rows[0]["operator_arn"].endswith(":user/dora")

    # The audit is a read of personal data too: it needs a reason, and is itself in the trail.
    unexplained = ops(client, auditor, "audit", "--subject-email", email)
    assert unexplained.returncode == 2 and "--reason" in unexplained.stderr
    again = ops(client, auditor, "audit", "--operator", auditor, "--reason", "Qui a consulté quoi", "--json")
    assert again.returncode == 0, again.stderr
    [search] = json.loads(again.stdout)["entries"]
    assert (search["route"], search["reason"], search["subject_key"]) == (
        "/v1/admin/access-trail/search",
        "Contrôle interne",
        scan["subject_key"],
    )
    ops_role = ops(client, "olga:ops", "audit", "--since", "2026-01-01", "--reason", "curiosité")
    assert ops_role.returncode == 2 and "refused this operator (403)" in ops_role.stderr
