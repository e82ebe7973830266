"""The steps of the rights-request state machine, as plain Python on injected collaborators.

Each task of infra/statemachines/rights_request.asl.json names its step (`RightsStep`); `RightsWorkflow.run`
validates the task (its state is a `RightsState`), finds the step's handler in one explicit table
and returns the new state (the workflow input plus what earlier steps added). The state holds
ids, the subject key and non-personal outcomes only: AWS keeps an execution's input and every
history event 90 days and cannot delete them. A step that needs the requester's address or the
type's fields (corrections, purposes, directives) reads the request's contact item
(`RightsRequestRecords.contact`) at that moment; an erasure deletes it once its answer is sent.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from jaqe.leads.disclosures import withdraw_from_professionals
from jaqe.leads.partners import PartnerDirectory
from jaqe.leads.records import COMMERCIAL_PARTNER, PROFESSIONAL, disclosed_to
from jaqe.platform import clock, templates
from jaqe.platform.cognito import Logins
from jaqe.platform.controller import (
    CONTROLLER_ADDRESS,
    CONTROLLER_EMAIL,
    CONTROLLER_NAME,
    CONTROLLER_RCS,
    POLICY_VERSION,
)
from jaqe.platform.errors import DomainError
from jaqe.platform.ids import new_token, token_digest
from jaqe.platform.mail import Mailer
from jaqe.platform.objects import ObjectStore
from jaqe.platform.observability import logger
from jaqe.platform.store import Item, Store
from jaqe.platform.validation import normalise_email
from jaqe.privacy.consent import CONSENT_EVENT, ConsentLedger, consent_statuses, pseudonymous_proof
from jaqe.privacy.holds import HoldOrigin, Holds, holds_entry, is_held, restriction_hold_id
from jaqe.privacy.inventory import erasure_keeps, what_remains_after_erasure
from jaqe.privacy.register import (
    COOKIE_CHOICE_WITHDRAWN,
    RECIPIENTS,
    Purpose,
    PurposeId,
    RightEffect,
    purpose,
)
from jaqe.privacy.rekey import ADDRESS_BOUND, AddressChange, holds_address, rekey_subject
from jaqe.privacy.scan import HeldLogin, SubjectScan, scan_subject
from jaqe.privacy.subject_flags import Subjects
from jaqe.privacy.subject_keys import subject_key
from jaqe.professionals.records import PROFILE_SK, profile_pk
from jaqe.rights import post_mortem
from jaqe.rights.model import RequestContact, RequestStatus, RequestType, RestrictionGrounds, RightsInput
from jaqe.rights.records import (
    CONTACT_ITEM_TYPE,
    EXPORT_TTL,
    NEW_ADDRESS,
    QUALIFICATION,
    VERIFICATION_TTL,
    PostMortemRecords,
    RightsRequestRecords,
    export_item,
    is_contact_of,
    post_mortem_directives,
    post_mortem_key,
    type_label_fr,
)

# What an erasure leaves (subject key only): from the data inventory.
ERASURE_KEEPS = erasure_keeps()
# Technical attributes left out of exports (keys, indexes, expiry mirrors).
_TECHNICAL = {
    "pk",
    "sk",
    "subject_key",
    "expiry_day",
    "index_pk",
    "index_sk",
    "status_token_digest",
    "mailbox_token_digest",
    "task_token",
    "token_digest",
}
# Item types the person did not provide (derived or ours): outside portability (Art. 20).
_NOT_PROVIDED = {
    "disclosure",
    "consent_event",
    "subject_flags",
    "suppression",
    "rights_request",
    "rights_export",
    "rights_review",
    "rights_request_index",
    CONTACT_ITEM_TYPE,
}
# What the access export lists under `disclosed_to`: disclosures of every kind, and the transmissions
# to another controller a person asked for (portability).
DISCLOSURE_TYPES = {"disclosure", "portability_transmission"}
CORRECTABLE = ("first_name", "last_name", "phone", "company_name", "email")
# How long the new address of an email rectification has to confirm it (then the request closes unverified).
NEW_ADDRESS_TTL = VERIFICATION_TTL
# What executions started before issue 17 carried in their state (now in the contact item).
LEGACY_PERSONAL = ("email", "params", "answer_to")


class RightsStep(StrEnum):
    """The tasks of the rights state machine: the `"step"` of each Payload in its ASL definition."""

    RECORD = "record"
    SEND_VERIFICATION = "send_verification"
    SEND_NEW_ADDRESS_VERIFICATION = "send_new_address_verification"
    VERIFIED = "verified"
    ROUTE = "route"
    REQUEST_QUALIFICATION = "request_qualification"
    CLOSE_UNVERIFIED = "close_unverified"
    ACT_ACCESS = "act_access"
    ACT_PORTABILITY = "act_portability"
    ACT_RECTIFICATION = "act_rectification"
    ACT_ERASURE = "act_erasure"
    ACT_RESTRICTION = "act_restriction"
    ACT_OBJECTION = "act_objection"
    ACT_WITHDRAW_CONSENT = "act_withdraw_consent"
    ACT_POST_MORTEM_DIRECTIVES = "act_post_mortem_directives"
    REQUEST_REVIEW = "request_review"
    REFUSE = "refuse"
    NOTIFY_RECIPIENTS = "notify_recipients"
    ANSWER = "answer"
    CLOSE = "close"
    NEEDS_OPERATOR = "needs_operator"

    @property
    def is_action(self) -> bool:
        """Run by the actions function (`rights_actions`), the others by `rights_workflow`."""
        return self.value.startswith("act_")


class Recipient(BaseModel):
    """Someone a disclosure reached, to be told of an erasure, restriction or rectification
    (Art. 19): ids and field names only; the corrected values are read from the contact item."""

    model_config = ConfigDict(defer_build=True)

    kind: Literal["professional", "commercial_partner"]
    recipient_id: str
    reference: str
    person_reference: str | None = None
    notice: Literal["erasure", "rectification", "restriction"]
    fields: list[str] = Field(default_factory=list)


def recipient(disclosure: Item, notice: str, fields: list[str] | None = None) -> dict[str, Any]:
    """The recipient of any disclosure of the ledger, a professional (lead) or a commercial partner
    (export), as the next state carries it."""
    to = disclosed_to(disclosure)
    return Recipient.model_validate(
        {
            "kind": to.kind,
            "recipient_id": to.recipient_id,
            "reference": to.reference,
            "person_reference": to.person_reference,
            "notice": notice,
            "fields": fields or [],
        }
    ).model_dump(mode="json")


class RightsState(RightsInput):
    """The execution state, checked at each task's entry: the input (ids, subject key, type, channel)
    and non-personal outcomes. Keys this code does not read (the state machine's own
    `verification`, say) are carried through unchanged."""

    outcome: dict[str, Any] | None = None
    recipients: list[Recipient] | None = None
    review: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    def dump(self) -> dict[str, Any]:
        """The state as it came in (only the keys it had, less a pre-issue-17 address), for the next task."""
        return self.model_dump(mode="json", exclude_unset=True, exclude=set(LEGACY_PERSONAL))


class RightsTask(BaseModel):
    """One invocation: {"step", "state", "task_token"?, "execution"?} (the ASL Payload)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    step: RightsStep
    state: RightsState
    task_token: str = ""
    execution: str = ""


