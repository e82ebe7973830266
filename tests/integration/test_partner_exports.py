"""Commercial partners receive data only with the person's specific consent (C4-05); operators only (C4-01)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from jaqe.privacy.consent import ConsentLedger
from jaqe.privacy.register import PurposeId

from jaqe_dev.template import SynthesizedStack
from tests.conftest import load_event
from tests.integration.seeds import all_items, download, exported
from tests.integration.test_consent_confirmation import confirmation_link
from tests.integration.test_operator_routes import unsigned

QUOTE = json.loads(load_event("quote_requests/post_valid.json")["body"])
OPERATOR = {"X-Local-Operator": "dpo"}
EXPORT = "/v1/admin/commercial-partners/exports"


def quote(local, email: str, commercial: bool) -> None:
    """A quote request; a commercial partners consent is confirmed from the email's link (it counts then)."""
    body = json.loads(json.dumps(QUOTE))
    body["contact"]["email"] = email
    body["consents"]["commercial_partners"] = commercial
    assert local.api.request("POST", "/v1/quote-requests", json_body=body).status == 201
    if commercial:
        assert local.api.request("POST", confirmation_link(local, email)).status == 200


def test_c4_05_only_people_who_gave_that_specific_consent_are_exported_and_each_is_a_disclosure(local):
    quote(local, "yes@example.fr", True)
    quote(local, "no@example.fr", False)
    quote(local, "withdrawn@example.fr", True)
    with local.environment_of("admin_exports"):
        ConsentLedger(local.store()).withdraw(
            local.subject_key("withdrawn@example.fr"),
            PurposeId.COMMERCIAL_PARTNERS,
            channel="web",
            policy_version="2023-09",
        )

    status, rows = exported(local, "Assureur Habitat SA")

    assert [row["email"] for row in rows] == ["yes@example.fr"] and status["count"] == 1
    disclosures = [i for i in all_items(local) if i.get("recipient") == "commercial_partners"]
    assert len(disclosures) == 1
    assert disclosures[0]["subject_key"] == local.subject_key("yes@example.fr")
    assert disclosures[0]["company_name"] == "Assureur Habitat SA"
    assert disclosures[0]["reference"] == rows[0]["reference"]  # how Art. 19 notices name the person
    [record] = [i for i in all_items(local) if i.get("item_type") == "partner_export"]
    assert record["operator"].endswith(":user/dpo") and record["count"] == 1
    # The record and the file's key hold ids only: nothing of the people exported.
    assert "example.fr" not in json.dumps(record, default=str) and "rows" not in status


def test_c4_01_the_operators_api_refuses_unsigned_requests(local):
    """A valid export, with a person to export: refused at the gateway and by the function itself."""
    quote(local, "yes@example.fr", True)
    before = all_items(local)

    assert local.api.request("POST", EXPORT, json_body={"partner": "X"}).status == 403
    assert unsigned(local, "POST", EXPORT, {"partner": "X"}).status == 403
    assert all_items(local) == before
    assert unsigned(local, "GET", f"{EXPORT}/exp_0?reason=x").status == 403
    assert exported(local, "X")[0]["count"] == 1


def test_c4_01_every_operator_route_is_iam_authorised_in_the_template(cdk_out):
    routes = SynthesizedStack(cdk_out).routes()
    admin = [r for r in routes if r.path.startswith("/v1/admin/")]
    assert admin and all(r.authorization == "AWS_IAM" for r in admin)


def test_partners_export_and_directory_from_the_cli_with_the_exported_partner_known(local, capsys, tmp_path):
    from jaqe_ops.cli import main
    from tests.integration.test_rights_ops_cli import local_transport, printed

    quote(local, "yes@example.fr", True)
    transport = local_transport(local)
    capsys.readouterr()
    output = tmp_path / "export.csv"

    assert (
        main(
            [
                "partners",
                "export",
                "Assureur Habitat SA",
                "--reason",
                "Envoi mensuel",
                "--output",
                str(output),
            ],
            transport,
            download=download,
        )
        == 0
    )
    assert "1 person(s) exported" in capsys.readouterr().out
    [row] = list(csv.DictReader(io.StringIO(output.read_text())))
    assert row["email"] == "yes@example.fr" and row["reference"].startswith("ref_")
    assert (
        main(["partners", "export", "Assureur Habitat SA", "--reason", "Envoi mensuel", "--wait"], transport)
        == 0
    )
    waited = printed(capsys)
    assert waited["status"] == "complete" and waited["download_url"].startswith("https://")
    assert main(["partners", "export-status", waited["export_id"], "--reason", "Suivi"], transport) == 0
    assert printed(capsys)["count"] == 1

    assert main(["partners", "add", "Mutuelle Verte", "--email", "rgpd@mutuelle.example"], transport) == 0
    assert printed(capsys)["contact_email"] == "rgpd@mutuelle.example"
    assert main(["partners", "add", "assureur habitat sa", "--email", "dpo@assureur.example"], transport) == 0
    assert printed(capsys)["name"] == "Assureur Habitat SA"  # the name as the export wrote it
    assert main(["partners", "list", "--json"], transport) == 0
    listed = {p["name"]: p["contact_email"] for p in printed(capsys)["partners"]}
    assert listed == {
        "Assureur Habitat SA": "dpo@assureur.example",
        "Mutuelle Verte": "rgpd@mutuelle.example",
    }
    assert main(["partners", "list"], transport) == 0
    assert "2 partner(s)" in capsys.readouterr().out


