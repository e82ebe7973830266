"""Seeded professionals for `make dev`: one approved, insured professional per trade in Hérault (34).

Each goes through the same path as a real one, over the local API: registration (the handler and
the domain use case; its id read from the login it created, as the API answers only "received"),
a permanent password set for the demo, an insurance certificate uploaded with the presigned POST
and checked by the document-check function, an operator's acceptance of that certificate, an
operator's approval.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3

from jaqe_dev.apigw import OPERATOR_HEADER
from jaqe_dev.provision import REGION

DEPARTEMENT = "34"
SEED_PASSWORD = "Demo-Pro-34!"  # noqa: S105 - demo login of the local stack, printed by make dev
DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def seed_email(trade: str) -> str:
    return f"pro.{trade}@example.fr"


def demo_siret(n: int) -> str:
    """The head office (NIC 0001 and its key) of a made-up SIREN 9nnnnnnn + key: both keys valid."""
    from stdnum import luhn

    siren = f"9{n:07d}"
    siren += luhn.calc_check_digit(siren)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


def seed_professionals(stack: Any) -> list[str]:
    import requests
    from jaqe.platform import clock
    from jaqe.platform.trades import TRADES

    from jaqe_dev.cognito import login

    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool_id = stack.provisioned.names[next(iter(stack.stack.of_type("AWS::Cognito::UserPool")))]
    seeded = []
    for n, (trade, label) in enumerate(TRADES.items(), start=1):
        email = seed_email(trade)
        registration = {
            "company_name": f"{label} Démo Hérault",
            "siret": demo_siret(n),
            "contact": {
                "first_name": "Démo",
                "last_name": label,
                "email": email,
                "phone": f"04 67 00 00 {n:02d}",
            },
            "trades": [trade],
            "service_areas": [DEPARTEMENT],
            "certifications": ["RGE"] if trade in ("isolation", "chauffage") else [],
            "terms_version": "2023-09",
        }
        answer = stack.api.request("POST", "/v1/professionals", json_body=registration)
        if answer.status != 202:
            raise RuntimeError(f"seeding {trade} failed: {answer.status} {answer.body}")
        user = cognito.admin_get_user(UserPoolId=pool_id, Username=email)
        pro_id = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "custom:pro_id")
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=email, Password=SEED_PASSWORD, Permanent=True
        )
        auth = {"Authorization": login(stack.provisioned, email, SEED_PASSWORD)["id_token"]}
        valid_until = (clock.now().date() + timedelta(days=365)).isoformat()
        document = {
            "kind": "insurance",
            "content_type": "application/pdf",
            "size": len(DEMO_PDF),
            "expires_on": valid_until,
        }
        requested = stack.api.request("POST", "/v1/pro/me/documents", json_body=document, headers=auth).json()
        upload = requested["upload"]
        requests.post(
            upload["url"], data=upload["fields"], files={"file": ("assurance.pdf", DEMO_PDF)}, timeout=30
        )
        operator = {OPERATOR_HEADER: "seed"}
        decision = {"decision": "accept", "expires_on": valid_until}
        path = f"/v1/admin/professionals/{pro_id}/documents/{requested['document_id']}/decision"
        accepted = stack.api.request("POST", path, json_body=decision, headers=operator)
        if accepted.status != 200:
            raise RuntimeError(
                f"accepting seeded {trade}'s insurance failed: {accepted.status} {accepted.body}"
            )
        approval = stack.api.request("POST", f"/v1/admin/professionals/{pro_id}/approve", headers=operator)
        if approval.status != 200:
            raise RuntimeError(f"approving seeded {trade} failed: {approval.status} {approval.body}")
        seeded.append(pro_id)
    return seeded


def login_help(base: str) -> str:
    email = seed_email("plomberie")
    return "\n".join(
        [
            f"Professionals' app: one approved professional per trade in Hérault ({DEPARTEMENT}), "
            f"logins pro.<trade>@example.fr, password {SEED_PASSWORD}. Get an ID token and call the app API:",
            f'  TOKEN=$(curl -s -X POST {base}/_local/login -d \'{{"email": "{email}", "password": "{SEED_PASSWORD}"}}\' '
            "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"id_token\"])')",
            f'  curl -s {base}/v1/pro/me -H "Authorization: $TOKEN"',
            "  A newly registered professional: the reference and temporary password are in the invitation "
            'email (outbox); add "new_password" to the /_local/login body on the first login. An uploaded '
            "insurance certificate counts once an operator accepts it: "
            "jaqe-ops professionals documents list / accept <pro_id> <doc_id> --expires-on YYYY-MM-DD.",
            f"Operators' API (IAM in AWS): add -H '{OPERATOR_HEADER}: <your name>' to /v1/admin/... calls.",
        ]
    )