class ErasureIncomplete(DomainError):
    status = 500
    type_slug = "erasure-incomplete"
    title = "Effacement incomplet"


class AddressChangeIncomplete(DomainError):
    status = 500
    type_slug = "address-change-incomplete"
    title = "Changement d'adresse incomplet"


class AlreadyQualified(Exception):
    """Qualified by an operator before the workflow asked for it: route again (caught by the ASL)."""


class WrongFunction(RuntimeError):
    """A step reached the function whose role does not grant what it needs."""


@dataclass
class PersonalStores:
    """What the action steps reach besides the table: the buckets and the professionals' logins."""

    objects: ObjectStore
    logins: Logins
    exports_bucket: str
    documents_bucket: str

    @property
    def buckets(self) -> dict[str, str]:
        return {"documents": self.documents_bucket, "exports": self.exports_bucket}


@dataclass
class Collaborators:
    """What the steps use. Two functions run them, each with its own role (least privilege): the
    conversation function (verification, answer, notices) has the mailer; the actions function
    (`act_*`: reading, exporting and erasing everything held about a person) has the buckets and
    the logins, and sends no mail."""

    store: Store
    public_api_url: str
    mailer: Mailer | None = None
    stores: PersonalStores | None = None

    @property
    def mail(self) -> Mailer:
        if self.mailer is None:
            raise WrongFunction("this step sends mail: it runs in rights_workflow")
        return self.mailer

    @property
    def reach(self) -> PersonalStores:
        if self.stores is None:
            raise WrongFunction("this step acts on the person's data: it runs in rights_actions")
        return self.stores


def task_for(event: dict[str, Any], *, actions: bool) -> RightsTask:
    """The validated task, refused when its step belongs to the other function (each role grants
    only what its own steps need: a misrouted step fails instead of running half-allowed)."""
    task = RightsTask.model_validate(event)
    if task.step.is_action is not actions:
        raise WrongFunction(f"step {task.step.value} does not run in this function")
    logger.append_keys(
        request_id=task.state.request_id, step=task.step.value, subject_key=task.state.subject_key
    )
    return task


