"""Professionals' documents (C3-05): certifications, insurance (décennale), Kbis.

Upload: the app asks for a presigned POST (15 minutes, one key per requested document, never
reissued: `professionals/<pro_id>/<doc_id>`, PDF / JPEG / PNG, at most 10 MB). S3 does not run
our code on upload, and the policy conditions are only as good as S3's enforcement, so the real
guard is `check_upload`, run on every ObjectCreated event: it reads the object's size and first
bytes, and a file that is too big, empty or not what it claims to be is deleted (that version,
permanently) and recorded as rejected.

Review: a document that counts (insurance, certification) then awaits an operator
(`pending_review`); only the operator's acceptance makes it count, and the insurance cover is the
date the operator read on the certificate, never the one the professional declared. A Kbis
counts for nothing and is accepted on its content check.

Pinning: the first checked version of a key is the document (`version_id`). Any later upload to
the same key (the presigned POST stays usable for 15 minutes) is deleted when checked, so the
pinned version stays the current one, out of reach of the bucket's rule that deletes
noncurrent versions after a day; an operator's acceptance checks that again.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import date, timedelta
from typing import Any

from jaqe.platform import clock
from jaqe.platform.cursors import encode_cursor, read_cursor
from jaqe.platform.errors import Conflict, InvalidInput, NotFound
from jaqe.platform.ids import new_id
from jaqe.platform.mail import Mailer
from jaqe.platform.objects import DOCUMENTS_PREFIX, ObjectStore
from jaqe.platform.observability import logger
from jaqe.platform.store import SEGMENT_INDEX, Item, Store, query_index_page, transact_actions
from jaqe.platform.templates import professional_document_decided
from jaqe.professionals.insurance import record_insurance
from jaqe.professionals.model import (
    MAX_BYTES,
    REVIEWED_KINDS,
    DocumentDecisionIn,
    DocumentIn,
    DocumentKind,
    DocumentStatus,
    Status,
)
from jaqe.professionals.records import (
    PROFILE_SK,
    REVIEW_SEGMENT,
    document,
    document_outcome,
    documents_of,
    load_profile,
    new_document,
)

UPLOAD_SECONDS = 15 * 60
MAX_DOCUMENTS = 20
# A requested upload that never arrives is forgotten after a day.
PENDING_UPLOAD_LIFETIME = timedelta(days=1)
_KEY = re.compile(rf"^{re.escape(DOCUMENTS_PREFIX)}(pro_[0-9a-f]{{32}})/(doc_[0-9a-f]{{32}})$")

_MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
SNIFF_BYTES = 16
# An operator's download link: long enough to open the file, too short to be passed around.
DOWNLOAD_SECONDS = 5 * 60
_QUEUE_CURSOR_KEYS = {"pk", "sk", "segment", "created_at"}


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, or None (executables, text, anything else)."""
    for content_type, signatures in _MAGIC.items():
        if any(head.startswith(s) for s in signatures):
            return content_type
    return None


def document_key(pro_id: str, doc_id: str) -> str:
    return f"{DOCUMENTS_PREFIX}{pro_id}/{doc_id}"


def upload_conditions(pro_id: str, content_type: str) -> list[Any]:
    """What S3 enforces on the POST (boto3 adds the bucket and the exact key)."""
    return [
        ["starts-with", "$key", f"{DOCUMENTS_PREFIX}{pro_id}/"],
        {"Content-Type": content_type},
        ["content-length-range", 1, MAX_BYTES],
    ]


