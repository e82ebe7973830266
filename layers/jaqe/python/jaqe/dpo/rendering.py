"""The monthly report as text, from its JSON form (`MonthlyReport.as_dict`): the API's markdown and
CSV answers, the DPO's email and `jaqe-ops report` (which renders the JSON it receives) share it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from jaqe.dpo.model import ReportFormat

Report = dict[str, Any]


def render(report: Report, report_format: ReportFormat) -> str:
    if report_format is ReportFormat.MARKDOWN:
        return markdown(report)
    if report_format is ReportFormat.CSV:
        return csv_text(report)
    raise ValueError(f"{report_format} is not a text format")


def _number(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "n/a"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{unit}"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    def line(cells: Sequence[Any]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    rows = list(rows)
    if not rows:
        return ["(aucun)"]
    return [line(header), line(["---"] * len(header)), *(line(r) for r in rows)]


def markdown(report: Report) -> str:
    rights, retention, breaches = report["rights_requests"], report["retention"], report["breach_summary"]
    out = [
        f"# Rapport mensuel du DPO : {report['month']}",
        "",
        f"Établi le {report['generated_at']}, à partir des index (comptes, identifiants, motifs et faits ; "
        "aucune donnée personnelle).",
        "",
        "## Demandes d'exercice des droits",
        "",
        f"- Reçues dans le mois : {rights['received']}",
        f"- Répondues dans le mois : {rights['answered']}, dont dans les délais : {rights['answered_on_time']} "
        f"({_number(rights['answered_on_time_pct'], ' %')})",
        f"- Jours de la réception à la réponse : médiane {_number(rights['days_to_answer_median'])}, "
        f"95e centile {_number(rights['days_to_answer_p95'])}",
        "- Closes sans réponse : "
        + (", ".join(f"{k} {v}" for k, v in rights["closed_unanswered"].items()) or "aucune"),
        "",
        "### Reçues par type",
        "",
        *_table(("type", "reçues"), rights["received_by_type"].items()),
        "",
        "### Reçues par canal",
        "",
        *_table(("canal", "reçues"), rights["received_by_channel"].items()),
        "",
        f"### Prolongations décidées dans le mois : {len(rights['extensions'])}",
        "",
        *_table(
            ("demande", "type", "mois", "motif", "décidée le"),
            (
                (e["request_id"], e["request_type"], e["months"], e["reason"], e["decided_at"])
                for e in rights["extensions"]
            ),
        ),
        "",
        f"### Refus dans le mois : {len(rights['refusals'])}",
        "",
        *_table(
            ("demande", "type", "motif", "close le"),
            ((r["request_id"], r["request_type"], r["reason"], r["closed_at"]) for r in rights["refusals"]),
        ),
        "",
        "## Consentements (registre des consentements)",
        "",
        *_table(
            ("finalité", "donnés", "retirés", "donnés sous réserve de confirmer l'adresse"),
            ((p, c["given"], c["withdrawn"], c["grants_to_confirm"]) for p, c in report["consents"].items()),
        ),
        "",
        "Les choix du bandeau cookies sont conservés par visiteur et ne figurent pas ici.",
        "",
        "## Registre des violations de données (art. 33.5 RGPD)",
        "",
        f"- Incidents déclarés dans le mois : {breaches['incidents']} ; notifiés à la CNIL : "
        f"{breaches['notified_to_cnil']} ; non notifiés : {breaches['not_notified_to_cnil']}",
    ]
    for incident in report["breach_register"]:
        out += ["", *_incident_lines(incident)]
    out += [
        "",
        "## Conservation",
        "",
        f"- Passages de la purge quotidienne : {retention['runs']} ; jours sans passage : {retention['days_without_run']}",
        f"- Éléments purgés : {retention['items_purged']}, dont à temps : {retention['items_purged_on_time']}, "
        f"en retard : {retention['items_purged_late']} ; retard maximal : {retention['max_lag_days']} jour(s)",
        "",
        *_table(("finalité", "purgés"), retention["purged_by_purpose"].items()),
        "",
        "## Sous-traitants et destinataires : revues en retard",
        "",
        *(f"- {r['name']} ({r['id']})" for r in report["overdue_reviews"]),
        *(() if report["overdue_reviews"] else ("(aucune)",)),
        "",
    ]
    return "\n".join(out)


def _incident_lines(incident: dict[str, Any]) -> list[str]:
    facts, effects = incident["facts"], incident["effects"]
    decision, cnil = incident["risk_decision"], incident["cnil_notification"]
    if decision is None:
        risk = "non décidé"
    else:
        risk = f"{'élevé' if decision['high_risk'] else 'non élevé'} : {decision['reason']}"
    if cnil is None:
        notified = f"non notifiée (échéance {incident['cnil_notification_due_by']})"
    else:
        notified = f"le {cnil['submitted_at']}, référence {cnil['reference']}"
        if cnil["late"]:
            notified += f" (après 72 heures : {cnil['delay_reasons']})"
    return [
        f"### {incident['incident_id']} (déclaré le {incident['declared_at']}, {incident['status']})",
        "",
        f"- Faits : {facts['nature']}",
        f"- Données : {', '.join(facts['data_categories'])} ; personnes : {', '.join(facts['people_categories'])}",
        f"- Période : {facts['window_start']} - {facts['window_end']} ; connue le {facts['aware_at']}",
        f"- Effets : {effects['likely_consequences']} ; personnes concernées : "
        f"{_number(effects['people_concerned'])}, informées : {_number(incident['people_notified'])}",
        f"- Mesures prises : {incident['remedial_action']}",
        f"- Risque : {risk}",
        f"- Notification à la CNIL : {notified}",
    ]


CSV_HEADER = ("section", "figure", "key", "value")


def csv_rows(report: Report) -> list[tuple[str, str, str, Any]]:
    """One figure a row: the section, the figure, what it counts (a type, a purpose, an id; `total`
    when nothing), its value."""
    rights, retention = report["rights_requests"], report["retention"]
    rows: list[tuple[str, str, str, Any]] = [
        ("rights_requests", "received", "total", rights["received"]),
        *(("rights_requests", "received_by_type", k, v) for k, v in rights["received_by_type"].items()),
        *(("rights_requests", "received_by_channel", k, v) for k, v in rights["received_by_channel"].items()),
        ("rights_requests", "answered", "total", rights["answered"]),
        ("rights_requests", "answered_on_time", "total", rights["answered_on_time"]),
        ("rights_requests", "answered_on_time_pct", "total", _number(rights["answered_on_time_pct"])),
        ("rights_requests", "days_to_answer_median", "total", _number(rights["days_to_answer_median"])),
        ("rights_requests", "days_to_answer_p95", "total", _number(rights["days_to_answer_p95"])),
        *(("rights_requests", "closed_unanswered", k, v) for k, v in rights["closed_unanswered"].items()),
        ("rights_requests", "extensions", "total", len(rights["extensions"])),
        *(
            ("rights_requests", "extension_months", e["request_id"], e["months"])
            for e in rights["extensions"]
        ),
        *(
            ("rights_requests", "extension_reason", e["request_id"], e["reason"])
            for e in rights["extensions"]
        ),
        ("rights_requests", "refusals", "total", len(rights["refusals"])),
        *(("rights_requests", "refusal_reason", r["request_id"], r["reason"]) for r in rights["refusals"]),
    ]
    for purpose_id, counts in report["consents"].items():
        rows += [
            ("consents", "given", purpose_id, counts["given"]),
            ("consents", "withdrawn", purpose_id, counts["withdrawn"]),
            ("consents", "grants_to_confirm", purpose_id, counts["grants_to_confirm"]),
        ]
    rows += [("breach_register", name, "total", value) for name, value in report["breach_summary"].items()]
    for incident in report["breach_register"]:
        key = incident["incident_id"]
        facts, effects, cnil = incident["facts"], incident["effects"], incident["cnil_notification"]
        decision = incident["risk_decision"] or {}
        rows += [
            ("breach_register", "declared_at", key, incident["declared_at"]),
            ("breach_register", "status", key, incident["status"]),
            ("breach_register", "nature", key, facts["nature"]),
            ("breach_register", "data_categories", key, "; ".join(facts["data_categories"])),
            ("breach_register", "people_categories", key, "; ".join(facts["people_categories"])),
            ("breach_register", "likely_consequences", key, effects["likely_consequences"]),
            ("breach_register", "people_concerned", key, _number(effects["people_concerned"])),
            ("breach_register", "remedial_action", key, incident["remedial_action"]),
            ("breach_register", "high_risk", key, _yes_no(decision.get("high_risk"))),
            ("breach_register", "people_notified", key, _number(incident["people_notified"])),
            ("breach_register", "cnil_notified_at", key, cnil["submitted_at"] if cnil else ""),
            ("breach_register", "cnil_reference", key, cnil["reference"] if cnil else ""),
        ]
    rows += [
        ("retention", "runs", "total", retention["runs"]),
        ("retention", "days_without_run", "total", retention["days_without_run"]),
        ("retention", "items_purged", "total", retention["items_purged"]),
        ("retention", "items_purged_on_time", "total", retention["items_purged_on_time"]),
        ("retention", "items_purged_late", "total", retention["items_purged_late"]),
        ("retention", "max_lag_days", "total", retention["max_lag_days"]),
        *(("retention", "items_purged", k, v) for k, v in retention["purged_by_purpose"].items()),
        ("processors", "reviews_overdue", "total", len(report["overdue_reviews"])),
        *(("processors", "review_overdue", r["id"], r["name"]) for r in report["overdue_reviews"]),
    ]
    return rows


def csv_text(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(report))
    return buffer.getvalue()