class RightsWorkflow:
    def __init__(self, deps: Collaborators) -> None:
        self.deps = deps
        self.store = deps.store
        self.requests = RightsRequestRecords(deps.store)

    def run(self, task: RightsTask) -> dict[str, Any]:
        """One task: the step's handler, from the table below."""
        self._adopt_legacy_contact(task.state)
        return self.handlers()[task.step](task)

    def _adopt_legacy_contact(self, state: RightsState) -> None:
        """An execution started before contact items still carries the address in its state: its
        next step writes the contact item from it (and `dump` stops passing it on), so it goes on."""
        legacy = state.model_extra or {}
        if "email" in legacy and not self.requests.has_contact(state.request_id):
            contact = RequestContact(
                email=str(legacy["email"]),
                params=dict(legacy.get("params") or {}),
                answer_to=legacy.get("answer_to"),
            )
            self.requests.adopt_contact(state.request_id, state.subject_key, contact)

    def handlers(self) -> dict[RightsStep, Callable[[RightsTask], dict[str, Any]]]:
        return {
            RightsStep.RECORD: lambda task: self.record(task.state, task.execution),
            RightsStep.SEND_VERIFICATION: lambda task: self.send_verification(task.state, task.task_token),
            RightsStep.SEND_NEW_ADDRESS_VERIFICATION: lambda task: self.send_new_address_verification(
                task.state, task.task_token
            ),
            RightsStep.VERIFIED: lambda task: self.verified(task.state),
            RightsStep.ROUTE: lambda task: self.route(task.state),
            RightsStep.REQUEST_QUALIFICATION: lambda task: self.request_qualification(
                task.state, task.task_token
            ),
            RightsStep.CLOSE_UNVERIFIED: lambda task: self.close_unverified(task.state),
            RightsStep.ACT_ACCESS: lambda task: self.act_access(task.state),
            RightsStep.ACT_PORTABILITY: lambda task: self.act_portability(task.state),
            RightsStep.ACT_RECTIFICATION: lambda task: self.act_rectification(task.state),
            RightsStep.ACT_ERASURE: lambda task: self.act_erasure(task.state),
            RightsStep.ACT_RESTRICTION: lambda task: self.act_restriction(task.state),
            RightsStep.ACT_OBJECTION: lambda task: self.act_objection(task.state),
            RightsStep.ACT_WITHDRAW_CONSENT: lambda task: self.act_withdraw_consent(task.state),
            RightsStep.ACT_POST_MORTEM_DIRECTIVES: lambda task: self.act_post_mortem_directives(task.state),
            RightsStep.REQUEST_REVIEW: lambda task: self.request_review(task.state, task.task_token),
            RightsStep.REFUSE: lambda task: self.refuse(task.state),
            RightsStep.NOTIFY_RECIPIENTS: lambda task: self.notify_recipients(task.state),
            RightsStep.ANSWER: lambda task: self.answer(task.state),
            RightsStep.CLOSE: lambda task: self.close(task.state),
            RightsStep.NEEDS_OPERATOR: lambda task: self.needs_operator(task.state),
        }

    # -- verification -----------------------------------------------------------------------
    def record(self, state: RightsState, execution_id: str = "") -> dict[str, Any]:
        request_id = state.request_id
        self.requests.set_fields(request_id, execution_arn=execution_id)
        if state.verified:
            self.requests.transition(
                request_id, RequestStatus.IN_PROGRESS, "workflow_resumed", verified_by="operator"
            )
        else:
            self.requests.transition(request_id, RequestStatus.AWAITING_VERIFICATION, "workflow_started")
        return {**state.dump(), "verification_timeout_seconds": int(VERIFICATION_TTL.total_seconds())}

    def send_verification(self, state: RightsState, task_token: str) -> dict[str, Any]:
        """A callback step: the task answers when the person confirms (SendTaskSuccess). The email is
        the acknowledgement of receipt too: the due date and the mailbox's status link."""
        request_id = state.request_id
        token = self.requests.issue_verification(request_id, task_token)
        api = self.deps.public_api_url
        link = f"{api}/v1/rights-requests/verify?token={token}"
        status_link = (
            f"{api}/v1/rights-requests/{request_id}?token={self.requests.issue_mailbox_token(request_id)}"
        )
        record = self.requests.get(request_id)
        label = type_label_fr(record)
        email = self.requests.contact(request_id).email
        due_at = str(record["due_at"])
        self.deps.mail.send(
            templates.rights_verification(
                email, request_id, label, link, VERIFICATION_TTL.days, due_at=due_at, status_link=status_link
            )
        )
        self.requests.log(request_id, "verification_sent")
        return {}

    def send_new_address_verification(self, state: RightsState, task_token: str) -> dict[str, Any]:
        """A callback step for a rectification of the email address: the new address confirms it
        too, by a link sent to it (the requester's address has confirmed the request already)."""
        request_id = state.request_id
        new_address = _new_address(self.requests.contact(request_id))
        if new_address is None:  # the route read the same contact item: it cannot happen
            raise AddressChangeIncomplete("no new address to confirm")
        self.requests.transition(request_id, RequestStatus.AWAITING_VERIFICATION, "awaiting_new_address")
        token = self.requests.issue_verification(request_id, task_token, NEW_ADDRESS, NEW_ADDRESS_TTL)
        link = f"{self.deps.public_api_url}/v1/rights-requests/confirm-address?token={token}"
        self.deps.mail.send(
            templates.rights_new_address_verification(
                new_address, request_id, link, NEW_ADDRESS_TTL.days, about=state.subject_key
            )
        )
        self.requests.log(request_id, "new_address_verification_sent")
        return {}

    def verified(self, state: RightsState) -> dict[str, Any]:
        self.requests.transition(state.request_id, RequestStatus.IN_PROGRESS, "verified")
        return state.dump()

    def route(self, state: RightsState) -> dict[str, Any]:
        """Where a verified request goes: to an operator to qualify (an emailed request whose type or
        fields are unclear), joined to the person's open request of the same type (answered with it),
        or to its type's branch (the type is the record's: an operator may have qualified it)."""
        record = self.requests.get(state.request_id)
        if record.get("needs_qualification"):
            return {**state.dump(), "route": "qualify"}
        if record["status"] != RequestStatus.IN_PROGRESS.value:
            record = self.requests.transition(state.request_id, RequestStatus.IN_PROGRESS, "in_progress")
        first = self.requests.claim_open(record)
        if first is not None:
            logger.info("rights request linked", extra={"request_id": state.request_id, "first": first})
            return {**state.dump(), "route": "linked"}
        return {
            **state.dump(),
            "type": record["request_type"],
            "route": "act",
            **self._address_change(record),
        }

    def _address_change(self, record: Item) -> dict[str, Any]:
        """Whether the request changes the email address (the state machine then waits for the new
        address to confirm, within `new_address_timeout_seconds`): a flag, never the address."""
        changes = record["request_type"] == RequestType.RECTIFICATION.value and bool(
            _new_address(self.requests.contact(record["request_id"]))
        )
        timeout = {"new_address_timeout_seconds": int(NEW_ADDRESS_TTL.total_seconds())} if changes else {}
        return {"address_change": changes, **timeout}

    def request_qualification(self, state: RightsState, task_token: str) -> dict[str, Any]:
        """A callback step: the task answers when an operator qualifies the request. If that happened
        between the route and this step, the parked token is taken back and the route runs again."""
        parked = self.requests.park_for_operator(
            state.request_id, task_token, reason="to qualify", waiting_for=QUALIFICATION
        )
        qualified = not parked.get("needs_qualification")
        if qualified and self.requests.take_waiting(state.request_id, QUALIFICATION) is not None:
            raise AlreadyQualified(state.request_id)
        return {}

    def close_unverified(self, state: RightsState) -> dict[str, Any]:
        error = (state.error or {}).get("Error", "")
        self.requests.transition(state.request_id, RequestStatus.UNVERIFIED, "closed_unverified", cause=error)
        return {**state.dump(), "outcome": {"closed": "unverified"}}

    # -- acting on every store --------------------------------------------------------------
    def locate(self, subject_key: str, include_expired: bool = True) -> SubjectScan:
        return scan_subject(
            self.store,
            subject_key,
            buckets=self.deps.reach.buckets,
            objects=self.deps.reach.objects,
            logins=self.deps.reach.logins,
            include_expired=include_expired,
        )

    def _holds(self) -> Holds:
        return Holds(self.store, self.deps.reach.objects, self.deps.reach.buckets)

    def act_access(self, state: RightsState) -> dict[str, Any]:
        scan = self.locate(state.subject_key, include_expired=False)
        document = self._access_document(scan)
        links = self._export(
            state, {"json": _json_bytes(document), "summary": _summary_text(document).encode()}
        )
        self.requests.log(state.request_id, "access_export_ready", **scan.summary())
        return {**state.dump(), "outcome": {"links": links, "purposes": sorted(document["purposes"])}}

    def act_portability(self, state: RightsState) -> dict[str, Any]:
        scan = self.locate(state.subject_key, include_expired=False)
        provided = [
            i
            for i in scan.items
            if i.get("item_type") not in _NOT_PROVIDED and purpose(str(i.get("purpose"))).portability_applies
        ]
        rows = [_exportable(i) for i in provided]
        document = {"generated_at": clock.now().isoformat(), "controller": _controller(), "data": rows}
        links = self._export(state, {"json": _json_bytes(document), "csv": _csv_bytes(rows)})
        self.requests.log(state.request_id, "portability_export_ready", items=len(rows))
        # The names of the fields exported (what a transmission to another controller discloses).
        fields = sorted({name for row in rows for name in row if name not in ("item_type", "purpose")})
        return {**state.dump(), "outcome": {"links": links, "items": len(rows), "fields": fields}}

    def act_rectification(self, state: RightsState) -> dict[str, Any]:
        contact = self.requests.contact(state.request_id)
        corrections = _corrections(contact.params)
        new_address = _new_address(contact)
        # The address is not corrected in place: it moves with the subject key (`_move_address`).
        in_place = {k: v for k, v in corrections.items() if k != "email"}
        scan = self.locate(state.subject_key)
        logins = [login for login in scan.logins if login.exists]
        # The person's professional login cannot take an address another login already has.
        if new_address and logins and self.deps.reach.logins.exists(new_address):
            reason = "un compte professionnel existe déjà pour la nouvelle adresse email"
            self.requests.log(state.request_id, "address_change_refused", reason=reason)
            return {**state.dump(), "outcome": {"refused": True, "reason": reason}}
        updated: dict[str, int] = {}
        recipients = []
        for item in scan.items:
            if item.get("item_type") == "disclosure" and disclosed_to(item).kind == COMMERCIAL_PARTNER:
                # A partner export's record names the fields sent, not their values: the partner is
                # told the corrections of the fields it received (C4-06).
                received = sorted(set(corrections) & set(disclosed_to(item).fields))
                if received:
                    recipients.append(recipient(item, "rectification", received))
                continue
            changed = _apply_corrections(item, in_place)
            if changed:
                self.store.put(item)
                updated[item["item_type"]] = updated.get(item["item_type"], 0) + 1
            told = [k for k in changed if k in corrections]
            if new_address and holds_address(item, contact.email):
                told.append("email")  # Art. 19: the new address is a correction the recipient is told
            if item.get("item_type") == "disclosure" and told:
                recipients.append(recipient(item, "rectification", told))
        self.requests.log(state.request_id, "rectified", fields=sorted(corrections), updated=updated)
        moved: dict[str, Any] = {}
        if new_address:
            moved = self._move_address(state, contact.email, new_address, logins)
        return {
            **state.dump(),
            **({"subject_key": moved["subject_key"]} if moved else {}),
            "outcome": {"updated": updated, "fields": sorted(corrections), **moved.get("outcome", {})},
            "recipients": recipients,
        }

    def _move_address(
        self, state: RightsState, old_address: str, new_address: str, logins: list[HeldLogin]
    ) -> dict[str, Any]:
        """Everything held under the old address's subject key moves to the new one's: the login first
        (found from the profile, which still names the old address if a previous run failed after),
        then every item; the old key is left with its suppression entry only. Safe to run again."""
        old_key, new_key = state.subject_key, subject_key(new_address)
        for login in logins:
            self.deps.reach.logins.change_email(login.username, new_address)
        change = AddressChange(old_key, new_key, old_address, new_address)
        # This request's contact keeps the address the request came from: the answer goes there too.
        result = rekey_subject(
            self.store, change, keep_address=lambda item: is_contact_of(item, state.request_id)
        )
        subjects = Subjects(self.store)
        if not subjects.status(old_key).suppressed:
            subjects.suppress(old_key, reason="address_changed")
        left = {str(i.get("item_type")) for i in self.locate(old_key).items} - ADDRESS_BOUND
        if left:
            raise AddressChangeIncomplete(f"still under the old subject key: {sorted(left)}")
        self.requests.log(
            state.request_id,
            "address_changed",
            moved=dict(result.moved),
            updated=dict(result.updated),
            kept_existing=dict(result.kept_existing),
            logins=len(logins),
        )
        return {
            "subject_key": new_key,
            "outcome": {"address_changed": True, "items_moved": result.total, "login_changed": bool(logins)},
        }

    def act_erasure(self, state: RightsState) -> dict[str, Any]:
        subject_key = state.subject_key
        scan = self.locate(subject_key)
        archived_pks = {
            i["pk"]
            for i in scan.items
            if i.get("item_type") == "professional"
            and i.get("status") == "delisted"
            and i.get("purpose") == PurposeId.PROFESSIONAL_LISTING.value
        }
        erased: dict[str, int] = {}
        # Art. 17(3)(e): what a hold keeps for a legal claim stays, and goes once the hold is lifted.
        holds = self._holds()
        held: dict[str, int] = {}
        recipients = []
        for obj in scan.objects:
            if obj.exists and not obj.legal_hold and not _archived(obj.key, archived_pks, scan):
                self.deps.reach.objects.delete(obj.bucket, obj.key)
                erased[f"s3:{obj.store}"] = erased.get(f"s3:{obj.store}", 0) + 1
        for login in scan.logins:  # a login serves the person, not the listing archive: it goes
            if login.exists:
                self.deps.reach.logins.delete(login.username)
                erased["professional_login"] = erased.get("professional_login", 0) + 1
        for item in scan.items:
            kind = str(item.get("item_type", "unknown"))
            if kind in ERASURE_KEEPS or item["pk"] in archived_pks or is_contact_of(item, state.request_id):
                continue  # this request's contact: its answer needs it (`answer` deletes it once sent)
            if is_held(item) and holds.erase_on_release(item):
                held[kind] = held.get(kind, 0) + 1
                continue
            if kind == "disclosure":
                recipients.append(recipient(item, "erasure"))
            # Art. 7(1): a consent event leaves its pseudonymous proof in its place, for its 5 years.
            if kind == CONSENT_EVENT:
                self.store.put(pseudonymous_proof(item))
            else:
                self.store.delete(item["pk"], item["sk"])
            erased[kind] = erased.get(kind, 0) + 1
        Subjects(self.store).suppress(subject_key, reason="erasure")
        proof = self.locate(subject_key)
        left = {
            str(i.get("item_type"))
            for i in proof.items
            if i["pk"] not in archived_pks and not is_contact_of(i, state.request_id) and not is_held(i)
        } - ERASURE_KEEPS
        left_objects = [
            o
            for o in proof.objects
            if o.exists and not o.legal_hold and not _archived(o.key, archived_pks, proof)
        ]
        left_logins = [login for login in proof.logins if login.exists]
        if left or left_objects or left_logins:
            raise ErasureIncomplete(
                f"still held after erasure: {sorted(left)} objects={len(left_objects)} logins={len(left_logins)}"
            )
        kept = [
            {
                "item_type": "professional",
                "purpose": PurposeId.PROFESSIONAL_LISTING.value,
                "retention": purpose(PurposeId.PROFESSIONAL_LISTING).retention.text_fr,
            }
            for _ in archived_pks
        ]
        held_objects = sum(1 for o in proof.objects if o.exists and o.legal_hold)
        if held_objects:
            held["s3:documents"] = held_objects
        self.requests.log(
            state.request_id, "erased", erased=erased, kept=len(kept), held=held, proof=proof.summary()
        )
        return {
            **state.dump(),
            "outcome": {"erased": erased, "kept": kept, "held": held, "proof": proof.summary()},
            "recipients": recipients,
        }

    def act_restriction(self, state: RightsState) -> dict[str, Any]:
        subject_key = state.subject_key
        Subjects(self.store).restrict(subject_key, reason=f"rights request {state.request_id}")
        grounds = self.requests.contact(state.request_id).params.get("grounds")
        hold_id = None
        if grounds == RestrictionGrounds.LEGAL_CLAIMS:
            # Art. 18(1)(c): the person needs the data for a legal claim: its retention clock stops
            # until an operator lifts the restriction (C7-05).
            hold_id = restriction_hold_id(state.request_id)
            self._holds().place(
                subject_key,
                reason=RestrictionGrounds.LEGAL_CLAIMS.value,
                placed_by="rights_request",
                origin=HoldOrigin.RESTRICTION,
                hold_id=hold_id,
                request_id=state.request_id,
            )
        recipients = [
            recipient(i, "restriction")
            for i in self.locate(subject_key, include_expired=False).items
            if i.get("item_type") == "disclosure"
        ]
        held = {"hold_id": hold_id} if hold_id else {}
        self.requests.log(state.request_id, "restricted", **({"grounds": grounds} if grounds else {}), **held)
        self.requests.set_fields(state.request_id, restriction_active=True, **held)
        outcome: dict[str, Any] = {"restricted": True, **({"held": True} if hold_id else {})}
        return {**state.dump(), "outcome": outcome, "recipients": recipients}

    def act_objection(self, state: RightsState) -> dict[str, Any]:
        """Each purpose asked is answered as the register says (`Purpose.objection`); only where the
        objection applies is it recorded, and what reads that record stops (similar-services mail)."""
        params = self.requests.contact(state.request_id).params
        asked = [PurposeId(p) for p in params.get("purposes") or [PurposeId.SIMILAR_SERVICES_EMAILS]]
        applies = [p for p in asked if purpose(p).objection.applies]
        refused = [p for p in asked if not purpose(p).objection.applies]
        if applies:
            Subjects(self.store).object_to(state.subject_key, applies)
        self.requests.log(
            state.request_id,
            "objection_recorded",
            applied=[p.value for p in applies],
            not_applicable=[p.value for p in refused],
        )
        return {
            **state.dump(),
            "outcome": {"applied": [p.value for p in applies], "not_applicable": [p.value for p in refused]},
        }

    def act_withdraw_consent(self, state: RightsState) -> dict[str, Any]:
        """Each purpose's consent ends as the register says (`Purpose.withdrawal`): the ledger records the
        withdrawal, and what rested on it stops now (newsletter subscription, leads in professionals'
        spaces; partner exports read the ledger). Cookie choices are the browser's: withdrawn here only
        when the request gives the visitor id of a recorded choice, else the answer says how."""
        subject_key = state.subject_key
        params = self.requests.contact(state.request_id).params
        asked = [PurposeId(p) for p in params["purposes"]]
        withdrawn = [p for p in asked if purpose(p).withdrawal.applies]
        elsewhere = [p for p in asked if not purpose(p).withdrawal.applies]
        cookies = [p for p in elsewhere if purpose(p).is_cookie]
        # Only a cookie withdrawal reads recorded choices: their models (and the API's) load with it.
        from jaqe.marketing.cookies import withdraw_recorded_choice

        by_visitor_id = bool(
            cookies
            and params.get("visitor_id")
            and withdraw_recorded_choice(self.store, params["visitor_id"], cookies)
        )
        if by_visitor_id:
            elsewhere = [p for p in elsewhere if p not in cookies]
        ledger = ConsentLedger(self.store)
        for purpose_id in withdrawn:
            ledger.withdraw(subject_key, purpose_id, channel="rights_request", policy_version=POLICY_VERSION)
        located = self.locate(subject_key).items if withdrawn else []
        stopped = {"subscriptions_removed": 0, "leads_hidden": 0}
        if PurposeId.NEWSLETTER in withdrawn:
            # Newsletter data is kept "until you unsubscribe": it goes now.
            for item in located:
                if item.get("item_type") == "newsletter_subscription":
                    self.store.delete(item["pk"], item["sk"])
                    stopped["subscriptions_removed"] += 1
        if PurposeId.QUOTE_MATCHING in withdrawn:
            shared = [i for i in located if i.get("item_type") == "disclosure" and i.get("pro_id")]
            stopped["leads_hidden"] = withdraw_from_professionals(self.store, shared)
        self.requests.log(
            state.request_id,
            "consent_withdrawn",
            purposes=[p.value for p in withdrawn],
            cookie_choice_withdrawn=by_visitor_id,
            not_here=[p.value for p in elsewhere],
            **stopped,
        )
        outcome = {
            "withdrawn": [p.value for p in withdrawn],
            "cookie_choice_withdrawn": [p.value for p in cookies] if by_visitor_id else [],
            "not_here": [p.value for p in elsewhere],
            "visitor_id_unknown": bool(cookies and params.get("visitor_id") and not by_visitor_id),
        }
        return {**state.dump(), "outcome": outcome}

    def act_post_mortem_directives(self, state: RightsState) -> dict[str, Any]:
        subject_key = state.subject_key
        params = self.requests.contact(state.request_id).params
        if params.get(post_mortem.EXECUTION_PARAM) == "communicate":
            # The designated person confirmed their address: the access export, which `answer` sends
            # them with the directives.
            accessed = self.act_access(state)
            return {**accessed, "outcome": {**accessed["outcome"], "action": "communicate"}}
        directives = params["directives"]
        action = directives.get("action", "set")
        pk, sk = post_mortem_key(subject_key)
        found = self.store.get(pk, sk) is not None
        if action == "set":
            self.store.put(post_mortem_directives(subject_key, directives, state.request_id))
        elif action == "revoke" and found:
            self.store.delete(pk, sk)
        self.requests.log(state.request_id, f"post_mortem_{action}", found=found)
        return {**state.dump(), "outcome": {"action": action, "found": found}}

    # -- operator step ----------------------------------------------------------------------
    def request_review(self, state: RightsState, task_token: str) -> dict[str, Any]:
        """A callback step: the task answers with the operator's decision."""
        self.requests.park_for_operator(
            state.request_id, task_token, reason=f"{state.type.value} to validate"
        )
        return {}

    def refuse(self, state: RightsState) -> dict[str, Any]:
        review = state.review or {}
        self.requests.log(
            state.request_id,
            "refused_by_operator",
            reason=review.get("reason", ""),
            operator=review.get("operator", ""),
        )
        return {**state.dump(), "outcome": {"refused": True, "reason": review.get("reason", "")}}

    # -- Art. 19, answer, close -------------------------------------------------------------
    def notify_recipients(self, state: RightsState) -> dict[str, Any]:
        """Art. 19: every recipient of a disclosure is told, whatever its kind; each notice is recorded
        under the request (ids only). A partner without a directory contact becomes an operator's task."""
        told = {PROFESSIONAL: 0, COMMERCIAL_PARTNER: 0, "operator_task": 0, "unreachable": 0}
        corrected = (
            _corrections(self.requests.contact(state.request_id).params)
            if any(r.fields for r in state.recipients or [])
            else {}
        )
        for to in state.recipients or []:
            values = {f: corrected[f] for f in to.fields if f in corrected} or None
            outcome = self._notify(state, to, values)
            told[outcome] += 1
            self.requests.record_notice(
                state.request_id,
                to.kind,
                to.recipient_id,
                to.reference,
                notice=to.notice,
                fields=to.fields,
                outcome="sent" if outcome in (PROFESSIONAL, COMMERCIAL_PARTNER) else outcome,
            )
        sent = told[PROFESSIONAL] + told[COMMERCIAL_PARTNER]
        self.requests.log(
            state.request_id,
            "recipients_notified",
            count=sent,
            professionals=told[PROFESSIONAL],
            commercial_partners=told[COMMERCIAL_PARTNER],
            operator_tasks=told["operator_task"],
            unreachable=told["unreachable"],
        )
        pending = told["operator_task"] + told["unreachable"]  # told by an operator instead
        return {k: v for k, v in state.dump().items() if k != "recipients"} | {
            "recipients_notified": sent,
            "recipients_pending": pending,
        }

    def _notify(self, state: RightsState, to: Recipient, corrected: dict[str, str] | None) -> str:
        """Send one notice; what became of it: its recipient kind (sent), operator_task or unreachable."""
        if to.kind == PROFESSIONAL:
            profile = self.store.get(profile_pk(to.recipient_id), PROFILE_SK)
            email = ((profile or {}).get("contact") or {}).get("email")
            if not email:
                self.requests.log(state.request_id, "recipient_unreachable", pro_id=to.recipient_id)
                return "unreachable"
            self.deps.mail.send(
                templates.rights_recipient_notice(
                    email, to.notice, to.reference, corrected, about=state.subject_key
                )
            )
            return PROFESSIONAL
        directory = PartnerDirectory(self.store)
        contact = directory.contact_of(to.recipient_id)
        if not contact:
            directory.open_task(
                state.request_id,
                to.recipient_id,
                notice=to.notice,
                export_id=to.reference,
                person_reference=to.person_reference,
                fields=to.fields,
            )
            logger.warning(
                "partner notice left to an operator",
                extra={"request_id": state.request_id, "export_id": to.reference},
            )
            return "operator_task"
        # An export made before references: the partner knows the person by the address it received.
        person = to.person_reference or self.requests.contact(state.request_id).email
        self.deps.mail.send(
            templates.rights_partner_notice(
                contact,
                to.notice,
                to.reference,
                person,
                sorted(to.fields),
                corrected,
                about=state.subject_key,
            )
        )
        return COMMERCIAL_PARTNER

    def answer(self, state: RightsState) -> dict[str, Any]:
        kind = state.type
        pending = int((state.model_extra or {}).get("recipients_pending", 0))
        outcome = {**(state.outcome or {}), "recipients_pending": pending}
        contact = self.requests.contact(state.request_id)
        if kind is RequestType.PORTABILITY:
            outcome.update(self._transmit(state, contact))  # an address: in this answer, never in the state
        # An email rectification is answered at the new address, and at the old one it replaced.
        new_address = _new_address(contact) if outcome.get("address_changed") else None
        paragraphs, no_action = answer_paragraphs(
            kind, outcome, self._directives_text(state), new_address=new_address
        )
        to = new_address or contact.reply_to
        self.deps.mail.send(
            templates.rights_answer(to, state.request_id, kind.label_fr, paragraphs, no_action=no_action)
        )
        if new_address:
            self.deps.mail.send(
                templates.rights_answer_to_previous_address(
                    contact.email, state.request_id, kind.label_fr, paragraphs, about=state.subject_key
                )
            )
            # Kept for this answer only: now sent, the request's contact names the new address too.
            self.requests.readdress_contact(state.request_id, new_address)
        if outcome.get("action") == "communicate":
            PostMortemRecords(self.store).communicated(state.subject_key, state.request_id)
        erased = kind is RequestType.ERASURE and not (state.outcome or {}).get("refused")
        if erased:
            # The address was kept for this answer only: now sent, it goes too (the record keeps none).
            self.requests.forget_contact(state.request_id)
        self.requests.log(state.request_id, "answered", no_action=no_action, contact_erased=erased)
        return state.dump()

    def close(self, state: RightsState) -> dict[str, Any]:
        refused = bool((state.outcome or {}).get("refused"))
        status = RequestStatus.REFUSED if refused else RequestStatus.COMPLETED
        record = self.requests.transition(state.request_id, status, "closed")
        self.requests.release_open(record)
        self.requests.close_linked(record)
        return {"request_id": state.request_id, "status": status.value}

    def needs_operator(self, state: RightsState) -> dict[str, Any]:
        error = state.error or {}
        self.requests.transition(
            state.request_id,
            RequestStatus.NEEDS_OPERATOR,
            "needs_operator",
            error=str(error.get("Error", "unknown")),
        )
        logger.error(
            "rights request needs an operator",
            extra={"request_id": state.request_id, "error": error.get("Error")},
        )
        return state.dump()

    def _transmit(self, state: RightsState, contact: RequestContact) -> dict[str, Any]:
        """Art. 20(2): the export links go to the controller the person named as well, and that
        disclosure at the person's request is recorded (shown in an access export's `disclosed_to`)."""
        to = contact.params.get("recipient_email")
        outcome = state.outcome or {}
        if not to or outcome.get("refused"):
            return {}
        if not outcome.get("items"):
            return {"not_transmitted_to": to}
        self.deps.mail.send(
            templates.portability_transmission(
                to, contact.email, state.request_id, outcome["links"], about=state.subject_key
            )
        )
        fields = [str(f) for f in outcome.get("fields", [])]
        self.requests.record_transmission(state.request_id, state.subject_key, to, fields)
        self.requests.log(state.request_id, "transmitted_to_controller", fields=fields)
        return {"transmitted_to": to}

    # -- helpers ----------------------------------------------------------------------------
    def _directives_text(self, state: RightsState) -> str | None:
        if state.type != RequestType.POST_MORTEM_DIRECTIVES:
            return None
        item = self.store.get(*post_mortem_key(state.subject_key))
        return json.dumps(item["directives"], ensure_ascii=False, indent=2) if item else None

    def _access_document(self, scan: SubjectScan) -> dict[str, Any]:
        purposes = {str(i.get("purpose")) for i in scan.items}
        disclosures = sorted(
            (i for i in scan.items if i.get("item_type") in DISCLOSURE_TYPES),
            key=lambda i: str(i.get("disclosed_at", "")),
        )
        return {
            "generated_at": clock.now().isoformat(),
            "controller": _controller(),
            "data": [_exportable(i) for i in scan.items],
            "documents": [
                {"key": o.key.rsplit("/", 1)[-1], "purpose": o.purpose}
                for o in scan.objects
                if o.exists and o.store == "documents"
            ],
            "disclosed_to": [_disclosure_view(i) for i in disclosures],
            # Each consent's current state (a commercial partners consent pending, confirmed or lapsed).
            "consents": consent_statuses(scan.items),
            # What keeps the person's data past its retention, why and since when.
            "holds": holds_entry(scan.items),
            "purposes": {
                p: _purpose_info(p) for p in sorted(purposes) if p in PurposeId.__members__.values()
            },
        }

    def _export(self, state: RightsState, parts: dict[str, bytes]) -> dict[str, str]:
        request_id = state.request_id
        token = new_token()
        keys = {}
        types = {"json": "application/json", "csv": "text/csv", "summary": "text/plain"}
        for fmt, body in parts.items():
            key = f"exports/{request_id}/{new_token()[:16]}.{fmt if fmt != 'summary' else 'txt'}"
            self.deps.reach.objects.put(
                self.deps.reach.exports_bucket, key, body, types[fmt] + "; charset=utf-8"
            )
            keys[fmt] = key
        expires = clock.now() + EXPORT_TTL
        self.store.put(export_item(request_id, state.subject_key, token_digest(token), keys, expires))
        base = f"{self.deps.public_api_url}/v1/rights-requests/{request_id}/export?token={token}"
        return {fmt: f"{base}&format={fmt}" for fmt in keys} | {"expires_at": expires.isoformat()}


