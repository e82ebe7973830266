"""The data map (`docs/data-map.md`): how personal data comes in, where it is kept and who receives it.

Generated from the register (purposes, retention, recipients) and the data inventory (stores), so it
says what the code does; CI fails when the committed page differs (`make data-map` rewrites it).

    python -m jaqe.privacy.data_map > docs/data-map.md
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from jaqe.privacy.inventory import INVENTORY, StoreKind, where_for
from jaqe.privacy.register import (
    PURPOSES,
    RECIPIENTS,
    Anchor,
    Purpose,
    PurposeId,
    RecipientKind,
    Retention,
)


@dataclass(frozen=True)
class Channel:
    """A way personal data comes in, and the purposes it is collected for there."""

    id: str
    name_fr: str
    purposes: tuple[PurposeId, ...]


CHANNELS: tuple[Channel, ...] = (
    Channel(
        "quote_form",
        "Formulaire de demande de devis (Site, sites partenaires)",
        (
            PurposeId.QUOTE_MATCHING,
            PurposeId.SIMILAR_SERVICES_EMAILS,
            PurposeId.COMMERCIAL_PARTNERS,
            PurposeId.CONSENT_PROOFS,
        ),
    ),
    Channel(
        "professional_app",
        "Inscription et application des professionnels",
        (PurposeId.PROFESSIONAL_LISTING,),
    ),
    Channel(
        "newsletter_form", "Inscription à la newsletter", (PurposeId.NEWSLETTER, PurposeId.CONSENT_PROOFS)
    ),
    Channel("contact", "Formulaire de contact et email à support@", (PurposeId.CONTACT_REQUESTS,)),
    Channel(
        "cookie_banner",
        "Bandeau cookies et navigation",
        (PurposeId.TECHNICAL_COOKIES, PurposeId.AUDIENCE_MEASUREMENT, PurposeId.ADVERTISING),
    ),
    Channel("site_requests", "Requêtes au Site et à l'API", (PurposeId.SERVER_LOGS,)),
    Channel(
        "rights",
        "Formulaire « Mes données », email à privacy@, courrier et téléphone (saisis par un opérateur)",
        (
            PurposeId.RIGHTS_REQUESTS,
            PurposeId.POST_MORTEM_DIRECTIVES,
            PurposeId.SUPPRESSION_LIST,
            PurposeId.LEGAL_HOLDS,
        ),
    ),
    Channel(
        "operators",
        "Console des opérateurs et du DPO",
        (PurposeId.INCIDENT_RECORDS, PurposeId.LEGAL_HOLDS, PurposeId.ACCESS_TRAIL),
    ),
)

# Cookies live in the person's browser: their providers receive what the tags collect there, not
# anything from our stores (which keep only the banner's choice).
BROWSER = "browser"
_KIND_LABELS = {
    StoreKind.TABLE: "table DynamoDB",
    StoreKind.BUCKET: "bucket S3",
    StoreKind.QUEUE: "file SQS",
    StoreKind.STATE_MACHINE: "Step Functions",
    StoreKind.USER_POOL: "Cognito",
    StoreKind.LOG_GROUP: "CloudWatch Logs",
    StoreKind.BACKUP: "sauvegarde",
}
_AFTER = {
    Anchor.LAST_CONTACT: "après le dernier contact",
    Anchor.COOKIE_PLACEMENT: "après le dépôt du cookie",
    Anchor.LAST_MESSAGE: "après le dernier message",
    Anchor.RECEIPT: "après la demande",
    Anchor.EVENT: "après l'événement",
}


def retention_label(retention: Retention) -> str:
    """A retention in a few words, for an arrow."""
    if retention.period is None:
        return retention.text_fr
    if retention.anchor is Anchor.DELISTING:
        return f"référencement + {retention.period.describe_fr()}"
    if retention.open_ended_until_anchor:
        return f"tant que la mesure dure, puis {retention.period.describe_fr()}"
    return f"{retention.period.describe_fr()} {_AFTER[retention.anchor]}"


def _stores_of(p: Purpose) -> list[str]:
    """Where a purpose's data is first kept (backups come from the table, on their own arrow)."""
    stores = [s for s in where_for(p.id) if INVENTORY[s].kind is not StoreKind.BACKUP]
    return [BROWSER, *stores] if p.is_cookie and p.needs_consent else stores


