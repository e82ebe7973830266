"""The public side: submit a request, follow the verification link, read the status, fetch an export.

From outside, an unknown email behaves exactly like a known one: the same answer, the same
verification email; what is found is only looked at after the address is proven.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime

from jaqe.platform import clock
from jaqe.platform.errors import Gone, NotFound, TemporarilyUnavailable
from jaqe.platform.ids import new_id, token_digest
from jaqe.platform.objects import ObjectStore
from jaqe.platform.observability import logger
from jaqe.platform.store import Store
from jaqe.platform.workflows import Workflows
from jaqe.rights.model import (
    RequestContact,
    RequestStatus,
    RequestType,
    RightsInput,
    RightsRequestAccepted,
    RightsRequestIn,
)
from jaqe.rights.records import VERIFICATION, RightsRequestRecords, request_pk


def status_url(public_api_url: str, request_id: str, token: str) -> str:
    return f"{public_api_url}/v1/rights-requests/{request_id}?token={token}"


def submit_rights_request(
    data: RightsRequestIn,
    *,
    store: Store,
    workflows: Workflows,
    subject_key: Callable[[str], str],
    public_api_url: str,
    channel: str = "web",
    received_at: datetime | None = None,
) -> RightsRequestAccepted:
    """A complete request (web form, or registered by an operator): type, fields and address."""
    return open_rights_request(
        data.type,
        data.contact(),
        store=store,
        workflows=workflows,
        subject_key=subject_key,
        public_api_url=public_api_url,
        channel=channel,
        received_at=received_at,
    )


def open_rights_request(
    request_type: RequestType,
    contact: RequestContact,
    *,
    store: Store,
    workflows: Workflows,
    subject_key: Callable[[str], str],
    public_api_url: str,
    channel: str,
    received_at: datetime | None = None,
    needs_qualification: bool = False,
) -> RightsRequestAccepted:
    """Record the request and start its workflow (which acknowledges it and asks for verification)."""
    request_id = new_id("rr")
    key = subject_key(contact.email)
    requests = RightsRequestRecords(store)
    record, token = requests.create(
        request_id,
        request_type,
        key,
        contact,
        channel,
        received_at=received_at,
        needs_qualification=needs_qualification,
    )
    # The execution's input holds ids only: the address and the type's fields are in the contact item.
    payload = RightsInput(request_id=request_id, type=request_type, subject_key=key, channel=channel)
    try:
        workflows.start(request_id, payload.model_dump(mode="json"))
    except Exception as error:  # nothing half-written: the person can simply retry
        logger.exception("rights workflow did not start", extra={"request_id": request_id})
        requests.discard(record)
        raise TemporarilyUnavailable("Votre demande n'a pas pu être enregistrée, réessayez.") from error
    logger.info(
        "rights request received",
        extra={"request_id": request_id, "type": request_type.value, "subject_key": key, "channel": channel},
    )
    return RightsRequestAccepted(
        request_id=request_id,
        status=RequestStatus.RECEIVED,
        due_at=record["due_at"],
        status_url=status_url(public_api_url, request_id, token),
    )


def verify(token: str, *, store: Store, workflows: Workflows, waiting_for: str = VERIFICATION) -> str:
    """Follow the verification link (or, `waiting_for=NEW_ADDRESS`, the link sent to the new address
    of an email rectification): resumes the workflow (single use, expiring)."""
    with RightsRequestRecords(store).redeeming_verification(token, waiting_for) as (
        request_id,
        task_token,
        live,
    ):
        if live:
            workflows.succeed(task_token, {"verified_at": clock.now().isoformat()})
        else:
            workflows.fail(task_token, "VerificationExpired", "the verification link expired")
    if not live:
        raise Gone(
            "Ce lien de vérification a expiré : la demande est close, vous pouvez en déposer une nouvelle."
        )
    logger.info("rights request verified", extra={"request_id": request_id, "waiting_for": waiting_for})
    return request_id


EXPORT_TYPES = {"json": "application/json", "csv": "text/csv", "summary": "text/plain"}


def read_export(
    request_id: str, token: str, fmt: str, *, store: Store, objects: ObjectStore, bucket: str
) -> tuple[bytes, str]:
    """The export's own token (the answer email's links) or the mailbox's status token (the status page
    emailed to the address); never the status token the form answered to whoever filed the request."""
    item = store.get(request_pk(request_id), "EXPORT", include_expired=True)
    if item is None or not (
        hmac.compare_digest(str(item.get("token_digest", "")), token_digest(token))
        or RightsRequestRecords(store).is_mailbox_token(request_id, token)
    ):
        raise NotFound("Export inconnu ou lien invalide.")
    if int(item["expires_at"]) <= clock.epoch():
        raise Gone("Ce lien d'export a expiré : faites une nouvelle demande d'accès.")
    key = (item.get("s3_keys") or {}).get(fmt)
    body = objects.get(bucket, key) if key else None
    if body is None:
        raise NotFound("Ce format n'est pas disponible pour cet export.")
    return body, EXPORT_TYPES[fmt] + "; charset=utf-8"
