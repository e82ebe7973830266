"""The rights-request record, its history, its index by due date, its contact and its single-use tokens.

RIGHTS#<id>  REQUEST    the record: subject key, type, status, due dates, history (no contact data)
RIGHTS#<id>  CONTACT    the requester's address, the type's fields and who receives the answer:
                        under the subject key (rights-requests purpose), read by a step when it needs
                        them; an erasure deletes it right after its answer has been sent
RIGHTS#<id>  NOTICE#... one Art. 19 notice to a recipient (kind, id, reference: no personal data)
RIGHTS#<id>  EXPORT | REVIEW
RIGHTS#<id>  TRANSMISSION  a portability export sent to another controller at the person's request
RIGHTS_INDEX#open|closed  <due_at>#<id>  the requests by due date; a closed entry is also in the
                        `rights_request#closed#<YYYY-MM>` segment of the month it closed, as the record is
                        in the `rights_request#received#<YYYY-MM>` segment of the month it was received
                        (the DPO's monthly report reads a month through `by_segment`, never a scan)
SUBJECT#<key> POST_MORTEM post-mortem directives (no expiry until executed or revoked) and their execution

The workflow's input and state carry the request id and the subject key only (AWS keeps an
execution's input and history 90 days and cannot delete them). Every step appends to `history`.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from jaqe.platform import clock
from jaqe.platform.errors import Conflict, Gone, NotFound
from jaqe.platform.ids import new_token, token_digest
from jaqe.platform.store import SEGMENT_INDEX, Item, Store, expiry_fields
from jaqe.platform.tokens import Tokens
from jaqe.privacy.periods import add_months
from jaqe.privacy.records import subject_pk
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import retention_fields
from jaqe.rights.model import (
    RequestContact,
    RequestStatus,
    RequestType,
    RightsRequestStatus,
    status_label_fr,
)

VERIFICATION_TTL = timedelta(days=7)
EXPORT_TTL = timedelta(days=7)
REQUEST_SK = "REQUEST"
CONTACT_SK = "CONTACT"
CONTACT_ITEM_TYPE = "rights_request_contact"
NOTICE = "NOTICE#"
TRANSMISSION_SK = "TRANSMISSION"
MAX_EXTENSION_MONTHS = 2
VERIFICATION = "VERIFICATION"  # the workflow waits for the person to follow the verification link
REVIEW = "REVIEW"  # the workflow waits for an operator's decision
QUALIFICATION = "QUALIFICATION"  # ... for an operator to give the type and fields of an emailed request
NEW_ADDRESS = "NEW_ADDRESS"  # ... for the new address of an email rectification to confirm it
# Each wait for a link's click has its own kind of token: one link cannot stand for the other.
LINK_TOKEN_KINDS = {VERIFICATION: "rights_verification", NEW_ADDRESS: "rights_new_address"}
OPEN_ITEM_TYPE = "rights_request_open"
# What a request still to qualify is called to the person (its type was only guessed from the message).
TO_QUALIFY_LABEL = "droit à préciser : notre équipe relit votre message"
# An operator may close a request that waits (not one being carried out).
CLOSABLE = {
    RequestStatus.RECEIVED,
    RequestStatus.AWAITING_VERIFICATION,
    RequestStatus.AWAITING_OPERATOR,
    RequestStatus.NEEDS_OPERATOR,
    RequestStatus.LINKED,
}


def due_date(received_at: datetime, extension_months: int = 0) -> datetime:
    """One calendar month after receipt (Art. 12(3)); month ends clamp (31 Jan -> 28/29 Feb)."""
    return add_months(received_at, 1 + extension_months)


def received_segment(month: str) -> str:
    """The `by_segment` partition of the requests received in `month` (YYYY-MM)."""
    return f"rights_request#received#{month}"


def closed_segment(month: str) -> str:
    """The `by_segment` partition of the requests closed in `month` (YYYY-MM), through their index entry."""
    return f"rights_request#closed#{month}"


def request_pk(request_id: str) -> str:
    return f"RIGHTS#{request_id}"


def post_mortem_key(subject_key: str) -> tuple[str, str]:
    """Post-mortem directives live with the person (subject key), not with one request."""
    return subject_pk(subject_key), "POST_MORTEM"


# What became of a person's directives (`status` on their item).
DIRECTIVES_RECORDED = "recorded"  # kept, with no expiry, until executed or revoked
AWAITING_DESIGNATED_PERSON = "awaiting_designated_person"  # communicate: the link is sent, not followed
DIRECTIVES_EXECUTED = "executed"  # done: the item is now the trace of what was done
# The designated person's link (a page whose button confirms), and how long it works.
POST_MORTEM_LINK = "post_mortem_communication"
POST_MORTEM_LINK_TTL = timedelta(days=30)


def post_mortem_directives(subject_key: str, directives: dict[str, Any], request_id: str) -> Item:
    """Kept until executed or revoked (their own purpose, no expiry: loi Informatique et Libertés art. 85)."""
    pk, sk = post_mortem_key(subject_key)
    return {
        "pk": pk,
        "sk": sk,
        "item_type": "post_mortem_directives",
        "directives": directives,
        "request_id": request_id,
        "recorded_at": clock.now().isoformat(),
        "status": DIRECTIVES_RECORDED,
        **retention_fields(PurposeId.POST_MORTEM_DIRECTIVES, subject_key),
    }


class PostMortemRecords:
    """A person's directives and what was done with them: when executed, by whom, how, and (for
    `communicate`) when the designated person confirmed and received them."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, subject_key: str) -> Item | None:
        return self.store.get(*post_mortem_key(subject_key))

    def executing(self, subject_key: str, action: str, operator: str, **fields: Any) -> Item:
        """The operator recorded the death and carries the directives out (`executed_at` stays the
        first execution's: sending a fresh link again changes nothing else)."""
        item = self.get(subject_key) or {}
        return self.store.update(
            *post_mortem_key(subject_key),
            changes={
                "executed_at": item.get("executed_at") or clock.now().isoformat(),
                "executed_by": operator,
                "executed_action": action,
                **fields,
            },
        )

    def not_executed(self, subject_key: str) -> None:
        """Undo `executing` (what it was to start did not start)."""
        fields = ("executed_at", "executed_by", "executed_action", "erasure_request_id")
        self.store.update(*post_mortem_key(subject_key), changes=dict.fromkeys(fields))

    def executed(self, subject_key: str, **fields: Any) -> Item:
        """Done: the directives' own purpose has ended, their item is now the trace of a rights request
        (kept, then expired, like one)."""
        trace = retention_fields(PurposeId.RIGHTS_REQUESTS, subject_key)
        return self.store.update(
            *post_mortem_key(subject_key),
            changes={
                "status": DIRECTIVES_EXECUTED,
                "completed_at": clock.now().isoformat(),
                **{k: v for k, v in trace.items() if k != "created_at"},
                **fields,
            },
        )

    def confirmed(self, subject_key: str) -> None:
        """The designated person followed the link and confirmed their address."""
        self.store.update(*post_mortem_key(subject_key), changes={"confirmed_at": clock.now().isoformat()})

    def communicated(self, subject_key: str, request_id: str) -> None:
        """The directives and the export were sent to the designated person, who had confirmed."""
        if (self.get(subject_key) or {}).get("communication_request_id") == request_id:
            self.executed(subject_key, communicated_at=clock.now().isoformat())


