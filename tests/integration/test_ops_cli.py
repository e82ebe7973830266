"""`jaqe-ops` retention report, Art. 30 export and professionals' approval, against the in-process
local stack (the real handlers on moto provisioned from the synthesised template, as `make dev`)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from jaqe.platform import clock
from jaqe.platform.store import expiry_fields
from jaqe.privacy.policy import art30_csv, art30_rows
from jaqe.privacy.register import PURPOSES, RECIPIENTS, PurposeId

from jaqe_ops.cli import main
from tests.integration.test_operator_routes import unsigned
from tests.integration.test_professionals import PDF, post_file, register, request_upload, sign_in, siret
from tests.integration.test_rights_ops_cli import cli_json, local_transport, printed
from tests.workflow.conftest import rights  # noqa: F401 - fixture

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def held(rights, pk, purpose, expires):  # noqa: F811
    """An item of `purpose` expiring at `expires`, with personal data the report must not show."""
    rights.put(
        {
            "pk": pk,
            "sk": "ITEM",
            "item_type": "test_item",
            "purpose": purpose.value,
            "contact": {"email": "secret.person@example.fr", "phone": "+33611223344"},
            **expiry_fields(int(expires.timestamp())),
        }
    )


# --- retention report -----------------------------------------------------------------------------


def test_retention_report_counts_due_and_overdue_by_purpose_and_day_without_personal_data(rights, capsys):  # noqa: F811
    clock.freeze(NOW)
    held(rights, "T#1", PurposeId.CONTACT_REQUESTS, NOW + timedelta(days=3))
    held(rights, "T#2", PurposeId.QUOTE_MATCHING, NOW + timedelta(days=3, hours=1))
    held(rights, "T#3", PurposeId.QUOTE_MATCHING, NOW + timedelta(days=20))
    held(rights, "T#4", PurposeId.QUOTE_MATCHING, NOW + timedelta(days=45))  # beyond the window
    held(rights, "T#5", PurposeId.CONSENT_PROOFS, NOW - timedelta(days=2))  # expired, not purged yet
    held(rights, "T#6", PurposeId.CONTACT_REQUESTS, NOW - timedelta(hours=1))  # expired earlier today
    held(rights, "T#7", PurposeId.CONTACT_REQUESTS, NOW - timedelta(days=90))  # beyond the lookback
    transport = local_transport(rights.local)

    assert main(["retention-report", "--days", "30", "--json"], transport) == 0

    report = printed(capsys)
    assert report["due"]["total"] == 3
    assert report["due"]["by_purpose"] == {"contact_requests": 1, "quote_matching": 2}
    day = (NOW + timedelta(days=3)).date().isoformat()
    assert report["due"]["by_day"][0] == {
        "day": day,
        "total": 2,
        "by_purpose": {"contact_requests": 1, "quote_matching": 1},
    }
    assert report["overdue"]["by_purpose"] == {"consent_proofs": 1, "contact_requests": 1}
    assert [d["day"] for d in report["overdue"]["by_day"]] == [
        (NOW - timedelta(days=2)).date().isoformat(),
        NOW.date().isoformat(),
    ]
    text = json.dumps(report)
    assert "secret.person" not in text and "+3361" not in text and "T#" not in text

    capsys.readouterr()
    assert main(["retention-report", "--days", "60", "--lookback-days", "92"], transport) == 0
    table = capsys.readouterr().out
    assert "Due to expire within 60 days: 4" in table
    assert "Past expiry, not yet purged" in table and ": 3" in table
    assert "quote_matching" in table and "secret.person" not in table


def test_retention_report_after_reconciliation_shows_nothing_overdue(rights, capsys):  # noqa: F811
    clock.freeze(NOW)
    held(rights, "T#1", PurposeId.QUOTE_MATCHING, NOW - timedelta(days=1))
    rights.local.lambdas.invoke_by_name("reconciliation", {"source": "aws.scheduler"})

    assert main(["retention-report", "--json"], local_transport(rights.local)) == 0

    report = printed(capsys)
    assert report["overdue"]["total"] == 0 and report["last_reconciliation_day"] == NOW.date().isoformat()


@pytest.mark.parametrize("query", ["days=-1", "days=93", "days=abc", "lookback_days=400"])
def test_retention_report_route_refuses_bad_input_with_a_problem_document(rights, query):  # noqa: F811
    answer = rights.admin("GET", f"/v1/admin/retention-report?{query}")

    assert answer.status == 422 and answer.headers["Content-Type"] == "application/problem+json"


def test_c4_01_retention_report_route_needs_an_operator(rights):  # noqa: F811
    answer = unsigned(rights.local, "GET", "/v1/admin/retention-report")

    assert answer.status == 403 and answer.headers["Content-Type"] == "application/problem+json"
    assert "overdue" not in answer.body


# --- Art. 30 record -----------------------------------------------------------------------------


def test_art30_export_writes_csv_or_markdown_from_the_same_register_rows(tmp_path, capsys):
    target = tmp_path / "registre.md"

    assert main(["art30-export", "--format", "markdown", "--output", str(target)]) == 0
    assert main(["art30-export", "--format", "csv"]) == 0

    captured = capsys.readouterr()
    assert captured.out == art30_csv() and str(target) in captured.err
    assert len(list(csv.reader(io.StringIO(captured.out)))) == len(PURPOSES) + 1
    purposes, recipients = target.read_text(encoding="utf-8").split("## Destinataires et sous-traitants")
    table = [line for line in purposes.splitlines() if line.startswith("| ")]
    assert len(table) == len(PURPOSES) + 1  # header + one row per purpose
    for row, line in zip(art30_rows(), table[1:], strict=True):
        assert line.startswith(f"| {row[0]} | ") and row[4] in line
    assert len([line for line in recipients.splitlines() if line.startswith("| ")]) == len(RECIPIENTS) + 1


def test_art30_export_lists_each_recipient_with_its_role_country_safeguard_and_contract(capsys):
    """Issue 24: processors and recipients as data, from the register to the DPO's export."""
    assert main(["art30-export", "--format", "csv", "--table", "recipients"]) == 0

    rows = {row["destinataire"]: row for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert set(rows) == {r.name_fr for r in RECIPIENTS.values()}
    hosting, google = rows[RECIPIENTS["hosting"].name_fr], rows[RECIPIENTS["google"].name_fr]
    assert hosting["rôle"] == "sous-traitant (article 28 du RGPD)" and hosting["pays"] == "Union européenne"
    assert hosting["prochaine revue"] == RECIPIENTS["hosting"].contract.next_review_on.isoformat()
    assert "Data Privacy Framework" in google["garantie"] and google["pays"] == "États-Unis"
    assert google["finalités"] == "Cookies de mesure d'audience ; Cookies publicitaires"
    assert rows[RECIPIENTS["designated_person"].name_fr]["contrat"] == "sans objet"


# --- professionals --------------------------------------------------------------------------------


def registered(rights, count):  # noqa: F811
    ids = []
    for n in range(count):
        clock.freeze(NOW + timedelta(minutes=n))
        ids.append(register(rights.local, f"artisan{n}@example.fr", siret=siret(100 + n)))
    return ids


def test_professionals_list_follows_pages_with_progress_oldest_first_without_contact_data(rights, capsys):  # noqa: F811
    ids = registered(rights, 3)
    transport = local_transport(rights.local)

    code = main(["--progress", "professionals", "list", "--page-size", "2", "--json"], transport)

    captured = capsys.readouterr()
    listed = cli_json(captured.out)
    assert code == 0 and [p["professional_id"] for p in listed["professionals"]] == ids
    assert "page 1: 2 professional(s) pending_review" in captured.err
    assert "page 2: 3 professional(s) pending_review" in captured.err
    assert "artisan0@example.fr" not in captured.out and "contact" not in listed["professionals"][0]
    assert {p["insured"] for p in listed["professionals"]} == {False}


def test_an_operator_reviews_a_certificate_then_approves_and_rejects_from_the_cli(rights, capsys):  # noqa: F811
    first, second = registered(rights, 2)
    transport = local_transport(rights.local, operator="dora")
    auth = sign_in(rights.local, "artisan1@example.fr")
    upload = request_upload(rights.local, auth, expires_on="2099-12-31")
    assert post_file(upload, PDF) in (200, 201, 204)
    doc_id = upload["document_id"]
    capsys.readouterr()

    assert main(["professionals", "documents", "list"], transport) == 0
    out = capsys.readouterr().out
    assert "1 document(s) awaiting review" in out and doc_id in out and "2099-12-31" in out and "@" not in out
    assert main(["professionals", "documents", "show", second, doc_id, "--reason", "revue"], transport) == 0
    assert printed(capsys)["download_url"].startswith("http")
    assert main(["professionals", "approve", second], transport) == 1  # not insured until accepted
    capsys.readouterr()
    assert main(["professionals", "documents", "accept", second, doc_id], transport) == 1  # no date
    assert "expires_on" in capsys.readouterr().out  # the problem document names the field
    until = (NOW + timedelta(days=300)).date().isoformat()
    assert (
        main(["professionals", "documents", "accept", second, doc_id, "--expires-on", until], transport) == 0
    )
    assert printed(capsys)["expires_on"] == until
    assert main(["professionals", "documents", "reject", second, "doc_unknown"], transport) == 2
    capsys.readouterr()

    assert main(["professionals", "reject", first, "--reason", "SIRET radié"], transport) == 0
    assert printed(capsys)["status"] == "rejected"
    assert main(["professionals", "approve", second], transport) == 0
    assert printed(capsys) == {"professional_id": second, "status": "approved", "listed": True}

    assert main(["professionals", "list"], transport) == 0
    assert "0 professional(s) pending_review" in capsys.readouterr().out
    assert main(["professionals", "list", "--status", "rejected"], transport) == 0
    out = capsys.readouterr().out
    assert "1 professional(s) rejected" in out and first in out and "@" not in out
    assert main(["professionals", "approve", "pro_unknown"], transport) == 2
    assert "no professional pro_unknown" in capsys.readouterr().err


def test_approving_a_professional_without_insurance_is_refused_with_exit_1(rights, capsys):  # noqa: F811
    [pro_id] = registered(rights, 1)

    assert main(["professionals", "approve", pro_id], local_transport(rights.local)) == 1
    assert "answered 409" in capsys.readouterr().err


@pytest.mark.parametrize("query", ["status=bogus", "limit=0", "limit=101", "cursor=%%%", "cursor=e30"])
def test_professionals_list_route_refuses_bad_input_with_a_problem_document(rights, query):  # noqa: F811
    answer = rights.admin("GET", f"/v1/admin/professionals?{query}")

    assert 400 <= answer.status < 500, answer.body
    assert answer.headers["Content-Type"] == "application/problem+json"


def test_c4_01_professionals_list_route_needs_an_operator(rights):  # noqa: F811
    pro_id = register(rights.local)

    answer = unsigned(rights.local, "GET", "/v1/admin/professionals")

    assert answer.status == 403 and pro_id not in answer.body
    assert pro_id in rights.admin("GET", "/v1/admin/professionals").body
