"""The DPO's monthly report on a seeded month (issue 24, item 3), through the real records (rights
requests, consent ledger, incidents), the reconciliation function and the operators' route on the
local stack: `jaqe-ops report` prints each figure, checked against the seeded numbers, and the
scheduled `dpo_report` emails the previous month's report to the DPO."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from jaqe.breach.incidents import NOTIFICATION_DEADLINE, Incidents
from jaqe.breach.model import CnilSubmission, Incident, IncidentDecision
from jaqe.breach.records import IncidentRecords
from jaqe.leads.partners import PartnerDirectory
from jaqe.platform import clock
from jaqe.platform.store import Store, expiry_fields
from jaqe.privacy.consent import ConsentLedger
from jaqe.privacy.register import PurposeId, overdue_reviews
from jaqe.privacy.retention import WATERMARK
from jaqe.rights.model import RequestContact, RequestStatus, RequestType
from jaqe.rights.records import RightsRequestRecords

from jaqe_dev.stack import LocalStack
from jaqe_ops.cli import main
from tests.integration.test_rights_ops_cli import local_transport
from tests.waiting import wait_in

REPORT_DAY = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
DPO_EMAIL = "dpo@jaqe.fr"
PERSON = "camille.report@example.fr"
# The register's processors and recipients whose review date has passed on the report's day.
OVERDUE = overdue_reviews(on=REPORT_DAY.date())


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")


def seed_rights_requests(store: Store) -> None:
    """Received in November: 6 (access 2, erasure, rectification, objection, portability; web 3, email,
    post, phone). Answered in November: 5, 4 on time; days 2, 10, 16, 40, 41 (median 16, p95 41).
    Extensions in November: 2. Refusals: 1. Never verified: 1."""
    requests = RightsRequestRecords(store)

    def received(rid: str, kind: RequestType, day: str, channel: str = "web") -> None:
        clock.freeze(at(day))
        requests.create(rid, kind, f"key-{rid}", RequestContact(email=PERSON), channel, received_at=at(day))

    def closed(rid: str, day: str, status: RequestStatus = RequestStatus.COMPLETED) -> None:
        clock.freeze(at(day, 10))
        requests.transition(rid, status, "closed")

    received("r7", RequestType.ERASURE, "2026-10-01")
    received("r8", RequestType.ACCESS, "2026-10-20")
    received("r1", RequestType.ACCESS, "2026-11-02")
    received("r2", RequestType.ERASURE, "2026-11-03")
    received("r3", RequestType.RECTIFICATION, "2026-11-04", channel="email")
    clock.freeze(at("2026-11-05", 11))
    requests.extend("r8", 1, "Volume des données à rassembler", "alice")
    closed("r2", "2026-11-05")
    received("r4", RequestType.ACCESS, "2026-11-06", channel="post")
    received("r5", RequestType.OBJECTION, "2026-11-10")
    closed("r7", "2026-11-10")  # due on 1 November: late
    closed("r1", "2026-11-12")
    closed("r5", "2026-11-17", RequestStatus.UNVERIFIED)
    clock.freeze(at("2026-11-20", 8))
    requests.log("r3", "refused_by_operator", reason="Identité du demandeur non établie", operator="alice")
    closed("r3", "2026-11-20", RequestStatus.REFUSED)
    clock.freeze(at("2026-11-25"))
    requests.extend("r4", 2, "Demande complexe : archives papier", "alice")
    received("r6", RequestType.PORTABILITY, "2026-11-28", channel="phone")
    closed("r8", "2026-11-30")  # due on 20 December after its extension: on time


def seed_consents(store: Store) -> None:
    """quote_matching: 3 given, 1 withdrawn; newsletter: 2 and 2 (and one on 31 October, not counted);
    commercial_partners: 2 grants to confirm, 1 confirmed (given), 1 withdrawn."""
    ledger = ConsentLedger(store)

    def event(day: str, purpose: PurposeId, granted: bool, person: int, **extra: str) -> None:
        clock.freeze(at(day))
        ledger.append(
            f"key-p{person}",
            purpose,
            granted=granted,
            policy_version="v1",
            channel="web",
            wording="w",
            **extra,
        )

    event("2026-10-31", PurposeId.NEWSLETTER, True, 9)
    for person in (1, 2, 3):
        event("2026-11-03", PurposeId.QUOTE_MATCHING, True, person)
    event("2026-11-15", PurposeId.QUOTE_MATCHING, False, 1)
    event("2026-11-04", PurposeId.NEWSLETTER, True, 1)
    event("2026-11-05", PurposeId.NEWSLETTER, True, 2)
    event("2026-11-06", PurposeId.NEWSLETTER, False, 1)
    event("2026-11-30", PurposeId.NEWSLETTER, False, 2)
    event("2026-11-07", PurposeId.COMMERCIAL_PARTNERS, True, 1)
    event("2026-11-07", PurposeId.COMMERCIAL_PARTNERS, True, 2)
    event("2026-11-08", PurposeId.COMMERCIAL_PARTNERS, True, 1, address_confirmed_by="email_link")
    event("2026-11-20", PurposeId.COMMERCIAL_PARTNERS, False, 1)


def seed_incidents(store: Store) -> None:
    """Declared in November: one high risk notified to the CNIL, one not notified (no high risk);
    one declared in October (not in the month's register)."""
    records = IncidentRecords(store)

    def declare(iid: str, day: str, nature: str, measures: str) -> None:
        clock.freeze(at(day))
        incident = Incident(
            nature=nature,
            data_categories=["identité", "coordonnées"],
            people_categories=["particuliers ayant demandé un devis"],
            window_start=at(day, 1),
            window_end=at(day, 2),
            aware_at=at(day, 8),
            likely_consequences=f"Conséquences de {iid}",
            measures_taken=measures,
        )
        records.create(iid, incident, "alice", (at(day, 8) + NOTIFICATION_DEADLINE).isoformat())

    declare("inc_october", "2026-10-30", "Incident d'octobre", "Rien")
    declare(
        "inc_exposed",
        "2026-11-10",
        "Export non autorisé de la table des devis",
        "Accès révoqués, clés changées",
    )
    records.decided("inc_exposed", IncidentDecision(high_risk=True, reason="Coordonnées exposées"), "alice")
    records.set_fields("inc_exposed", {"people_concerned": 12, "people_notified": 12})
    clock.freeze(at("2026-11-11"))
    Incidents(store).record_cnil_submission(
        "inc_exposed", CnilSubmission(submitted_at=at("2026-11-11"), reference="CNIL-2026-123"), "alice"
    )
    declare("inc_encrypted", "2026-11-20", "Perte d'un disque chiffré", "Disque effacé à distance")
    records.decided("inc_encrypted", IncidentDecision(high_risk=False, reason="Données chiffrées"), "alice")


def seed_reconciliation_runs(local: LocalStack, store: Store) -> None:
    """Runs on 1, 2, 3 and 7 November (the previous one on 31 October): 5 items purged in November, 2 on time (2 November,
    a daily run), 3 late (7 November, 4 days after the previous run)."""

    def expiring(name: str, moment: datetime) -> None:
        store.put(
            {
                "pk": f"TEST#{name}",
                "sk": "ITEM",
                "purpose": "contact_requests",
                **expiry_fields(clock.epoch(moment)),
            }
        )

    for name, moment in [
        ("a", at("2026-11-01", 12)),
        ("b", at("2026-11-02", 1)),
        ("c", at("2026-11-04")),
        ("d", at("2026-11-05")),
        ("e", at("2026-11-06")),
    ]:
        expiring(name, moment)
    store.put({"pk": WATERMARK[0], "sk": WATERMARK[1], "last_day": "2026-10-31"})  # the October runs
    for day in ("2026-11-01", "2026-11-02", "2026-11-03", "2026-11-07"):
        clock.freeze(at(day, 3))
        local.lambdas.invoke_by_name("reconciliation", {})


def seed_partner_contracts(store: Store) -> None:
    """Two commercial partners of the directory: one whose review fell due in November, one not yet."""
    directory = PartnerDirectory(store)
    directory.add("Courtier Express", "dpo@courtier.example", "alice", {"next_review_on": "2026-11-15"})
    directory.add("Mutuelle Verte", "rgpd@mutuelle.example", "alice", {"next_review_on": "2027-06-30"})


@pytest.fixture
def seeded_november(local: LocalStack) -> LocalStack:
    store = local.store()
    try:
        seed_rights_requests(store)
        seed_consents(store)
        seed_incidents(store)
        seed_reconciliation_runs(local, store)
        seed_partner_contracts(store)
        clock.freeze(REPORT_DAY)
        yield local
    finally:
        clock.reset()


def test_jaqe_ops_report_prints_each_figure_of_the_seeded_month_and_the_dpo_gets_it_by_email(
    seeded_november, capsys
):
    """One seeded month for the CLI, the route and the scheduled email (seeding is most of the time)."""
    transport = local_transport(seeded_november)

    assert main(["report", "--month", "2026-11", "--format", "csv"], transport) == 0
    rows = {
        (r["section"], r["figure"], r["key"]): r["value"]
        for r in csv.DictReader(io.StringIO(capsys.readouterr().out))
    }
    expected = {
        ("rights_requests", "received", "total"): "6",
        ("rights_requests", "received_by_type", "access"): "2",
        ("rights_requests", "received_by_type", "erasure"): "1",
        ("rights_requests", "received_by_type", "rectification"): "1",
        ("rights_requests", "received_by_type", "objection"): "1",
        ("rights_requests", "received_by_type", "portability"): "1",
        ("rights_requests", "received_by_channel", "web"): "3",
        ("rights_requests", "received_by_channel", "email"): "1",
        ("rights_requests", "received_by_channel", "post"): "1",
        ("rights_requests", "received_by_channel", "phone"): "1",
        ("rights_requests", "answered", "total"): "5",
        ("rights_requests", "answered_on_time", "total"): "4",
        ("rights_requests", "answered_on_time_pct", "total"): "80",
        ("rights_requests", "days_to_answer_median", "total"): "16",
        ("rights_requests", "days_to_answer_p95", "total"): "41",
        ("rights_requests", "closed_unanswered", "unverified"): "1",
        ("rights_requests", "extensions", "total"): "2",
        ("rights_requests", "extension_months", "r8"): "1",
        ("rights_requests", "extension_reason", "r8"): "Volume des données à rassembler",
        ("rights_requests", "extension_months", "r4"): "2",
        ("rights_requests", "extension_reason", "r4"): "Demande complexe : archives papier",
        ("rights_requests", "refusals", "total"): "1",
        ("rights_requests", "refusal_reason", "r3"): "Identité du demandeur non établie",
        ("consents", "given", "quote_matching"): "3",
        ("consents", "withdrawn", "quote_matching"): "1",
        ("consents", "given", "newsletter"): "2",
        ("consents", "withdrawn", "newsletter"): "2",
        ("consents", "given", "commercial_partners"): "1",
        ("consents", "withdrawn", "commercial_partners"): "1",
        ("consents", "grants_to_confirm", "commercial_partners"): "2",
        ("breach_register", "incidents", "total"): "2",
        ("breach_register", "notified_to_cnil", "total"): "1",
        ("breach_register", "not_notified_to_cnil", "total"): "1",
        ("breach_register", "nature", "inc_exposed"): "Export non autorisé de la table des devis",
        ("breach_register", "remedial_action", "inc_exposed"): "Accès révoqués, clés changées",
        ("breach_register", "likely_consequences", "inc_exposed"): "Conséquences de inc_exposed",
        ("breach_register", "high_risk", "inc_exposed"): "yes",
        ("breach_register", "people_notified", "inc_exposed"): "12",
        ("breach_register", "cnil_reference", "inc_exposed"): "CNIL-2026-123",
        ("breach_register", "high_risk", "inc_encrypted"): "no",
        ("breach_register", "cnil_reference", "inc_encrypted"): "",
        ("retention", "runs", "total"): "4",
        ("retention", "days_without_run", "total"): "26",
        ("retention", "items_purged", "total"): "5",
        ("retention", "items_purged_on_time", "total"): "2",
        ("retention", "items_purged_late", "total"): "3",
        ("retention", "max_lag_days", "total"): "4",
        ("retention", "items_purged", "contact_requests"): "5",
        ("processors", "reviews_overdue", "total"): str(len(OVERDUE) + 1),
        **{("processors", "review_overdue", r.id): r.name_fr for r in OVERDUE},
        ("processors", "review_overdue", "commercial_partner:courtier-express"): "Courtier Express",
    }
    assert {key: rows.get(key) for key in expected} == expected
    assert not any(key[2] == "inc_october" for key in rows)
    assert not any("mutuelle" in key[2] for key in rows)

    assert main(["report", "--month", "2026-11"], transport) == 0
    text = capsys.readouterr().out
    for line in (
        "- Reçues dans le mois : 6",
        "- Répondues dans le mois : 5, dont dans les délais : 4 (80 %)",
        "médiane 16, 95e centile 41",
        "| r3 | rectification | Identité du demandeur non établie |",
        "| quote_matching | 3 | 1 | 0 |",
        "| commercial_partners | 1 | 1 | 2 |",
        "- Incidents déclarés dans le mois : 2 ; notifiés à la CNIL : 1 ; non notifiés : 1",
        "- Notification à la CNIL : le 2026-11-11T09:00:00Z, référence CNIL-2026-123",
        "- Risque : non élevé : Données chiffrées",
        "- Éléments purgés : 5, dont à temps : 2, en retard : 3 ; retard maximal : 4 jour(s)",
    ):
        assert line in text, line
    # Counts, ids, reasons and incident facts only: no address, no subject key, no operator.
    assert PERSON not in text and "key-" not in text and "alice" not in text

    # The route itself: CSV as asked, a malformed or future month refused, operators only.
    api = seeded_november.api
    operator = {"X-Local-Operator": "dpo"}
    answer = api.request("GET", "/v1/admin/reports/monthly?month=2026-11&format=csv", headers=operator)
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/csv")
    assert answer.body.startswith("section,figure,key,value\n")
    assert api.request("GET", "/v1/admin/reports/monthly?month=2000-01", headers=operator).status == 200
    for month in ("2026-13", "0000-01", "2027-01"):
        refused = api.request("GET", f"/v1/admin/reports/monthly?month={month}", headers=operator)
        assert refused.status == 422 and refused.headers["Content-Type"] == "application/problem+json"
    assert api.request("GET", "/v1/admin/reports/monthly?month=2026-11").status == 403

    # On the 1st, the schedule's function emails the previous month's report to the DPO.
    assert seeded_november.lambdas.invoke_by_name("dpo_report", {}) == {"month": "2026-11", "sent": True}

    [email] = wait_in(
        seeded_november,
        lambda: [e for e in seeded_november.outbox() if DPO_EMAIL in e["to"]] or None,
        "the DPO's report",
    )
    assert email["subject"] == "Rapport mensuel du DPO : 2026-11"
    assert "Répondues dans le mois : 5, dont dans les délais : 4 (80 %)" in email["text"]
    assert "non notifiés : 1" in email["text"] and PERSON not in email["text"]
