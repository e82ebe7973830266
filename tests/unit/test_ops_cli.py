"""`jaqe-ops` without a stack: help for every command, the one-line errors (profile, region,
unreachable API, unknown ids), progress and waiting, with fake transports."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from jaqe_ops.cli import command_names, main


@pytest.fixture(autouse=True)
def no_dev_stack(tmp_path, monkeypatch):
    """No `make dev` running and no $JAQE_API, whatever the machine running the tests has."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("JAQE_API", raising=False)
    return tmp_path / "state" / "jaqe" / "dev-api"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again before the CLI connects: refused


EVERY_COMMAND = [
    "list",
    "deadlines",
    "show",
    "register",
    "qualify",
    "close",
    "approve",
    "deny",
    "extend",
    "lift-restriction",
    "resume",
    "execute-post-mortem",
    "privacy-scan",
    "retention-report",
    "art30-export",
    "hold",
    "professionals",
    "incident",
    "partners",
    "report",
    "audit",
]


def test_help_lists_every_command():
    result = subprocess.run(
        [sys.executable, "-m", "jaqe_ops.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    for command in EVERY_COMMAND:
        assert f"    {command}" in result.stdout, command
    assert {c.split()[0] for c in command_names()} == set(EVERY_COMMAND)


@pytest.mark.parametrize("command", command_names())
def test_each_command_has_help_that_exits_0(command, capsys):
    assert main([*command.split(), "--help"]) == 0
    assert f"usage: jaqe-ops {command}" in capsys.readouterr().out


def test_the_professionals_group_lists_its_commands(capsys):
    code = main(["professionals", "--help"])
    out = capsys.readouterr().out
    assert code == 0 and all(f"    {c}" in out for c in ("list", "approve", "reject"))


def test_art30_export_help_says_it_runs_offline(capsys):
    assert main(["--help"]) == 0
    assert "offline" in capsys.readouterr().out


def test_start_up_imports_neither_the_domain_nor_boto3_nor_rich():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, jaqe_ops.cli; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert not [m for m in loaded if m.split(".")[0] in ("jaqe", "boto3", "botocore", "rich", "pydantic")]


def test_status_choices_come_from_the_domain(capsys):
    from jaqe.professionals.model import Status

    from jaqe_ops.professionals import REVIEW_QUEUE

    assert main(["list", "--status", "bogus"]) == 2
    assert "'bogus' is not one of 'received', 'awaiting_verification'" in capsys.readouterr().err
    assert main(["professionals", "list", "--status", "listed"]) == 2
    assert REVIEW_QUEUE == Status.PENDING_REVIEW


def deployed(*argv: str) -> list[str]:
    return ["--api", "https://api.jaqe.example", *argv]


def test_c5_03_a_non_eu_region_is_refused_in_one_line_saying_data_stays_in_the_eu(capsys):
    code = main(deployed("--region", "us-east-1", "list"))

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "us-east-1" in err and "must stay in the EU" in err
    assert "Traceback" not in err


def test_london_is_in_europe_but_not_in_the_eu(capsys):
    assert main(deployed("--region", "eu-west-2", "deadlines")) == 2
    assert "outside the European Union" in capsys.readouterr().err


@pytest.fixture
def aws_config(tmp_path, monkeypatch):
    """An AWS config with one profile that has no credentials, and no credentials anywhere else."""
    config = tmp_path / "config"
    config.write_text("[profile empty]\nregion = eu-west-3\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    return config


def test_an_unknown_profile_is_one_line_naming_it(aws_config, capsys):
    code = main(deployed("--profile", "nope", "list"))

    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "AWS profile 'nope' not found" in err and "Traceback" not in err


def test_a_profile_without_a_deployed_api_is_refused_rather_than_silently_using_the_local_stack(capsys):
    assert main(["--profile", "prod", "deadlines"]) == 2
    assert "--profile is for a deployed stack" in capsys.readouterr().err


def test_aws_profile_from_the_environment_is_used_for_a_deployed_stack(aws_config, monkeypatch, capsys):
    monkeypatch.setenv("AWS_PROFILE", "nope")
    assert main(deployed("list")) == 2
    assert "'nope'" in capsys.readouterr().err


def test_a_profile_without_credentials_is_one_line(aws_config, capsys):
    code = main(deployed("--profile", "empty", "list"))

    err = capsys.readouterr().err
    assert code == 2 and "no AWS credentials in profile 'empty'" in err and err.count("\n") == 1


def test_an_unreachable_api_is_one_line(capsys):
    port = closed_port()

    code = main(["--api", f"http://127.0.0.1:{port}", "deadlines"])

    err = capsys.readouterr().err
    assert code == 2 and f"cannot reach the API at http://127.0.0.1:{port}" in err and err.count("\n") == 1


def test_the_art30_export_needs_neither_api_nor_credentials(aws_config, capsys):
    """Offline: no transport is ever built (an unknown profile would otherwise fail)."""
    from jaqe.privacy.policy import art30_csv

    assert main(["--profile", "nope", "art30-export", "--format", "csv"]) == 0
    assert capsys.readouterr().out == art30_csv()


def answering(*answers):
    """A fake transport: answers in order, records the calls."""
    calls = []
    queue = list(answers)

    def send(method, path, body):
        calls.append((method, path, body))
        return queue.pop(0)

    send.calls = calls  # type: ignore[attr-defined]
    return send


def test_an_unknown_request_id_is_one_line_not_a_problem_dump(capsys):
    transport = answering((404, {"type": "https://jaqe.fr/problems/not-found", "status": 404}))

    assert main(["show", "rr_unknown", "--reason", "vérification"], transport) == 2
    captured = capsys.readouterr()
    assert (
        captured.out == ""
        and captured.err == "jaqe-ops: no rights request rr_unknown (the API answered 404)\n"
    )


def test_an_unknown_professional_id_is_one_line(capsys):
    transport = answering((404, {"status": 404}))

    assert main(["professionals", "approve", "pro_unknown"], transport) == 2
    assert "no professional pro_unknown" in capsys.readouterr().err


def test_a_refused_operator_is_one_line(capsys):
    transport = answering((403, {"detail": "Réservé au personnel habilité de JAQE (IAM)."}))

    assert main(["deadlines"], transport) == 2
    assert "refused this operator (403)" in capsys.readouterr().err


def test_other_api_errors_print_the_problem_and_exit_1(capsys):
    transport = answering((409, {"status": 409, "detail": "déjà fait"}))

    assert main(["resume", "rr_1"], transport) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["detail"] == "déjà fait" and "answered 409" in captured.err


def test_ids_are_quoted_into_the_path():
    transport = answering((200, {}))
    main(["show", "rr_1/../../professionals", "--reason", "vérification"], transport)
    path, query = transport.calls[0][1].split("?")  # type: ignore[attr-defined]
    assert (
        path == "/v1/admin/rights-requests/rr_1%2F..%2F..%2Fprofessionals"
        and query == "reason=v%C3%A9rification"
    )


def test_approve_wait_polls_until_the_workflow_moves_on_and_shows_progress(capsys):
    transport = answering(
        (200, {"request_id": "rr_1", "status": "awaiting_operator"}),
        (202, {"request_id": "rr_1", "decision": "approve"}),
        (200, {"request_id": "rr_1", "status": "awaiting_operator"}),
        (200, {"request_id": "rr_1", "status": "in_progress"}),
        (200, {"request_id": "rr_1", "status": "completed"}),
    )
    sleeps = []

    code = main(["--progress", "approve", "rr_1", "--reason", "ok", "--wait"], transport, sleep=sleeps.append)

    captured = capsys.readouterr()
    assert code == 0 and json.loads(captured.out)["status"] == "completed"
    assert len(sleeps) == 2
    assert "rr_1: in_progress, waiting for the workflow" in captured.err
    assert "rr_1: completed after" in captured.err


def test_wait_gives_up_after_the_timeout(capsys):
    transport = answering(
        (200, {"request_id": "rr_1", "status": "needs_operator"}),
        (202, {"request_id": "rr_1", "status": "resumed"}),
        (200, {"request_id": "rr_1", "status": "in_progress"}),
    )

    code = main(["resume", "rr_1", "--wait", "--timeout", "0"], transport, sleep=lambda s: None)

    assert code == 1 and "still in_progress after 0 s" in capsys.readouterr().err


def test_no_progress_when_stderr_is_not_a_terminal_unless_asked(capsys):
    transport = answering((200, {"status": "pending_review", "professionals": [], "next_cursor": None}))

    assert main(["professionals", "list"], transport) == 0
    assert capsys.readouterr().err == ""


def test_c7_06_a_portability_qualified_by_an_operator_may_name_another_controller():
    transport = answering((202, {}))
    main(["qualify", "rr_1", "--type", "portability", "--recipient-email", "dpo@autre.example.fr"], transport)
    assert transport.calls[0][2] == {"type": "portability", "recipient_email": "dpo@autre.example.fr"}  # type: ignore[attr-defined]


def test_a_read_of_personal_data_without_reason_off_a_terminal_is_an_error_and_calls_nothing(
    capsys, monkeypatch
):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    transport = answering((200, {}))

    assert main(["privacy-scan", "--email", "a@example.fr"], transport) == 2
    assert "--reason is required" in capsys.readouterr().err
    assert transport.calls == []  # type: ignore[attr-defined]


def test_a_missing_reason_is_asked_for_on_a_terminal(monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("click.prompt", lambda text: "Appel de la personne")
    transport = answering((200, {}))

    assert main(["privacy-scan", "--email", "a@example.fr"], transport) == 0
    assert transport.calls == [  # type: ignore[attr-defined]
        ("POST", "/v1/admin/privacy-scans", {"email": "a@example.fr", "reason": "Appel de la personne"})
    ]


def test_audit_takes_one_criterion_and_exports_csv(capsys):
    entry = {
        "at": "2026-12-02T10:00:00+00:00",
        "operator": "dora",
        "method": "POST",
        "route": "/v1/admin/privacy-scans",
        "ids": {},
        "subject_key": "k1",
        "reason": "Demande, par courrier",
        "status": 200,
        "operator_arn": "arn:aws:iam::1:user/dora",
    }
    transport = answering((200, {"entries": [entry]}))

    assert main(["audit", "--operator", "dora", "--since", "2026-12-01", "--reason", "x"], transport) == 2
    assert main(["audit", "--since", "2026-12-01", "--reason", "contrôle", "--csv"], transport) == 0
    assert transport.calls == [  # type: ignore[attr-defined]
        ("POST", "/v1/admin/access-trail/search", {"since": "2026-12-01", "reason": "contrôle"})
    ]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "at,operator,method,route,ids,subject_key,reason,status,operator_arn"
    assert lines[1] == (
        '2026-12-02T10:00:00+00:00,dora,POST,/v1/admin/privacy-scans,{},k1,"Demande, par courrier",200,'
        "arn:aws:iam::1:user/dora"
    )


def reached(capsys) -> str:
    """The URL the CLI tried, from its one-line error (the ports are closed)."""
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err.split("cannot reach the API at ")[1].split(" ")[0]


def test_the_api_is_given_or_jaqe_api_or_the_running_make_dev_or_port_3000(no_dev_stack, monkeypatch, capsys):
    given, from_env, from_dev = (f"http://127.0.0.1:{closed_port()}" for _ in range(3))
    assert main(["deadlines"]) == 2
    assert reached(capsys) == "http://127.0.0.1:3000"  # nothing listens there in tests
    no_dev_stack.parent.mkdir(parents=True)
    no_dev_stack.write_text(from_dev + "\n")
    assert main(["deadlines"]) == 2
    err = capsys.readouterr().err
    assert f"cannot reach the API at {from_dev}" in err and "is it still running?" in err
    monkeypatch.setenv("JAQE_API", from_env)
    assert main(["deadlines"]) == 2
    assert reached(capsys) == from_env
    assert main(["deadlines", "--api", given]) == 2
    assert reached(capsys) == given


def test_help_says_where_the_api_url_comes_from(capsys):
    assert main(["--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "$JAQE_API, else the running `make dev`" in out and "~/.local/state/jaqe/dev-api" in out


def test_global_options_are_accepted_after_the_command(capsys):
    transport = answering((200, {"status": "pending_review", "professionals": [], "next_cursor": None}))

    assert main(["professionals", "list", "--progress", "--json"], transport) == 0

    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"status": "pending_review", "professionals": []}
    assert "page 1: 0 professional(s) pending_review" in captured.err
    assert (
        main(["show", "rr_1", "--reason", "x", "--api", "https://api.jaqe.example", "--region", "us-east-1"])
        == 2
    )
    assert "outside the European Union" in capsys.readouterr().err


def test_listings_are_tables_unless_json_is_asked(capsys):
    answer = {
        "awaiting_cnil_notification": [
            {"incident_id": "inc_abcdef", "notification_due_by": "2027-01-04T10:00:00+00:00"}
        ]
    }

    assert main(["incident", "list"], answering((200, answer))) == 0
    header, rule, row, summary = capsys.readouterr().out.splitlines()
    assert header.split() == ["id", "CNIL", "notification", "due", "by"] and set(rule) == {"-", " "}
    assert row.split() == ["inc_abcdef", "2027-01-04T10:00:00+00:00"]
    assert summary == "1 incident(s) awaiting the CNIL notification"
    assert main(["--json", "incident", "list"], answering((200, answer))) == 0
    assert json.loads(capsys.readouterr().out) == answer


def test_version(capsys):
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"jaqe-ops {version('jaqe-backend')}\n"
