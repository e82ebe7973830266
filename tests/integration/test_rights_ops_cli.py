"""`jaqe-ops`: the operator CLI, here against the in-process local stack (same routes as `make dev`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from jaqe.platform import clock
from jaqe.privacy.inventory import INVENTORY

from jaqe_ops.cli import main
from tests.workflow.conftest import rights  # noqa: F401 - fixture
from tests.workflow.seeds import PERSON, seed_person, seed_professionals


def cli_json(out: str):
    """What the CLI printed: the functions' own log lines and metrics (EMF) share stdout in-process,
    including those of workflow steps still finishing in moto's threads."""
    return json.loads(
        "\n".join(line for line in out.splitlines() if not line.startswith(('{"level"', '{"_aws"')))
    )


def printed(capsys):
    return cli_json(capsys.readouterr().out)


def local_transport(local, operator="carol"):
    def send(method, path, body):
        response = local.api.request(method, path, json_body=body, headers={"X-Local-Operator": operator})
        return response.status, response.json()

    return send


def test_c7_03_an_operator_lists_and_approves_a_rectification_from_the_cli(rights, capsys):  # noqa: F811
    seed_person(rights)
    request_id = rights.rectification_awaiting_operator(PERSON["email"])
    transport = local_transport(rights.local)

    assert main(["show", request_id, "--reason", "vérification"], transport) == 0
    assert printed(capsys)["asked"] == {"corrections": {"first_name": "Camilla"}}  # what to check
    assert main(["list", "--status", "awaiting_operator", "--json"], transport) == 0
    listed = printed(capsys)
    assert [r["request_id"] for r in listed["requests"]] == [request_id]
    assert main(["list", "--status", "awaiting_operator"], transport) == 0
    header, rule, row, summary = [
        line for line in capsys.readouterr().out.splitlines() if not line.startswith("{")
    ][-4:]
    assert header.split() == ["id", "type", "status", "received", "due"] and set(rule) <= {"-", " "}
    assert row.split()[:3] == [request_id, "rectification", "awaiting_operator"]
    assert summary == "1 rights request(s)"
    assert main(["approve", request_id, "--reason", "Pièce d'identité vérifiée"], transport) == 0

    assert rights.wait(request_id)["status"] == "SUCCEEDED"
    capsys.readouterr()
    assert main(["show", request_id, "--reason", "vérification"], transport) == 0
    shown = printed(capsys)
    assert shown["status"] == "completed"
    assert any(h.get("detail", {}).get("operator") == "carol" for h in shown["history"])
    assert main(["resume", request_id], transport) == 1  # only a failed request can be resumed


def test_c7_04_privacy_scan_lists_what_is_held_by_store_and_purpose_without_the_values(rights, capsys):  # noqa: F811
    seed_person(rights)

    code = main(
        ["privacy-scan", "--email", PERSON["email"], "--reason", "Demande d'accès"],
        transport=local_transport(rights.local),
    )

    assert code == 0
    scan = printed(capsys)
    assert scan["by_store"]["data_table"] >= 5
    assert {"quote_matching", "contact_requests", "newsletter"} <= set(scan["by_purpose"])
    assert PERSON["phone"] not in json.dumps(scan) and PERSON["email"] not in json.dumps(scan)
    # Every store of the data inventory, with how the person is reached there (C7-04).
    stores = {entry["store"]: entry for entry in scan["inventory"]}
    assert set(stores) == set(INVENTORY)
    assert stores["data_table"]["held"] >= 5 and stores["documents"]["held"] == 1
    assert stores["professional_logins"]["held"] == 0  # the seeded profile has no login
    assert stores["mail_outbox"]["reach"] == "ids_only" and "held" not in stores["mail_outbox"]


def test_c7_03_deny_with_wait_follows_the_workflow_to_its_end(rights, capsys):  # noqa: F811
    seed_person(rights)
    request_id = rights.rectification_awaiting_operator(PERSON["email"])
    capsys.readouterr()

    code = main(
        ["--progress", "deny", request_id, "--reason", "Justificatif illisible", "--wait", "--timeout", "30"],
        local_transport(rights.local),
        sleep=lambda s: __import__("time").sleep(0.05),
    )

    captured = capsys.readouterr()
    shown = cli_json(captured.out)
    assert code == 0 and shown["status"] not in ("awaiting_operator", "in_progress")
    assert f"{request_id}: {shown['status']} after" in captured.err
    assert rights.wait(request_id)["status"] == "SUCCEEDED"


