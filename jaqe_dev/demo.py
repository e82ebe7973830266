"""`make dev DEMO=1`: a demo on top of the seed, so that operators' views and `jaqe-ops` show
something at once. Everything goes through the API (the same handlers, workflows and emails as
real traffic); a request received weeks ago is registered by an operator with its receipt date
(post, phone), as the deadline runs from receipt.

- leads across trades, some with the newsletter consent; newsletter subscribers, one confirmed;
- rights requests: overdue and due within 7 days (awaiting the person's verification), one
  awaiting an operator's review (overdue), one completed, one refused, one received by email
  whose type an operator must qualify;
- an incident on today's leads, awaiting the operator's risk decision.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from jaqe_dev.apigw import OPERATOR_HEADER
from jaqe_dev.template import ROOT

T = TypeVar("T")
OPERATOR = {OPERATOR_HEADER: "demo"}
WAIT_SECONDS = 60
LEADS = (
    ("plomberie", "Fuite sous l'évier de la cuisine, à réparer rapidement.", "34000", "Montpellier"),
    ("electricite", "Mise aux normes du tableau électrique d'un appartement.", "34500", "Béziers"),
    ("toiture", "Tuiles déplacées après la tempête, vérification du toit.", "34200", "Sète"),
    ("peinture", "Peinture d'un séjour de 30 m2 et d'un couloir.", "34070", "Montpellier"),
    ("isolation", "Isolation des combles perdus d'une maison de 90 m2.", "34300", "Agde"),
    ("jardinage", "Taille de haies et entretien d'un jardin de 400 m2.", "34400", "Lunel"),
    ("chauffage", "Remplacement d'une chaudière gaz par une pompe à chaleur.", "34120", "Pézenas"),
)
PEOPLE = (
    "Camille Martin",
    "Lou Bernard",
    "Sasha Petit",
    "Alix Durand",
    "Noé Leroy",
    "Maël Moreau",
    "Eden Simon",
)
SUBSCRIBERS = ("lecture.newsletter@example.fr", "abonne.confirme@example.fr")


def seed_demo(stack: Any) -> dict[str, Any]:
    """Every request is submitted before any link is followed: the workflows (moto threads) run
    side by side, so the seed waits about as long as the slowest of them, not their sum."""
    from jaqe.platform import clock

    started = clock.now()
    leads = [_lead(stack, n, *lead) for n, lead in enumerate(LEADS)]
    window_end = clock.now()
    incident = {
        "nature": "Envoi par erreur de l'export des demandes de devis du jour à un prestataire",
        "data_categories": ["coordonnées", "projet"],
        "people_categories": ["demandeurs de devis"],
        "window_start": (started - timedelta(minutes=1)).isoformat(),
        "window_end": window_end.isoformat(),
        "aware_at": window_end.isoformat(),
        "likely_consequences": "Démarchage non sollicité",
        "measures_taken": "Le prestataire a confirmé la suppression du fichier",
    }
    declared = _call(stack, "POST", "/v1/admin/incidents", 202, incident, OPERATOR)["incident_id"]
    for address in SUBSCRIBERS:
        subscription = {"email": address, "policy_version": "2023-09"}
        _call(stack, "POST", "/v1/newsletter/subscriptions", 202, subscription)

    today = clock.now().date()
    overdue = _register(stack, "access", "acces.courrier@example.fr", "post", today - timedelta(days=40))
    due_soon = _register(
        stack, "erasure", "effacement.telephone@example.fr", "phone", today - timedelta(days=26)
    )
    rectification = {"corrections": {"last_name": "Martin-Roux"}}
    review = _register(stack, "rectification", _email(0), "post", today - timedelta(days=35), rectification)
    completed = _submit(stack, {"type": "access", "email": _email(1)})
    refused = _submit(
        stack, {"type": "rectification", "email": _email(2), "corrections": {"first_name": "Sacha"}}
    )
    unclear = (ROOT / "events" / "inbound_email" / "fr_unclear.eml").read_bytes()
    stack.receive_email(unclear)  # its type is for an operator to qualify

    _follow(stack, SUBSCRIBERS[1], "/v1/newsletter/confirm?")
    for n in range(3):
        _follow(stack, _email(n), "/verify?")
    _wait_for_status(stack, refused, "awaiting_operator")
    denial = {"decision": "deny", "reason": "Le prénom enregistré est celui que la personne a donné."}
    _call(stack, "POST", f"/v1/admin/rights-requests/{refused}/decision", 202, denial, OPERATOR)
    _wait_for_status(stack, review, "awaiting_operator")
    path = f"/v1/admin/incidents/{declared}"
    _wait(
        stack, lambda: _call(stack, "GET", path, 200, None, OPERATOR)["status"] == "awaiting_decision", path
    )
    return {
        "leads": leads,
        "rights_requests": {
            "overdue": overdue,
            "due_soon": due_soon,
            "awaiting_operator": review,
            "completed": completed,
            "refused": refused,
        },
        "incident": declared,
    }


def _email(n: int) -> str:
    first, last = PEOPLE[n].lower().split()
    return f"{first}.{last}@example.fr".replace("é", "e").replace("ë", "e")


def _lead(stack: Any, n: int, trade: str, description: str, postcode: str, city: str) -> str:
    first, last = PEOPLE[n].split()
    body = {
        "project": {
            "trade": trade,
            "description": description,
            "postcode": postcode,
            "city": city,
            "timeframe": "Dans le mois",
        },
        "contact": {
            "first_name": first,
            "last_name": last,
            "email": _email(n),
            "phone": f"06 12 34 56 {n:02d}",
        },
        "consents": {"partner_matching": True, "newsletter": n % 3 == 0, "commercial_partners": False},
        "policy_version": "2023-09",
    }
    return str(_call(stack, "POST", "/v1/quote-requests", 201, body)["request_id"])


def _register(
    stack: Any, kind: str, email: str, channel: str, received_on: Any, fields: dict[str, Any] | None = None
) -> str:
    body = {
        "type": kind,
        "email": email,
        "channel": channel,
        "received_on": received_on.isoformat(),
        **(fields or {}),
    }
    return str(_call(stack, "POST", "/v1/admin/rights-requests", 202, body, OPERATOR)["request_id"])


def _submit(stack: Any, request: dict[str, Any]) -> str:
    return str(_call(stack, "POST", "/v1/rights-requests", 202, request)["request_id"])


def _call(
    stack: Any, method: str, path: str, status: int, body: Any = None, headers: dict[str, str] | None = None
) -> Any:
    answer = stack.api.request(method, path, json_body=body, headers=headers)
    if answer.status != status:
        raise RuntimeError(
            f"demo seed: {method} {urlsplit(path).path} answered {answer.status}: {answer.body}"
        )
    return answer.json()


def _follow(stack: Any, email: str, marker: str) -> None:
    """POST the link of the latest email to `email` whose link contains `marker` (what its page's button does)."""

    def link() -> str | None:
        links = [link for e in stack.outbox() if email in e["to"] for link in e["links"] if marker in link]
        return links[-1] if links else None

    found = _wait(stack, link, f"an email to {email} with a {marker} link")
    parts = urlsplit(found)
    _call(stack, "POST", f"{parts.path}?{parts.query}", 200)


def _wait_for_status(stack: Any, request_id: str, status: str) -> None:
    path = f"/v1/admin/rights-requests/{request_id}?reason=d%C3%A9monstration"
    _wait(
        stack, lambda: _call(stack, "GET", path, 200, None, OPERATOR)["status"] == status, f"{path} {status}"
    )


def _wait(stack: Any, check: Callable[[], T | None], what: str) -> T:
    """`check()`'s first truthy answer, as workflows (moto threads) move on; the seed fails past WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise RuntimeError(f"demo seed: waited {WAIT_SECONDS} s for {what}")
        stack.lambdas.wait_for_activity(0.5)