def export_item(
    request_id: str, subject_key: str, digest: str, keys: dict[str, str], expires: datetime
) -> Item:
    """An access / portability export: its S3 keys and the digest of its download token."""
    return {
        "pk": request_pk(request_id),
        "sk": "EXPORT",
        "item_type": "rights_export",
        "request_id": request_id,
        "token_digest": digest,
        "s3_keys": keys,
        "s3_key": keys["json"],
        "purpose": PurposeId.RIGHTS_REQUESTS.value,
        "subject_key": subject_key,
        "created_at": clock.now().isoformat(),
        **expiry_fields(clock.epoch(expires)),
    }


def transmission_item(request_id: str, subject_key: str, recipient_email: str, fields: list[str]) -> Item:
    """A portability export sent to another controller at the person's request (Art. 20(2)): a
    disclosure (who, which fields, when), shown in the access export's `disclosed_to`."""
    return {
        "pk": request_pk(request_id),
        "sk": TRANSMISSION_SK,
        "item_type": "portability_transmission",
        "request_id": request_id,
        "recipient": "requested_controller",
        "recipient_email": recipient_email,
        "at_request_of": "data_subject",
        "fields": fields,
        "disclosed_at": clock.now().isoformat(),
        **retention_fields(PurposeId.RIGHTS_REQUESTS, subject_key),
    }


