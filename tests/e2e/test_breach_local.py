"""The breach response in `make dev` (issue 8's "done when"): an incident on the leads of one week
finds exactly those people, the CNIL draft is due 72 hours after awareness, and once the high
risk is confirmed each of them has an email in /_local/outbox."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.conftest import Client

QUOTE = json.loads(
    json.loads((Path(__file__).parents[2] / "events/quote_requests/post_valid.json").read_text())["body"]
)
OPERATOR = {"X-Local-Operator": "dpo"}


def ask_quote(client: Client, email: str) -> None:
    body = {**QUOTE, "contact": {**QUOTE["contact"], "email": email}}
    status, answer = client.call("POST", "/v1/quote-requests", body)
    assert status == 201, answer


def travel(client: Client, days: float) -> datetime:
    _, now = client.call("POST", "/_local/clock", {"advance_days": days})
    return datetime.fromisoformat(now["now"])


def wait_for(client: Client, incident_id: str, status: str) -> dict[str, Any]:
    def reached() -> dict[str, Any] | None:
        _, view = client.call("GET", f"/v1/admin/incidents/{incident_id}", headers=OPERATOR)
        return dict(view) if view["status"] == status else None

    return client.wait_until(reached, f"incident {incident_id} {status}")


def test_c5_02_a_breach_on_one_weeks_leads_in_make_dev(server):
    client, _ = server
    ask_quote(client, "semaine.avant@example.org")
    week = travel(client, 7)
    ask_quote(client, "semaine.un@example.org")
    ask_quote(client, "semaine.deux@example.org")
    aware = travel(client, 7)
    ask_quote(client, "semaine.apres@example.org")
    try:
        incident = {
            "nature": "Accès non autorisé à l'export des demandes d'une semaine",
            "data_categories": ["coordonnées", "projet"],
            "people_categories": ["demandeurs de devis"],
            "window_start": (week - timedelta(days=1)).isoformat(),
            "window_end": (week + timedelta(days=1)).isoformat(),
            "aware_at": aware.isoformat(),
            "likely_consequences": "Hameçonnage",
            "measures_taken": "Accès révoqué",
        }
        status, declared = client.call("POST", "/v1/admin/incidents", incident, headers=OPERATOR)
        assert status == 202, declared

        view = wait_for(client, declared["incident_id"], "awaiting_decision")
        assert view["people_concerned"] == 2
        assert view["cnil_draft"]["notification_due_by"] == (aware + timedelta(hours=72)).isoformat()

        decision = {"high_risk": True, "reason": "Coordonnées exposées"}
        path = f"/v1/admin/incidents/{declared['incident_id']}/decision"
        assert client.call("POST", path, decision, headers=OPERATOR)[0] == 202
        assert wait_for(client, declared["incident_id"], "closed")["people_notified"] == 2
        _, outbox = client.call("GET", "/_local/outbox")
        told = sorted(e["to"][0] for e in outbox if "sécurité de vos données" in e["subject"])
        assert told == ["semaine.deux@example.org", "semaine.un@example.org"]
    finally:
        travel(client, -14)