def request_upload(
    store: Store, objects: ObjectStore, bucket: str, pro_id: str, data: DocumentIn
) -> dict[str, Any]:
    profile = load_profile(store, pro_id)
    if profile["status"] == Status.DELISTED:
        raise Conflict("Ce profil est déréférencé : il n'accepte plus de documents.")
    if data.expires_on is not None:
        if data.kind != DocumentKind.INSURANCE:
            raise InvalidInput(
                "Seule une attestation d'assurance porte une date de fin de validité.",
                errors=[{"field": "expires_on", "message": "réservé au type insurance"}],
            )
        if data.expires_on < clock.now().date():
            raise InvalidInput(
                "Cette attestation d'assurance est déjà expirée.",
                errors=[{"field": "expires_on", "message": "date passée"}],
            )
    if len(documents_of(store, pro_id)) >= MAX_DOCUMENTS:
        raise Conflict(f"{MAX_DOCUMENTS} documents au plus par professionnel.")
    doc_id = new_id("doc")
    key = document_key(pro_id, doc_id)
    now = clock.now()
    fields: Item = {
        "kind": data.kind.value,
        "content_type": data.content_type,
        "declared_size": data.size,
        "s3_key": key,
        "status": "pending_upload",
        "requested_at": now.isoformat(),
    }
    item = new_document(profile, doc_id, fields, clock.epoch(now + PENDING_UPLOAD_LIFETIME))
    if data.expires_on:
        item["declared_expires_on"] = data.expires_on.isoformat()
    store.put_new(item)
    upload = objects.upload_form(
        bucket,
        key,
        fields={"Content-Type": data.content_type},
        conditions=upload_conditions(pro_id, data.content_type),
        expires_in=UPLOAD_SECONDS,
    )
    logger.info("document upload requested", extra={"pro_id": pro_id, "doc_id": doc_id})
    return {
        "document_id": doc_id,
        "status": "pending_upload",
        "upload": upload,
        "expires_in": UPLOAD_SECONDS,
        "max_size": MAX_BYTES,
    }


def document_view(item: Item) -> dict[str, Any]:
    view = {
        "document_id": item["doc_id"],
        "kind": item["kind"],
        "content_type": item["content_type"],
        "status": item["status"],
        "requested_at": item["requested_at"],
    }
    for optional in (
        "declared_expires_on",
        "expires_on",
        "checked_at",
        "rejection_reason",
        "decided_at",
        "decision_reason",
    ):
        if item.get(optional):
            view[optional] = item[optional]
    if item.get("size") is not None:
        view["size"] = int(item["size"])
    return view


def list_documents(store: Store, pro_id: str) -> list[dict[str, Any]]:
    load_profile(store, pro_id)
    docs = sorted(documents_of(store, pro_id), key=lambda d: d["requested_at"], reverse=True)
    return [document_view(d) for d in docs]


def check_upload(
    store: Store, objects: ObjectStore, bucket: str, key: str, version_id: str | None = None
) -> str:
    """Checks one uploaded object; returns what happened: pending_review, accepted, rejected,
    replacement (a later upload to a key already used: deleted), stray (deleted) or gone."""
    head = objects.head(bucket, key, version_id)
    if head is None:
        return "gone"  # a replayed event for an object already deleted
    version_id = version_id or head.get("VersionId")
    match = _KEY.match(key)
    doc = document(store, match.group(1), match.group(2)) if match else None
    if match is None or doc is None:
        objects.delete_version(bucket, key, version_id)
        logger.warning("stray upload deleted", extra={"s3_key": key})
        return "stray"
    pro_id = match.group(1)
    if doc["status"] != DocumentStatus.PENDING_UPLOAD:
        return _refuse_replacement(objects, bucket, pro_id, doc, version_id)

    size = int(head["ContentLength"])
    reason: str | None = None
    if size > MAX_BYTES:
        reason = "too_large"
    elif size == 0:
        reason = "empty"
    else:
        if sniff(objects.read_start(bucket, key, SNIFF_BYTES, version_id)) != doc["content_type"]:
            reason = "content_mismatch"

    now = clock.now().isoformat()
    if reason:
        # The uploaded version itself: in a versioned bucket a plain delete only hides it.
        objects.delete_version(bucket, key, version_id)
        # Conflict: another upload to the same key was checked first, and stays the document.
        with suppress(Conflict):
            _settle(
                store, pro_id, doc, DocumentStatus.REJECTED, {"rejection_reason": reason, "checked_at": now}
            )
        logger.info("document rejected", extra={"pro_id": pro_id, "doc_id": doc["doc_id"], "reason": reason})
        return "rejected"
    status = DocumentStatus.PENDING_REVIEW if doc["kind"] in REVIEWED_KINDS else DocumentStatus.ACCEPTED
    try:
        _settle(store, pro_id, doc, status, {"size": size, "checked_at": now, "version_id": version_id})
    except Conflict:  # another upload to the same key was checked first: it is the document
        return _refuse_replacement(objects, bucket, pro_id, doc, version_id)
    logger.info("document checked", extra={"pro_id": pro_id, "doc_id": doc["doc_id"], "status": status})
    return status.value


