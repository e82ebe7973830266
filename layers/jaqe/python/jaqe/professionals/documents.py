"""Professionals' documents (C3-05): certifications, insurance (décennale), Kbis.

Upload: the app asks for a presigned POST (15 minutes, the professional's key prefix, PDF /
JPEG / PNG, at most 10 MB). S3 does not run our code on upload, and the policy conditions are
only as good as S3's enforcement, so the real guard is `check_upload`, run on every
ObjectCreated event: it reads the object's size and first bytes, and a file that is too big,
empty or not what it claims to be is deleted (that version, permanently) and recorded as
rejected.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from jaqe.platform import clock
from jaqe.platform.errors import Conflict, InvalidInput
from jaqe.platform.ids import new_id
from jaqe.platform.objects import DOCUMENTS_PREFIX, ObjectStore
from jaqe.platform.observability import logger
from jaqe.platform.store import Item, Store, transact_actions
from jaqe.professionals.insurance import record_insurance
from jaqe.professionals.model import MAX_BYTES, DocumentIn, DocumentKind, Status
from jaqe.professionals.records import document, document_outcome, documents_of, load_profile, new_document

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
        item["expires_on"] = data.expires_on.isoformat()
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
    for optional in ("expires_on", "checked_at", "rejection_reason"):
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
    """Checks one uploaded object; returns what happened: accepted, rejected, stray (deleted) or gone."""
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

    size = int(head["ContentLength"])
    reason: str | None = None
    if size > MAX_BYTES:
        reason = "too_large"
    elif size == 0:
        reason = "empty"
    else:
        if sniff(objects.read_start(bucket, key, SNIFF_BYTES, version_id)) != doc["content_type"]:
            reason = "content_mismatch"

    pro_id = match.group(1)
    now = clock.now().isoformat()
    if reason:
        # The uploaded version itself: in a versioned bucket a plain delete only hides it.
        objects.delete_version(bucket, key, version_id)
        if doc["status"] == "pending_upload":
            _settle(store, pro_id, doc, "rejected", {"rejection_reason": reason, "checked_at": now})
        logger.info("document rejected", extra={"pro_id": pro_id, "doc_id": doc["doc_id"], "reason": reason})
        return "rejected"
    if doc["status"] == "pending_upload":
        _settle(store, pro_id, doc, "accepted", {"size": size, "checked_at": now, "version_id": version_id})
    logger.info("document accepted", extra={"pro_id": pro_id, "doc_id": doc["doc_id"]})
    return "accepted"


def _settle(store: Store, pro_id: str, doc: Item, status: str, fields: dict[str, Any]) -> None:
    """The document's outcome; its expiry now follows its owner's (none while the listing lasts)."""
    update = document_outcome(load_profile(store, pro_id), doc, status, fields)
    if status == "accepted" and doc["kind"] == DocumentKind.INSURANCE and doc.get("expires_on"):
        record_insurance(store, pro_id, str(doc["expires_on"]), [update])
    else:
        transact_actions(store, [update])