def test_a_partner_s_contract_is_kept_in_the_directory_and_its_review_falls_due(local, capsys):
    """Issue 24: each commercial partner carries its country, safeguard, contract, data agreement and
    next review; one an export named before any contract was recorded is due for review at once."""
    from jaqe.leads.partners import PartnerDirectory

    from jaqe_ops.cli import main
    from tests.integration.test_rights_ops_cli import local_transport, printed

    body = {"partner": "Courtier Express", "reason": "Premier envoi"}
    assert local.api.request("POST", EXPORT, json_body=body, headers=OPERATOR).status == 202
    transport = local_transport(local)
    capsys.readouterr()
    add = ["partners", "add", "Mutuelle Verte", "--email", "rgpd@mutuelle.example", "--country", "FR"]
    add += ["--safeguard", "aucun transfert hors UE", "--contract-signed", "2026-01-05"]
    assert main([*add, "--dpa-signed", "2026-01-05", "--next-review", "2027-01-05"], transport) == 0
    assert printed(capsys)["next_review_on"] == "2027-01-05"
    # A new contact keeps the contract already recorded.
    assert main(["partners", "add", "Mutuelle Verte", "--email", "dpo@mutuelle.example"], transport) == 0
    assert printed(capsys)["contract_signed_on"] == "2026-01-05"
    bad = {"name": "Mutuelle Verte", "email": "dpo@mutuelle.example", "next_review_on": "bientôt"}
    answer = local.api.request("POST", "/v1/admin/commercial-partners", json_body=bad, headers=OPERATOR)
    assert answer.status == 422 and answer.headers["Content-Type"] == "application/problem+json"

    with local.environment_of("admin_exports"):
        due = PartnerDirectory(local.store()).reviews_due(date(2027, 1, 6))
        assert [e["name"] for e in due] == ["Courtier Express", "Mutuelle Verte"]
        assert [e["name"] for e in PartnerDirectory(local.store()).reviews_due(date(2027, 1, 5))] == [
            "Courtier Express"
        ]


def test_c4_01_the_partners_directory_routes_are_operators_only(local):
    partner = {"name": "X", "email": "x@example.fr"}
    assert (
        local.api.request("POST", "/v1/admin/commercial-partners", json_body=partner, headers=OPERATOR).status
        == 201
    )

    listed = unsigned(local, "GET", "/v1/admin/commercial-partners")
    added = unsigned(local, "POST", "/v1/admin/commercial-partners", {"name": "Y", "email": "y@example.fr"})

    assert listed.status == added.status == 403 and "x@example.fr" not in listed.body
    assert [i["name"] for i in all_items(local) if i.get("item_type") == "commercial_partner"] == ["X"]


PENDING = "exp_0123456789abcdef0123456789abcdef"


def test_an_export_still_being_written_has_no_count_and_no_link_and_an_unknown_one_is_404(local):
    from jaqe.leads.records import partner_export

    with local.environment_of("admin_exports"):
        local.store().put(
            partner_export(
                PENDING,
                {"export_id": PENDING, "status": "pending"},
            )
        )

    pending = local.api.request("GET", f"{EXPORT}/{PENDING}?reason=suivi", headers=OPERATOR)
    unknown = local.api.request("GET", f"{EXPORT}/exp_{'x' * 3000}?reason=suivi", headers=OPERATOR)

    assert pending.json() == {
        "export_id": PENDING,
        "status": "pending",
        "count": None,
        "download_url": None,
    }
    content_type = {k.lower(): v for k, v in unknown.headers.items()}["content-type"]
    assert unknown.status == 404 and content_type == "application/problem+json"