def _refuse_replacement(
    objects: ObjectStore, bucket: str, pro_id: str, doc: Item, version_id: str | None
) -> str:
    """A document is the first version checked: a later upload to its key never replaces it."""
    pinned = doc.get("version_id")
    if pinned and pinned == version_id:
        return "gone"  # a replayed event for the pinned version itself: nothing to do
    objects.delete_version(bucket, doc["s3_key"], version_id)
    logger.warning(
        "replacement of a checked document deleted", extra={"pro_id": pro_id, "doc_id": doc["doc_id"]}
    )
    return "replacement"


def keep_pinned(objects: ObjectStore, bucket: str, doc: Item) -> bool:
    """Deletes every version of the document's key but the pinned one, so that the pinned version
    is the current one (the bucket deletes noncurrent versions after a day). False when the pinned
    version itself is gone."""
    versions = objects.version_ids(bucket, doc["s3_key"])
    for version in versions:
        if version != doc["version_id"]:
            objects.delete_version(bucket, doc["s3_key"], version)
    return doc["version_id"] in versions


def _settle(store: Store, pro_id: str, doc: Item, status: DocumentStatus, fields: dict[str, Any]) -> None:
    """The content check's outcome; the document's expiry now follows its owner's."""
    transact_actions(store, [document_outcome(load_profile(store, pro_id), doc, status, fields)])


# --- operators' review ---------------------------------------------------------------------------


def _reviewed_document(store: Store, pro_id: str, doc_id: str) -> tuple[Item, Item]:
    profile = load_profile(store, pro_id)
    doc = document(store, pro_id, doc_id)
    if doc is None:
        raise NotFound("Aucun justificatif ne correspond à cet identifiant.")
    return profile, doc


def review_item(profile: Item, doc: Item) -> dict[str, Any]:
    """A document as an operator sees it in the queue (no contact data)."""
    return {
        "professional_id": profile["pro_id"],
        "company_name": profile["company_name"],
        "siret": profile["siret"],
        **document_view(doc),
    }