def contact_item(request_id: str, subject_key: str, contact: RequestContact, received: datetime) -> Item:
    """The request's one item holding personal data: under the subject key, rights-requests purpose."""
    return {
        "pk": request_pk(request_id),
        "sk": CONTACT_SK,
        "item_type": CONTACT_ITEM_TYPE,
        "request_id": request_id,
        **contact.model_dump(mode="json", exclude_none=True),
        **retention_fields(PurposeId.RIGHTS_REQUESTS, subject_key, received),
    }


def is_contact_of(item: Item, request_id: str) -> bool:
    """This request's contact item (an erasure keeps it until its answer has been sent)."""
    return item.get("item_type") == CONTACT_ITEM_TYPE and item.get("request_id") == request_id


def notice_item(
    request_id: str, recipient_kind: str, recipient_id: str, reference: str, **fields: Any
) -> Item:
    """An Art. 19 notice, recorded under the request: who was told (ids only), and how."""
    record = {"recipient_kind": recipient_kind, "recipient_id": recipient_id, "reference": reference}
    return {
        "pk": request_pk(request_id),
        "sk": f"{NOTICE}{recipient_kind}#{recipient_id}#{reference}",
        "item_type": "rights_recipient_notice",
        "request_id": request_id,
        **record,
        **fields,
        "at": clock.now().isoformat(),
        **retention_fields(PurposeId.RIGHTS_REQUESTS, None),
    }


class ContactGone(Conflict):
    """The request's contact item is gone (erased with the person's data): nothing to send to."""


def type_label_fr(record: Item) -> str:
    """The right a request exercises, as the person reads it; one still to qualify names none yet."""
    if record.get("needs_qualification"):
        return TO_QUALIFY_LABEL
    return RequestType(record["request_type"]).label_fr


def _open_key(subject_key: str, request_type: str) -> tuple[str, str]:
    """The person's open request of one type (ids only, under the subject key)."""
    return subject_pk(subject_key), f"RIGHTS_OPEN#{request_type}"


def _index_key(status: RequestStatus, due_at: str, request_id: str) -> tuple[str, str]:
    return f"RIGHTS_INDEX#{'open' if status.is_open else 'closed'}", f"{due_at}#{request_id}"


def _closed_month_fields(record: Item) -> Item:
    """A closed request's index entry joins the segment of the month it closed (sorted by closing time)."""
    closed_at = record.get("closed_at")
    if RequestStatus(record["status"]).is_open or not closed_at:
        return {}
    return {"segment": closed_segment(str(closed_at)[:7]), "created_at": closed_at}


def _matches(stored: Any, digest: str) -> bool:
    """A token's digest against the one a record keeps (constant time; no digest kept: no match)."""
    return bool(stored) and hmac.compare_digest(str(stored), digest)


def history_entry(step: str, **detail: Any) -> dict[str, Any]:
    """One audit line: the step, when, and non-personal details (ids, counts, purposes, reasons)."""
    return {"at": clock.now().isoformat(), "step": step, **({"detail": detail} if detail else {})}