def _corrections(params: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in (params.get("corrections") or {}).items() if k in CORRECTABLE and v}


def _new_address(contact: RequestContact) -> str | None:
    """The new address an email rectification asks for, if it is not the request's own (the API
    refuses that; a request qualified by an operator may still carry it: it changes nothing)."""
    new = _corrections(contact.params).get("email")
    return new if new and normalise_email(new) != normalise_email(contact.email) else None


def _archived(key: str, archived_pks: set[str], scan: SubjectScan) -> bool:
    return any(i.get("s3_key") == key and i["pk"] in archived_pks for i in scan.items)


def _apply_corrections(item: Item, corrections: dict[str, str]) -> list[str]:
    """Apply corrections in place where the item holds those fields; the fields changed."""
    changed: list[str] = []
    places = [item] + [item[k] for k in ("contact", "shared") if isinstance(item.get(k), dict)]
    places += (
        [item["shared"]["contact"]]
        if isinstance(item.get("shared"), dict) and isinstance(item["shared"].get("contact"), dict)
        else []
    )
    for place in places:
        for name, value in corrections.items():
            if name in place and place[name] != value:
                place[name] = value
                changed.append(name)
    if item.get("item_type") == "contact_message" and {"first_name", "last_name"} <= corrections.keys():
        item["name"] = f"{corrections['first_name']} {corrections['last_name']}"
        changed.append("name")
    return sorted(set(changed))


