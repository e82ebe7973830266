"""One person in every store, in the shapes other slices write (the contract), for the rights tests."""

from __future__ import annotations

from typing import Any

import boto3
from jaqe.platform import clock
from jaqe.privacy.register import PurposeId, purpose

PERSON = {
    "email": "camille.durand@example.fr",
    "first_name": "Camille",
    "last_name": "Durandeau",
    "phone": "+33612345678",
}
PROS = {
    "pro_a": "contact@plomberie-a.example.fr",
    "pro_b": "devis@renov-b.example.fr",
}


def expiry(purpose_id: PurposeId) -> dict[str, Any]:
    expires = purpose(purpose_id).expires_at(clock.now())
    return {"expires_at": expires} if expires else {}


def base(subject_key: str, purpose_id: PurposeId) -> dict[str, Any]:
    return {
        "subject_key": subject_key,
        "purpose": purpose_id.value,
        "created_at": clock.now().isoformat(),
        **expiry(purpose_id),
    }


def seed_professionals(rights: Any) -> None:
    """The professionals who received the lead (other people, with their own subject keys)."""
    for pro_id, email in PROS.items():
        rights.put(
            {
                "pk": f"PRO#{pro_id}",
                "sk": "PROFILE",
                "item_type": "professional",
                "company_name": f"Entreprise {pro_id}",
                "siret": "88353619500011",
                "contact": {"first_name": "Pat", "last_name": "Pro", "email": email, "phone": "+33499000000"},
                "status": "approved",
                "listed": True,
                **base(rights.subject_key(email), PurposeId.PROFESSIONAL_LISTING),
            }
        )


def seed_person(rights: Any, *, pro_status: str = "approved") -> dict[str, str]:
    """Lead + two disclosures, contact message, newsletter, consents, flags, a professional profile with a document."""
    key = rights.subject_key(PERSON["email"])
    contact = {k: PERSON[k] for k in ("first_name", "last_name", "email", "phone")}
    rights.put(
        {
            "pk": "LEAD#lead1",
            "sk": "LEAD",
            "item_type": "lead",
            "lead_id": "lead1",
            "contact": contact,
            "project": {
                "trade": "plomberie",
                "postcode": "34000",
                "description": "Fuite chez Camille Durandeau",
            },
            "source_site": "jaqe.fr",
            **base(key, PurposeId.QUOTE_MATCHING),
        }
    )
    for pro_id in PROS:
        rights.put(
            {
                "pk": "LEAD#lead1",
                "sk": f"DISCLOSURE#{pro_id}",
                "item_type": "disclosure",
                "pro_id": pro_id,
                "disclosed_at": clock.now().isoformat(),
                "shared": {**contact, "trade": "plomberie"},
                **base(key, PurposeId.QUOTE_MATCHING),
            }
        )
    rights.put(
        {
            "pk": "CONTACT#msg1",
            "sk": "MESSAGE",
            "item_type": "contact_message",
            "message_id": "msg1",
            "name": f"{PERSON['first_name']} {PERSON['last_name']}",
            "email": PERSON["email"],
            "phone": PERSON["phone"],
            "subject": "Question",
            "message": "Bonjour, je suis Camille Durandeau.",
            **base(key, PurposeId.CONTACT_REQUESTS),
        }
    )
    rights.put(
        {
            "pk": f"NEWSLETTER#{key}",
            "sk": "SUBSCRIPTION",
            "item_type": "newsletter_subscription",
            "email": PERSON["email"],
            "status": "confirmed",
            **base(key, PurposeId.NEWSLETTER),
        }
    )
    for purpose_id in (PurposeId.NEWSLETTER, PurposeId.QUOTE_MATCHING):
        rights.put(
            {
                "pk": f"SUBJECT#{key}",
                "sk": f"CONSENT#{purpose_id.value}#{clock.now().isoformat()}#c1",
                "item_type": "consent_event",
                "consent_purpose": purpose_id.value,
                "granted": True,
                "policy_version": "2023-09",
                "channel": "web",
                "occurred_at": clock.now().isoformat(),
                "wording_hash": "ab" * 32,
                "source": "jaqe.fr",
                **base(key, PurposeId.CONSENT_PROOFS),
            }
        )
    rights.put(
        {
            "pk": f"SUBJECT#{key}",
            "sk": "FLAGS",
            "item_type": "subject_flags",
            **base(key, PurposeId.SUPPRESSION_LIST),
        }
    )
    documents = rights.documents_bucket
    boto3.client("s3").put_object(
        Bucket=documents, Key="pro/pro_self/kbis.pdf", Body=b"%PDF Camille Durandeau"
    )
    rights.put(
        {
            "pk": "PRO#pro_self",
            "sk": "PROFILE",
            "item_type": "professional",
            "company_name": "Durandeau Plomberie",
            "siret": "88353619500029",
            "contact": contact,
            "status": pro_status,
            "listed": pro_status != "delisted",
            **base(key, PurposeId.PROFESSIONAL_LISTING),
        }
    )
    rights.put(
        {
            "pk": "PRO#pro_self",
            "sk": "DOC#kbis",
            "item_type": "professional_document",
            "s3_key": "pro/pro_self/kbis.pdf",
            "filename": "kbis-durandeau.pdf",
            **base(key, PurposeId.PROFESSIONAL_LISTING),
        }
    )
    return {"subject_key": key}