def _sources_for(p: Purpose, recipient_id: str) -> list[str]:
    if RECIPIENTS[recipient_id].kind is RecipientKind.COOKIE_PROVIDER:
        return [BROWSER]
    return [s for s in _stores_of(p) if s != BROWSER]


def _store_label(store_id: str) -> str:
    if store_id == BROWSER:
        return "Navigateur de la personne (cookies)"
    s = INVENTORY[store_id]
    return f"{store_id} ({_KIND_LABELS[s.kind]})"


def edges() -> dict[tuple[str, str], list[str]]:
    """Every arrow (from, to) with its labels: channel -> store -> recipient, and table -> backups."""
    arrows: dict[tuple[str, str], list[str]] = {}

    def arrow(source: str, target: str, label: str) -> None:
        labels = arrows.setdefault((source, target), [])
        if label not in labels:
            labels.append(label)

    for channel in CHANNELS:
        for purpose_id in channel.purposes:
            p = PURPOSES[purpose_id]
            for store_id in _stores_of(p):
                arrow(f"ch_{channel.id}", f"st_{store_id}", f"{p.name_fr} : {retention_label(p.retention)}")
    for p in PURPOSES.values():
        for recipient_id in p.recipients:
            for store_id in _sources_for(p, recipient_id):
                arrow(f"st_{store_id}", f"rc_{recipient_id}", f"{p.name_fr} : {retention_label(p.retention)}")
    for backup in (s for s in INVENTORY.values() if s.kind is StoreKind.BACKUP):
        arrow("st_data_table", f"st_{backup.id}", backup.retention)
    return arrows


def _node(node_id: str, label: str) -> str:
    return f'    {node_id}["{label.replace(chr(34), "#quot;")}"]'


def mermaid() -> str:
    arrows = edges()
    used = {node for pair in arrows for node in pair}
    stores = [BROWSER, *INVENTORY]
    lines = ["flowchart LR", '  subgraph entrees["Entrées"]']
    lines += [_node(f"ch_{c.id}", c.name_fr) for c in CHANNELS]
    lines += ["  end", '  subgraph stockage["Stockage (Union européenne)"]']
    lines += [_node(f"st_{s}", _store_label(s)) for s in stores if f"st_{s}" in used]
    lines += ["  end", '  subgraph destinataires["Destinataires"]']
    lines += [_node(f"rc_{r.id}", r.name_fr) for r in RECIPIENTS.values() if f"rc_{r.id}" in used]
    lines += ["  end"]
    for (source, target), labels in arrows.items():
        label = "<br/>".join(labels).replace('"', "#quot;")
        lines.append(f'  {source} -- "{label}" --> {target}')
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render() -> str:
    rows = []
    for channel in CHANNELS:
        for purpose_id in channel.purposes:
            p = PURPOSES[purpose_id]
            rows.append(
                "| "
                + " | ".join(
                    _cell(c)
                    for c in (
                        channel.name_fr,
                        p.name_fr,
                        ", ".join(_store_label(s) for s in _stores_of(p)),
                        p.retention.text_fr,
                        " ; ".join(RECIPIENTS[r].name_fr for r in p.recipients),
                    )
                )
                + " |"
            )
    return "\n".join(
        [
            "# Data map",
            "",
            "Generated by `make data-map` from the processing register (`jaqe/privacy/register.py`) and the",
            "data inventory (`jaqe/privacy/inventory.py`); CI fails when this page is stale. Each arrow goes from",
            "a way data comes in, through the store that keeps it, to whoever receives it, and says how long",
            "it is kept there. Every store is in the EU (AWS, eu-west-3 and eu-west-1 for inbound mail).",
            "",
            "```mermaid",
            mermaid(),
            "```",
            "",
            "## The same, as a table",
            "",
            "| Entrée | Finalité | Stockage | Conservation | Destinataires |",
            "|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


if __name__ == "__main__":
    sys.stdout.write(render())