def _exportable(item: Item) -> dict[str, Any]:
    data = {k: v for k, v in item.items() if k not in _TECHNICAL}
    return json.loads(json.dumps(data, default=_plain))


def _plain(value: Any) -> Any:
    return int(value) if float(value).is_integer() else float(value)


def _controller() -> dict[str, str]:
    return {
        "name": f"{CONTROLLER_NAME} SARL",
        "rcs": CONTROLLER_RCS,
        "address": CONTROLLER_ADDRESS,
        "email": CONTROLLER_EMAIL,
    }


def _purpose_info(purpose_id: str) -> dict[str, Any]:
    p = purpose(purpose_id)
    return {
        "name": p.name_fr,
        "description": p.description_fr,
        "legal_bases": [b.label_fr for b in p.legal_bases],
        "retention": p.retention.text_fr,
        "recipients": [
            {
                "name": RECIPIENTS[r].name_fr,
                "country": RECIPIENTS[r].country,
                "transfer_safeguard": RECIPIENTS[r].transfer_safeguard,
            }
            for r in p.recipients
        ],
        "data_categories": list(p.data_categories_fr),
    }


def _disclosure_view(item: Item) -> dict[str, Any]:
    """Who received the data (Art. 15(1)(c)), and whether a partner keeps it for an accepted quote."""
    recipient = RECIPIENTS[str(item.get("recipient", "listed_professionals"))]
    view: dict[str, Any] = {
        "recipient": recipient.name_fr,
        "company": item.get("company_name", item.get("recipient_email", "")),
        "disclosed_at": str(item.get("disclosed_at", "")),
        "fields": list(item.get("fields", [])),
    }
    if item.get("pro_id"):
        view["professional_id"] = item["pro_id"]
    if item.get("at_request_of"):  # a portability transmission the person asked for (Art. 20(2))
        view["at_request_of"] = item["at_request_of"]
    if item.get("accepted"):
        view["accepted_at"] = str(item.get("accepted_at", ""))
        view["kept_by_partner"] = (
            "Devis accepté : ce partenaire conserve vos données pendant la durée nécessaire à la prestation."
        )
    return view