def list_awaiting_review(store: Store, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """Documents awaiting an operator, oldest upload request first (index by_segment)."""
    start = read_cursor(cursor, _QUEUE_CURSOR_KEYS) if cursor else None
    if start and start["segment"] != REVIEW_SEGMENT:
        raise InvalidInput("Ce curseur appartient à une autre liste.")
    items, last = query_index_page(
        store, SEGMENT_INDEX, "segment", REVIEW_SEGMENT, limit=limit, start_key=start
    )
    documents = []
    profiles: dict[str, Item | None] = {}  # one read per professional, however many documents they await
    for doc in items:
        if doc["pk"] not in profiles:
            profiles[doc["pk"]] = store.get(doc["pk"], PROFILE_SK)
        profile = profiles[doc["pk"]]
        if profile is not None and doc.get("item_type") == "professional_document":
            documents.append(review_item(profile, doc))
    return {
        "status": DocumentStatus.PENDING_REVIEW.value,
        "documents": documents,
        "next_cursor": encode_cursor(last) if last else None,
    }


def download(store: Store, objects: ObjectStore, bucket: str, pro_id: str, doc_id: str) -> dict[str, Any]:
    """A short-lived link to the checked version of a document (the one a decision is about)."""
    profile, doc = _reviewed_document(store, pro_id, doc_id)
    if doc["status"] not in (DocumentStatus.PENDING_REVIEW, DocumentStatus.ACCEPTED) or not doc.get(
        "version_id"
    ):
        raise Conflict(f"Ce justificatif n'a pas de fichier à consulter (statut : {doc['status']}).")
    return {
        **review_item(profile, doc),
        # Whose document it is (pseudonymous): the access trail files the read under it.
        "subject_key": profile["subject_key"],
        "download_url": objects.download_url(bucket, doc["s3_key"], doc["version_id"], DOWNLOAD_SECONDS),
        "download_expires_in": DOWNLOAD_SECONDS,
    }


def _insurance_until(decision: DocumentDecisionIn, kind: str) -> date | None:
    if kind != DocumentKind.INSURANCE:
        return decision.expires_on
    if decision.expires_on is None:
        raise InvalidInput(
            "Indiquez la date de fin de validité lue sur l'attestation d'assurance.",
            errors=[
                {"field": "expires_on", "message": "obligatoire pour accepter une attestation d'assurance"}
            ],
        )
    if decision.expires_on < clock.now().date():
        raise InvalidInput(
            "Cette attestation d'assurance est expirée : refusez-la.",
            errors=[{"field": "expires_on", "message": "date passée"}],
        )
    return decision.expires_on


def decide(
    store: Store,
    objects: ObjectStore,
    mailer: Mailer,
    bucket: str,
    pro_id: str,
    doc_id: str,
    decision: DocumentDecisionIn,
    operator: str,
) -> dict[str, Any]:
    """An operator accepts or rejects a document awaiting review; the professional is told by email.
    An accepted insurance certificate sets the cover (and lists an approved professional); a
    rejected document's file is deleted."""
    profile, doc = _reviewed_document(store, pro_id, doc_id)
    if profile["status"] == Status.DELISTED:
        raise Conflict("Ce profil est déréférencé : ses justificatifs ne sont plus examinés.")
    if doc["status"] != DocumentStatus.PENDING_REVIEW:
        raise Conflict(f"Ce justificatif n'attend pas de décision (statut : {doc['status']}).")
    fields: dict[str, Any] = {"decided_at": clock.now().isoformat(), "decided_by": operator}
    if decision.decision == "accept":
        valid_until = _insurance_until(decision, doc["kind"])
        if not keep_pinned(objects, bucket, doc):
            raise Conflict("Le fichier de ce justificatif n'existe plus : refusez-le.")
        fields["expires_on"] = valid_until.isoformat() if valid_until else None
        fields["decision_reason"] = decision.reason
        update = document_outcome(
            profile, doc, DocumentStatus.ACCEPTED, fields, expected=DocumentStatus.PENDING_REVIEW
        )
        if doc["kind"] == DocumentKind.INSURANCE:
            record_insurance(store, pro_id, fields["expires_on"], [update])
        else:
            transact_actions(store, [update])
        status = DocumentStatus.ACCEPTED
    else:
        fields.update(rejection_reason="operator_decision", decision_reason=decision.reason)
        update = document_outcome(
            profile, doc, DocumentStatus.REJECTED, fields, expected=DocumentStatus.PENDING_REVIEW
        )
        transact_actions(store, [update])
        objects.delete(bucket, doc["s3_key"])  # a refused document's file is not kept
        status = DocumentStatus.REJECTED
    logger.info("document decided", extra={"pro_id": pro_id, "doc_id": doc_id, "status": status})
    mailer.send(
        professional_document_decided(
            profile["contact"]["email"],
            profile["company_name"],
            doc["kind"],
            status == DocumentStatus.ACCEPTED,
            expires_on=fields.get("expires_on"),
            reason=decision.reason,
        )
    )
    decided = {**doc, **{k: v for k, v in fields.items() if v is not None}, "status": status.value}
    return review_item(load_profile(store, pro_id), decided)