def test_extend_then_deadlines_from_the_cli(rights, capsys):  # noqa: F811
    clock.freeze(datetime(2027, 1, 31, 9, 30, tzinfo=UTC))
    request_id = rights.submit({"type": "access", "email": PERSON["email"]}).json()["request_id"]
    rights.wait_for_status(request_id, "awaiting_verification")
    transport = local_transport(rights.local)
    clock.travel(timedelta(days=25))
    capsys.readouterr()

    assert main(["deadlines"], transport) == 0
    due = capsys.readouterr().out
    assert f"due soon  {request_id}" in due and due.endswith("0 overdue, 1 due within 7 days\n")
    assert main(["extend", request_id, "--months", "1", "--reason", "Demande complexe"], transport) == 0
    assert printed(capsys)["due_at"].startswith("2027-03-31")
    assert main(["--json", "deadlines"], transport) == 0
    assert printed(capsys) == {"overdue": [], "due_soon": []}


def test_c7_05_lift_restriction_from_the_cli(rights, capsys):  # noqa: F811
    seed_professionals(rights)
    seed_person(rights)
    request_id, execution = rights.run(
        {"type": "restriction", "email": PERSON["email"], "details": "Je conteste l'exactitude."}
    )
    assert execution["status"] == "SUCCEEDED"
    capsys.readouterr()

    code = main(
        ["lift-restriction", request_id, "--reason", "Exactitude vérifiée"], local_transport(rights.local)
    )

    assert code == 0 and printed(capsys) == {"request_id": request_id, "restriction": "lifted"}
    assert rights.wait_for_email(PERSON["email"], "Levée de la limitation")


def test_unknown_ids_and_missing_directives_are_one_line_errors(rights, capsys):  # noqa: F811
    transport = local_transport(rights.local)

    assert main(["show", "rr_doesnotexist", "--reason", "vérification"], transport) == 2
    assert (
        capsys.readouterr().err.strip().endswith("no rights request rr_doesnotexist (the API answered 404)")
    )
    assert main(["approve", "rr_doesnotexist", "--reason", "x"], transport) == 2
    assert main(["execute-post-mortem", "--email", "nobody@example.fr"], transport) == 2
    err = capsys.readouterr().err
    assert "no post-mortem directives recorded for this email" in err and "nobody@" not in err


def test_c7_09_register_a_letter_then_qualify_and_close_emailed_requests_from_the_cli(rights, capsys):  # noqa: F811
    transport = local_transport(rights.local)
    received_on = (clock.now() - timedelta(days=3)).date().isoformat()

    letter = ["--type", "rectification", "--correct", "phone=06 11 22 33 44", "--details", "Lettre du 28"]
    code = main(
        ["register", "--channel", "post", "--received-on", received_on, "--email", PERSON["email"], *letter],
        transport,
    )

    assert code == 0
    registered = printed(capsys)
    assert registered["status"] == "received" and registered["due_at"] > received_on
    assert main(["show", registered["request_id"], "--reason", "vérification"], transport) == 0
    shown = printed(capsys)
    assert shown["channel"] == "post" and shown["asked"]["corrections"] == {"phone": "+33611223344"}

    from tests.integration.test_inbound_email import raw

    for _ in range(2):
        assert rights.local.receive_email(raw("fr_unclear")) == {"outcomes": ["triage"]}
    assert main(["list", "--json"], transport) == 0
    first, second = [r["request_id"] for r in printed(capsys)["requests"] if r.get("needs_qualification")]
    assert main(["qualify", first, "--type", "objection", "--purpose", "newsletter"], transport) == 0
    assert printed(capsys)["status"] == "qualified"
    assert main(["qualify", second, "--type", "rectification"], transport) == 1  # fields missing: 422
    refusal = capsys.readouterr()
    assert "corrections" in refusal.out + refusal.err
    assert main(["close", second, "--reason", "Question", "--answer", "Voici la réponse."], transport) == 0
    assert printed(capsys)["status"] == "closed"