def _json_bytes(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()


def _csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["item", "purpose", "field", "value"])
    for index, row in enumerate(rows):
        for name, value in _flatten(row):
            writer.writerow(
                [f"{row.get('item_type', 'item')}-{index + 1}", row.get("purpose", ""), name, value]
            )
    return buffer.getvalue().encode()


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _flatten(v, f"{prefix}{k}.")]
    if isinstance(value, list):
        return [pair for i, v in enumerate(value) for pair in _flatten(v, f"{prefix}{i}.")]
    return [(prefix.rstrip("."), value)]


def _summary_text(document: dict[str, Any]) -> str:
    lines = [
        "Données vous concernant détenues par JAQE",
        f"Établi le {document['generated_at'][:10]}",
        "",
        f"Responsable du traitement : {document['controller']['name']}, {document['controller']['rcs']}, {document['controller']['address']}",
        "",
    ]
    for purpose_id, info in document["purposes"].items():
        items = [d for d in document["data"] if d.get("purpose") == purpose_id]
        lines += [
            f"== {info['name']} ({len(items)} élément(s))",
            f"Base légale : {', '.join(info['legal_bases'])}",
            f"Durée de conservation : {info['retention']}",
            "Destinataires : "
            + "; ".join(
                f"{r['name']} ({r['country']}, {r['transfer_safeguard']})" for r in info["recipients"]
            ),
        ]
        for entry in items:
            lines.append("  - " + ", ".join(f"{k}: {v}" for k, v in _flatten(entry) if k not in ("purpose",)))
        lines.append("")
    if document["disclosed_to"]:
        lines.append("Ont reçu vos données :")
        for disclosure in document["disclosed_to"]:
            kept = f" — {disclosure['kept_by_partner']}" if "kept_by_partner" in disclosure else ""
            lines.append(
                f"  - {disclosure['company']} ({disclosure['recipient']}), le {disclosure['disclosed_at'][:10]}{kept}"
            )
    return "\n".join(lines) + "\n"