class RightsRequestRecords:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- the record -------------------------------------------------------------------------
    def create(
        self,
        request_id: str,
        request_type: RequestType,
        subject_key: str,
        contact: RequestContact,
        channel: str = "web",
        *,
        received_at: datetime | None = None,
        needs_qualification: bool = False,
    ) -> tuple[Item, str]:
        """Write the record, its contact item and its index entry (one transaction); returns the record
        and the status-link token. The deadline runs from `received_at` (a letter's receipt day),
        else from now. A request to qualify waits for an operator to give its type and fields."""
        received = received_at or clock.now()
        status_token = new_token()
        due_at = due_date(received).isoformat()
        record: Item = {
            "pk": request_pk(request_id),
            "sk": REQUEST_SK,
            "item_type": "rights_request",
            "request_id": request_id,
            "request_type": request_type.value,
            "channel": channel,
            "status": RequestStatus.RECEIVED.value,
            "received_at": received.isoformat(),
            "due_at": due_at,
            "original_due_at": due_at,
            "extension_months": 0,
            "status_token_digest": token_digest(status_token),
            "history": [history_entry("received", type=request_type.value, channel=channel)],
            **({"needs_qualification": True} if needs_qualification else {}),
            "segment": received_segment(received.strftime("%Y-%m")),
            **retention_fields(PurposeId.RIGHTS_REQUESTS, subject_key, received),
        }
        index_pk, index_sk = _index_key(RequestStatus.RECEIVED, due_at, request_id)
        record.update(index_pk=index_pk, index_sk=index_sk)
        self.store.transact(
            [record, self._index_item(record), contact_item(request_id, subject_key, contact, received)]
        )
        return record, status_token

    def discard(self, record: Item) -> None:
        """Undo `create` (the workflow did not start): nothing half-written."""
        self.store.delete(record["index_pk"], record["index_sk"])
        self.store.delete(record["pk"], CONTACT_SK)
        self.store.delete(record["pk"], record["sk"])

    # -- the contact item -------------------------------------------------------------------
    def contact(self, request_id: str) -> RequestContact:
        """The requester's address and the type's fields, read at the moment a step needs them."""
        item = self.store.get(request_pk(request_id), CONTACT_SK, include_expired=True)
        if item is None:
            raise ContactGone("L'adresse de cette demande a été effacée.")
        return RequestContact.model_validate(
            {k: v for k, v in item.items() if k in RequestContact.model_fields}
        )

    def adopt_contact(self, request_id: str, subject_key: str, contact: RequestContact) -> None:
        """The contact item of a request made before contact items (its execution carried the address)."""
        received = datetime.fromisoformat(self.get(request_id)["received_at"])
        self.store.put(contact_item(request_id, subject_key, contact, received))

    def has_contact(self, request_id: str) -> bool:
        return self.store.get(request_pk(request_id), CONTACT_SK, include_expired=True) is not None

    def forget_contact(self, request_id: str) -> None:
        self.store.delete(request_pk(request_id), CONTACT_SK)

    def readdress_contact(self, request_id: str, email: str) -> None:
        """An email rectification answered: the request's contact names the new address only."""
        self.store.update(request_pk(request_id), CONTACT_SK, changes={"email": email})

    # -- Art. 19 notices --------------------------------------------------------------------
    def record_notice(
        self, request_id: str, recipient_kind: str, recipient_id: str, reference: str, **fields: Any
    ) -> None:
        self.store.put(notice_item(request_id, recipient_kind, recipient_id, reference, **fields))

    def notices(self, request_id: str) -> list[Item]:
        return self.store.query(request_pk(request_id), NOTICE)

    def record_transmission(
        self, request_id: str, subject_key: str, recipient_email: str, fields: list[str]
    ) -> None:
        self.store.put(transmission_item(request_id, subject_key, recipient_email, fields))

    def _index_item(self, record: Item) -> Item:
        return {
            "pk": record["index_pk"],
            "sk": record["index_sk"],
            "item_type": "rights_request_index",
            "request_id": record["request_id"],
            "request_type": record["request_type"],
            "status": record["status"],
            "due_at": record["due_at"],
            "received_at": record["received_at"],
            "purpose": PurposeId.RIGHTS_REQUESTS.value,
            **({"needs_qualification": True} if record.get("needs_qualification") else {}),
            **_closed_month_fields(record),
            **expiry_fields(int(record["expires_at"])),
        }

    def received_in(self, month: str) -> list[Item]:
        """The records of the requests received in `month` (YYYY-MM): one Query on `by_segment`."""
        return self.store.query_index(SEGMENT_INDEX, "segment", received_segment(month))

    def closed_in(self, month: str) -> list[Item]:
        """The records of the requests closed in `month` (YYYY-MM), found through their index entries."""
        entries = self.store.query_index(SEGMENT_INDEX, "segment", closed_segment(month))
        records = (self.store.get(request_pk(e["request_id"]), REQUEST_SK) for e in entries)
        return [record for record in records if record is not None]

    def get(self, request_id: str) -> Item:
        record = self.store.get(request_pk(request_id), REQUEST_SK)
        if record is None:
            raise NotFound("Demande inconnue.")
        return record

    def status_view(self, request_id: str, token: str, public_api_url: str = "") -> RightsRequestStatus:
        """The status link: the same 404 for an unknown id and a wrong token (nothing to probe). Two
        tokens open it: the one the form answered to whoever filed the request (`status_token_digest`,
        who may not own the address) and the one emailed to the address (`mailbox_token_digest`);
        only the latter shows the export link."""
        record = self.store.get(request_pk(request_id), REQUEST_SK)
        digest = token_digest(token)
        submitter = record is not None and _matches(record.get("status_token_digest"), digest)
        mailbox = record is not None and _matches(record.get("mailbox_token_digest"), digest)
        if record is None or not (submitter or mailbox):
            raise NotFound("Demande inconnue ou lien invalide.")
        extended = int(record.get("extension_months", 0)) > 0
        view = RightsRequestStatus(
            request_id=request_id,
            type=RequestType(record["request_type"]),
            status=RequestStatus(record["status"]),
            received_at=record["received_at"],
            due_at=record["due_at"],
            extended=extended,
            closed_at=record.get("closed_at"),
            type_label=type_label_fr(record),
            status_label=status_label_fr(record["status"]),
            extended_until=record["due_at"] if extended else None,
            extension_reason=record.get("extension_reason") if extended else None,
        )
        export = self.store.get(request_pk(request_id), "EXPORT") if mailbox else None
        if export is not None:
            view.export_url = f"{public_api_url}/v1/rights-requests/{request_id}/export?token={token}"
            view.export_formats = sorted((export.get("s3_keys") or {}).keys())
            view.export_expires_at = datetime.fromtimestamp(int(export["expires_at"]), UTC).isoformat()
        return view

    # -- the mailbox's status link ----------------------------------------------------------
    def issue_mailbox_token(self, request_id: str) -> str:
        """The status link emailed to the address: it also opens the export, which the status link
        the form answered (to whoever filed the request) does not."""
        token = new_token()
        self.set_fields(request_id, mailbox_token_digest=token_digest(token))
        return token

    def is_mailbox_token(self, request_id: str, token: str) -> bool:
        record = self.store.get(request_pk(request_id), REQUEST_SK)
        return record is not None and _matches(record.get("mailbox_token_digest"), token_digest(token))

    def log(self, request_id: str, step: str, **detail: Any) -> Item:
        return self.store.update(
            request_pk(request_id), REQUEST_SK, append={"history": [history_entry(step, **detail)]}
        )

    def transition(self, request_id: str, status: RequestStatus, step: str, **detail: Any) -> Item:
        """Change status (and the index entry), appending the step to the history."""
        record = self.get(request_id)
        fields: dict[str, Any] = {"status": status.value}
        if not status.is_open:
            fields["closed_at"] = clock.now().isoformat()
        return self._rewrite(record, fields, history_entry(step, status=status.value, **detail))

    def _rewrite(self, record: Item, fields: dict[str, Any], entry: dict[str, Any]) -> Item:
        updated = {**record, **fields}
        index_pk, index_sk = _index_key(
            RequestStatus(updated["status"]), updated["due_at"], record["request_id"]
        )
        fields = {**fields, "index_pk": index_pk, "index_sk": index_sk}
        result = self.store.update(record["pk"], REQUEST_SK, changes=fields, append={"history": [entry]})
        if (index_pk, index_sk) != (record.get("index_pk"), record.get("index_sk")):
            self.store.delete(record["index_pk"], record["index_sk"])
        self.store.put(self._index_item(result))
        return result

    def set_fields(self, request_id: str, **fields: Any) -> Item:
        return self.store.update(request_pk(request_id), REQUEST_SK, changes=fields)

    # -- deadlines --------------------------------------------------------------------------
    def extend(self, request_id: str, months: int, reason: str, operator: str) -> Item:
        """Art. 12(3): up to two more months, decided before the first due date."""
        record = self.get(request_id)
        if not RequestStatus(record["status"]).is_open:
            raise Conflict("La demande est close : son délai ne peut plus être prolongé.")
        now = clock.now()
        if now >= datetime.fromisoformat(record["original_due_at"]):
            raise Conflict("La prolongation doit être décidée et notifiée avant la première échéance.")
        total = int(record.get("extension_months", 0)) + months
        if months < 1 or total > MAX_EXTENSION_MONTHS:
            raise Conflict("La prolongation totale ne peut dépasser deux mois.")
        due_at = due_date(datetime.fromisoformat(record["received_at"]), total).isoformat()
        return self._rewrite(
            record,
            {"extension_months": total, "due_at": due_at, "extension_reason": reason},
            history_entry("extended", months=months, due_at=due_at, reason=reason, operator=operator),
        )

    def listing(
        self,
        *,
        statuses: set[RequestStatus] | None = None,
        due_before: str | None = None,
        closed: bool = False,
    ) -> list[Item]:
        """Requests by due date (oldest first), from the index: one Query, no table scan."""
        partition = "RIGHTS_INDEX#closed" if closed else "RIGHTS_INDEX#open"
        entries = self.store.query(partition)
        wanted = {s.value for s in statuses} if statuses else None
        return [
            e
            for e in entries
            if (wanted is None or e["status"] in wanted) and (due_before is None or e["due_at"] <= due_before)
        ]

    # -- tokens -----------------------------------------------------------------------------
    def issue_verification(
        self,
        request_id: str,
        task_token: str,
        waiting_for: str = VERIFICATION,
        ttl: timedelta = VERIFICATION_TTL,
    ) -> str:
        """The token of a link whose click resumes the workflow: the requester's address (VERIFICATION)
        or the new address of an email rectification (NEW_ADDRESS)."""
        payload = {
            "request_id": request_id,
            "task_token": task_token,
            "purpose": PurposeId.RIGHTS_REQUESTS.value,
        }
        # The wait is also kept under the request, so that an operator closing it can end it.
        self._park(request_id, task_token, waiting_for, ttl)
        return Tokens(self.store).issue(LINK_TOKEN_KINDS[waiting_for], payload, ttl=ttl)

    @contextmanager
    def redeeming_verification(
        self, token: str, waiting_for: str = VERIFICATION
    ) -> Iterator[tuple[str, str, bool]]:
        """(request id, task token, still valid). Single use: one conditional delete, so two clicks
        race safely; the link works again if resuming the workflow fails."""
        with Tokens(self.store).redeeming(LINK_TOKEN_KINDS[waiting_for], token) as (payload, live):
            request_id = payload["request_id"]
            record = self.store.get(request_pk(request_id), REQUEST_SK)
            if record is None or record["status"] == RequestStatus.CLOSED.value:
                raise Gone("Cette demande a été close : il n'y a plus rien à confirmer.")
            yield request_id, payload["task_token"], live
        self.store.delete(request_pk(request_id), waiting_for)

    def park_for_operator(
        self, request_id: str, task_token: str, reason: str, waiting_for: str = REVIEW
    ) -> Item:
        """The workflow waits for an operator: a decision (REVIEW) or a qualification (QUALIFICATION).
        Returns the record as it is once the wait is parked."""
        self._park(request_id, task_token, waiting_for, timedelta(days=90))  # = the task's timeout
        return self.transition(
            request_id, RequestStatus.AWAITING_OPERATOR, "awaiting_operator", reason=reason
        )

    def _park(self, request_id: str, task_token: str, waiting_for: str, ttl: timedelta) -> None:
        self.store.put(
            {
                "pk": request_pk(request_id),
                "sk": waiting_for,
                "item_type": "rights_review",
                "request_id": request_id,
                "task_token": task_token,
                "purpose": PurposeId.RIGHTS_REQUESTS.value,
                **expiry_fields(clock.epoch(clock.now() + ttl)),
            }
        )

    def take_review(self, request_id: str) -> str:
        task_token = self.take_waiting(request_id, REVIEW)
        if task_token is None:
            raise Conflict("Cette demande n'attend pas de décision d'un opérateur.")
        return task_token

    def take_waiting(self, request_id: str, waiting_for: str) -> str | None:
        """The task token the workflow parked for an operator, if it waits (taken: answered once)."""
        item = self.store.take(request_pk(request_id), waiting_for)
        return str(item["task_token"]) if item else None

    # -- qualification, closing by an operator ----------------------------------------------
    def qualify(
        self, request_id: str, request_type: RequestType, params: dict[str, Any], operator: str
    ) -> Item:
        """An operator gives the type and its fields to a request received by email; its due date stays."""
        record = self.get(request_id)
        if not record.get("needs_qualification"):
            raise Conflict("Cette demande est déjà qualifiée.")
        if not RequestStatus(record["status"]).is_open:
            raise Conflict("La demande est close.")
        contact = self.contact(request_id)
        received = datetime.fromisoformat(record["received_at"])
        merged = RequestContact(
            email=contact.email, params={**contact.params, **params}, answer_to=contact.answer_to
        )
        self.store.put(contact_item(request_id, record["subject_key"], merged, received))
        return self._rewrite(
            record,
            {"request_type": request_type.value, "needs_qualification": None},
            history_entry("qualified", type=request_type.value, operator=operator),
        )

    def close_by_operator(self, request_id: str, reason: str, operator: str) -> tuple[Item, list[str]]:
        """Close a request that waits; (the record, the task tokens of the waits to end)."""
        record = self.get(request_id)
        if RequestStatus(record["status"]) not in CLOSABLE:
            raise Conflict(
                "Seule une demande en attente (vérification, opérateur, liée) peut être close ainsi."
            )
        waits = [self.take_waiting(request_id, w) for w in (VERIFICATION, NEW_ADDRESS, QUALIFICATION, REVIEW)]
        self.release_open(record)
        closed = self._rewrite(
            record,
            {"status": RequestStatus.CLOSED.value, "closed_at": clock.now().isoformat()},
            history_entry(
                "closed_by_operator", status=RequestStatus.CLOSED.value, reason=reason, operator=operator
            ),
        )
        return closed, [token for token in waits if token]

    # -- one open request per person and type (duplicates are linked to it) -----------------
    def claim_open(self, record: Item) -> str | None:
        """Make this request the person's open one of its type; None, or the id of an earlier open
        request of the same type asking the same, to which this one is then linked (answered with it)."""
        request_id = record["request_id"]
        pk, sk = _open_key(record["subject_key"], record["request_type"])
        marker = {
            "pk": pk,
            "sk": sk,
            "item_type": OPEN_ITEM_TYPE,
            "request_id": request_id,
            **retention_fields(PurposeId.RIGHTS_REQUESTS, record["subject_key"]),
        }
        held = self.store.get(pk, sk, include_expired=True)
        if held is None:
            try:
                self.store.put_new(marker)
            except Conflict:  # another request of the same type claimed it just now
                return self.claim_open(record)
        elif held["request_id"] != request_id:
            first = self.store.get(request_pk(held["request_id"]), REQUEST_SK)
            if first and RequestStatus(first["status"]).is_open:
                if self._asks_the_same(first["request_id"], request_id):
                    self._link(record, first)
                    return str(first["request_id"])
                return None  # the same type asking something else (other purposes, corrections): runs too
            self.store.put(marker)  # left by a request that closed without releasing it
        return None

    def _asks_the_same(self, first_id: str, request_id: str) -> bool:
        """The same fields (purposes, corrections, directives), whatever the free text around them."""

        def asked(rid: str) -> dict[str, Any] | None:
            if not self.has_contact(rid):
                return None
            return {k: v for k, v in self.contact(rid).params.items() if k != "details"}

        first = asked(first_id)
        return first is not None and first == asked(request_id)

    def release_open(self, record: Item) -> None:
        pk, sk = _open_key(record["subject_key"], record["request_type"])
        held = self.store.get(pk, sk, include_expired=True)
        if held and held["request_id"] == record["request_id"]:
            self.store.delete(pk, sk)

    def _link(self, record: Item, first: Item) -> None:
        self._rewrite(
            record,
            {"status": RequestStatus.LINKED.value, "linked_to": first["request_id"]},
            history_entry("linked", status=RequestStatus.LINKED.value, first=first["request_id"]),
        )
        self.store.update(first["pk"], REQUEST_SK, append={"linked_requests": [record["request_id"]]})

    def close_linked(self, first: Item) -> None:
        """The requests linked to `first` are answered with it: they close as it closes."""
        status = RequestStatus(first["status"])
        for linked_id in first.get("linked_requests", []):
            linked = self.get(linked_id)
            if linked["status"] == RequestStatus.LINKED.value:
                self._rewrite(
                    linked,
                    {"status": status.value, "closed_at": clock.now().isoformat()},
                    history_entry("answered_with", status=status.value, first=first["request_id"]),
                )