def _recipients_told(outcome: dict[str, Any], told: str) -> str:
    """Art. 19 as it happened: notices sent, and those an operator still carries (no email contact)."""
    pending = int(outcome.get("recipients_pending", 0))
    sentence = f"Les destinataires qui avaient reçu vos données ont été {told}"
    if not pending:
        return sentence + "."
    return (
        f"{sentence} ; {pending} d'entre eux, que nous ne pouvons joindre par email, le seront "
        "directement par notre équipe."
    )


def _effects(asked: list[str], effect: Callable[[Purpose], RightEffect]) -> list[str]:
    """One paragraph per purpose asked, in the register's words: what stopped, or why it does not."""
    return [f"« {purpose(p).name_fr} » : {effect(purpose(p)).text_fr}." for p in asked]


def _counts(by_kind: dict[str, int]) -> str:
    """`lead : 1, disclosure : 2`: what an erasure did or kept, kind by kind."""
    return ", ".join(f"{k} : {v}" for k, v in sorted(by_kind.items()))


def _address_changed_paragraphs(outcome: dict[str, Any], new_address: str | None) -> list[str]:
    """What an email rectification did: where the data now is, the login, the old address, the rest."""
    login = (
        " ; votre identifiant de connexion à JAQE Pro est désormais cette adresse"
        if outcome.get("login_changed")
        else ""
    )
    paragraphs = [
        f"Votre adresse email est désormais {new_address or 'celle que vous nous avez indiquée'} : les "
        f"{outcome.get('items_moved', 0)} élément(s) que nous détenons à votre sujet y sont rattachés{login}.",
        "Nous ne conservons de l'ancienne adresse qu'une empreinte pseudonymisée sur notre liste "
        "d'opposition : elle ne recevra plus d'envoi commercial de notre part.",
    ]
    others = [f for f in outcome.get("fields", []) if f != "email"]
    done = sum(outcome.get("updated", {}).values())
    if others and done:
        paragraphs.append(
            f"Vos autres données ont été rectifiées ({', '.join(others)}) dans {done} enregistrement(s)."
        )
    paragraphs.append(_recipients_told(outcome, "informés de la rectification"))
    return paragraphs


def answer_paragraphs(
    kind: RequestType,
    outcome: dict[str, Any],
    directives: str | None = None,
    *,
    new_address: str | None = None,
) -> tuple[list[str], bool]:
    """The body of the answer to the person, and whether it is a refusal / no-action answer."""
    if outcome.get("refused"):
        return [
            f"Nous ne pouvons pas donner suite à votre demande. Motif : {outcome.get('reason') or 'non précisé'}."
        ], True
    links = outcome.get("links") or {}
    expiry = str(links.get("expires_at", ""))[:10]
    if kind is RequestType.ACCESS:
        return [
            "Vous trouverez à ce lien l'ensemble des données que nous détenons à votre sujet (JSON), avec pour "
            "chaque traitement sa finalité, sa base légale, sa durée de conservation et ses destinataires :\n"
            f"{links.get('json')}",
            f"Résumé lisible :\n{links.get('summary')}",
            f"Ces liens sont personnels et expirent le {expiry}.",
        ], False
    if kind is RequestType.PORTABILITY:
        paragraphs = [
            "Voici les données que vous nous avez fournies, pour les traitements fondés sur votre consentement "
            f"ou sur un contrat, dans un format structuré et lisible par machine :\nJSON : {links.get('json')}\nCSV : {links.get('csv')}",
            f"Ces liens sont personnels et expirent le {expiry}. Vous pouvez transmettre ces fichiers à un autre responsable de traitement.",
        ]
        if outcome.get("transmitted_to"):
            paragraphs.append(
                f"À votre demande, ces liens ont aussi été envoyés à {outcome['transmitted_to']}, le responsable "
                "de traitement que vous avez indiqué (article 20.2 du RGPD). Cette transmission figure "
                "désormais parmi les destinataires de vos données."
            )
        elif outcome.get("not_transmitted_to"):
            paragraphs.append(
                f"Nous n'avons trouvé aucune donnée à transmettre : rien n'a été envoyé à {outcome['not_transmitted_to']}."
            )
        return paragraphs, outcome.get("items", 0) == 0
    if kind is RequestType.RECTIFICATION and outcome.get("address_changed"):
        return _address_changed_paragraphs(outcome, new_address), False
    if kind is RequestType.RECTIFICATION:
        fields = ", ".join(outcome.get("fields", []))
        done = sum(outcome.get("updated", {}).values())
        if not done:
            return [f"Nous n'avons trouvé aucune donnée à rectifier ({fields})."], True
        return [
            f"Vos données ont été rectifiées ({fields}) dans {done} enregistrement(s). "
            + _recipients_told(outcome, "informés de la rectification")
        ], False
    if kind is RequestType.ERASURE:
        erased = outcome.get("erased", {})
        remains = what_remains_after_erasure(archived_profile=bool(outcome.get("kept")))
        paragraphs = [
            f"Nous avons effacé {sum(erased.values())} élément(s) vous concernant"
            + (f" ({_counts(erased)})." if erased else "."),
            _recipients_told(outcome, "invités à les effacer")
            + " Une vérification complète de nos bases, de nos fichiers et des comptes de connexion après l'effacement confirme "
            "qu'il n'en reste rien, à l'exception de ce qui suit :\n"
            + "\n".join(f"- {line} ;" for line in remains),
        ]
        held = outcome.get("held") or {}
        if held:
            paragraphs.append(
                f"Une mesure de conservation liée à un litige ou à un droit en justice est en cours : "
                f"{sum(held.values())} élément(s) ({_counts(held)}) "
                "sont conservés le temps de cette procédure, sans autre usage (article 17.3.e du RGPD). Ils "
                "seront effacés dès la levée de cette mesure, sans nouvelle demande de votre part ; la trace "
                "de la mesure (motif et dates, sous un identifiant pseudonymisé) est gardée cinq ans après sa levée."
            )
        return paragraphs, not erased
    if kind is RequestType.RESTRICTION:
        return [
            "Le traitement de vos données est limité : elles ne sont plus utilisées pour des mises en relation, "
            "des partages ni des envois commerciaux. Nous vous informerons avant de lever cette limitation. "
            + _recipients_told(outcome, "informés de cette limitation")
        ], False
    if kind is RequestType.OBJECTION:
        asked = [*outcome.get("applied", []), *outcome.get("not_applicable", [])]
        return _effects(asked, lambda p: p.objection), bool(outcome.get("not_applicable"))
    if kind is RequestType.WITHDRAW_CONSENT:
        paragraphs = _effects(
            [*outcome.get("withdrawn", []), *outcome.get("not_here", [])], lambda p: p.withdrawal
        )
        paragraphs += _effects(outcome.get("cookie_choice_withdrawn", []), lambda _: COOKIE_CHOICE_WITHDRAWN)
        if outcome.get("visitor_id_unknown"):
            paragraphs.append(
                "Aucun choix en matière de cookies n'est enregistré pour l'identifiant de visiteur indiqué."
            )
        done = outcome.get("withdrawn") or outcome.get("cookie_choice_withdrawn")
        if done:
            paragraphs.append(
                "Votre retrait prend effet immédiatement ; il ne remet pas en cause les traitements effectués "
                "avant celui-ci."
            )
        return paragraphs, not done
    action = outcome.get("action")
    if action == "communicate":  # to the designated person, who confirmed their address
        return [
            "Vous avez été désigné(e) pour recevoir, après son décès, les données qu'une personne avait confiées "
            "à JAQE. Conformément à ses directives (loi Informatique et Libertés, article 85), les voici.",
            f"Ses directives :\n{directives}",
            "Ses données (JSON), avec pour chaque traitement sa finalité, sa base légale, sa durée de "
            f"conservation et ses destinataires :\n{links.get('json')}",
            f"Résumé lisible :\n{links.get('summary')}",
            f"Ces liens sont personnels et expirent le {expiry}.",
        ], False
    if action == "set":
        return [
            "Vos directives relatives au sort de vos données après votre décès sont enregistrées. Vous pouvez les "
            "consulter ou les révoquer à tout moment par une nouvelle demande."
        ], False
    if action == "revoke":
        if not outcome.get("found"):
            return ["Nous n'avons trouvé aucune directive enregistrée à révoquer."], True
        return ["Vos directives post mortem ont été révoquées."], False
    if directives is None:
        return ["Aucune directive post mortem n'est enregistrée pour cette adresse."], True
    return [f"Vos directives post mortem enregistrées :\n{directives}"], False
