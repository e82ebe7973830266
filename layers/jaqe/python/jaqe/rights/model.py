"""What a person may ask: the eight request types and their own fields (validated at the API)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jaqe.platform import clock
from jaqe.platform.validation import Email, FrenchPhone, LongText, Name, normalise_email
from jaqe.privacy.register import PurposeId, purpose


class RequestType(StrEnum):
    WITHDRAW_CONSENT = "withdraw_consent"
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    PORTABILITY = "portability"
    OBJECTION = "objection"
    POST_MORTEM_DIRECTIVES = "post_mortem_directives"

    @property
    def label_fr(self) -> str:
        return _LABELS_FR[self]


_LABELS_FR = {
    RequestType.WITHDRAW_CONSENT: "retrait du consentement",
    RequestType.ACCESS: "droit d'accès",
    RequestType.RECTIFICATION: "droit de rectification",
    RequestType.ERASURE: "droit à l'effacement",
    RequestType.RESTRICTION: "droit à la limitation du traitement",
    RequestType.PORTABILITY: "droit à la portabilité",
    RequestType.OBJECTION: "droit d'opposition",
    RequestType.POST_MORTEM_DIRECTIVES: "directives post mortem",
}


class RequestStatus(StrEnum):
    RECEIVED = "received"
    AWAITING_VERIFICATION = "awaiting_verification"
    IN_PROGRESS = "in_progress"
    AWAITING_OPERATOR = "awaiting_operator"
    NEEDS_OPERATOR = "needs_operator"
    LINKED = "linked"  # joined to an earlier open request of the same type: answered with it
    COMPLETED = "completed"
    REFUSED = "refused"
    UNVERIFIED = "unverified"
    CLOSED = "closed"  # not a rights request after all: an operator answered and closed it

    @property
    def is_open(self) -> bool:
        return self not in (
            RequestStatus.COMPLETED,
            RequestStatus.REFUSED,
            RequestStatus.UNVERIFIED,
            RequestStatus.CLOSED,
        )


# defer_build: a model's validator is built when a request first uses it, not when a function that
# routes a dozen of them imports this module (bench/cold_start.py).


class Corrections(BaseModel):
    """Fields a person may correct; each is validated like at collection time."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    first_name: Name | None = None
    last_name: Name | None = None
    phone: FrenchPhone | None = None
    company_name: Name | None = None
    # The new address: confirmed by a link sent to it, then everything held moves to its subject key.
    email: Email | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Corrections:
        if not self.model_dump(exclude_none=True):
            raise ValueError("indiquez au moins un champ à corriger")
        return self


class DesignatedPerson(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: Name
    email: Email


class Directives(BaseModel):
    """Post-mortem directives (loi Informatique et Libertés, art. 85)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    action: Literal["set", "read", "revoke"] = "set"
    kind: Literal["general", "specific"] = "specific"
    on_death: Literal["erase", "keep", "communicate"] = "erase"
    instructions: LongText | None = None
    designated_person: DesignatedPerson | None = None

    @model_validator(mode="after")
    def _complete(self) -> Directives:
        if self.action == "set" and self.instructions is None:
            raise ValueError("les directives (instructions) sont requises")
        if self.action == "set" and self.on_death == "communicate" and self.designated_person is None:
            raise ValueError("pour communiquer vos données, désignez la personne qui les recevra")
        return self


ConsentPurpose = Annotated[PurposeId, Field(description="a purpose of the register")]


class RestrictionGrounds(StrEnum):
    """Why a restriction is asked (Art. 18(1) a-d, policy section 7): `legal_claims` also stops the
    retention clock (a hold) until an operator lifts the restriction."""

    ACCURACY_CONTESTED = "accuracy_contested"
    UNLAWFUL_PROCESSING = "unlawful_processing"
    LEGAL_CLAIMS = "legal_claims"
    OBJECTION_PENDING = "objection_pending"


class RightsRequestFields(BaseModel):
    """A request's type and that type's own fields: what an operator gives to qualify a request
    received by email (`POST /v1/admin/rights-requests/{id}/qualify`)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    type: RequestType
    details: LongText | None = None
    # withdraw_consent: consent purposes; objection: any purposes (explained when it does not apply).
    purposes: list[ConsentPurpose] | None = Field(default=None, max_length=20)
    corrections: Corrections | None = None
    directives: Directives | None = None
    # withdraw_consent of cookie purposes: the visitor id "Gérer mes cookies" shows, to find that choice.
    visitor_id: uuid.UUID | None = None
    # restriction only: legal_claims keeps the data past its retention until the restriction is lifted.
    grounds: RestrictionGrounds | None = None
    # portability: another controller the export links are sent to as well (Art. 20(2)).
    recipient_email: Email | None = None

    @model_validator(mode="after")
    def _type_fields(self) -> RightsRequestFields:
        kind = self.type
        if self.grounds is not None and kind is not RequestType.RESTRICTION:
            raise ValueError("« grounds » ne concerne que la demande de limitation")
        if self.recipient_email is not None and kind is not RequestType.PORTABILITY:
            raise ValueError("« recipient_email » ne concerne que la portabilité")
        if self.purposes is not None and kind not in (RequestType.WITHDRAW_CONSENT, RequestType.OBJECTION):
            raise ValueError("« purposes » ne concerne que le retrait du consentement et l'opposition")
        if kind is RequestType.WITHDRAW_CONSENT:
            if not self.purposes:
                raise ValueError("indiquez les finalités (purposes) dont vous retirez le consentement")
            wrong = [p.value for p in self.purposes if not purpose(p).needs_consent]
            if wrong:
                raise ValueError(f"ces finalités ne reposent pas sur le consentement : {', '.join(wrong)}")
        cookie_withdrawal = kind is RequestType.WITHDRAW_CONSENT and any(
            purpose(p).is_cookie for p in self.purposes or []
        )
        if self.visitor_id is not None and not cookie_withdrawal:
            raise ValueError(
                "« visitor_id » ne sert qu'au retrait du consentement aux cookies (mesure d'audience, publicité)"
            )
        if (self.corrections is None) != (kind is not RequestType.RECTIFICATION):
            raise ValueError("« corrections » est requis pour une rectification, et seulement pour elle")
        if (self.directives is None) != (kind is not RequestType.POST_MORTEM_DIRECTIVES):
            raise ValueError(
                "« directives » est requis pour des directives post mortem, et seulement pour elles"
            )
        return self

    def params(self) -> dict[str, Any]:
        """The type's own fields, kept in the request's contact item (never on the record, never in the
        workflow's input)."""
        return self.model_dump(mode="json", exclude={"type", "email"}, exclude_none=True)


class RightsRequestIn(RightsRequestFields):
    """`POST /v1/rights-requests`: the type, its fields and the requester's address."""

    email: Email

    @model_validator(mode="after")
    def _new_address_differs(self) -> RightsRequestIn:
        new = self.corrections.email if self.corrections else None
        if new is not None and normalise_email(new) == normalise_email(self.email):
            raise ValueError(
                "la nouvelle adresse (corrections.email) doit être différente de celle de la demande"
            )
        return self

    def contact(self) -> RequestContact:
        return RequestContact(email=self.email, params=self.params())


class RequestContact(BaseModel):
    """What a request holds that is personal: the requester's address, the type's fields (details,
    purposes, corrections, directives, a portability's `recipient_email`) and, for a post-mortem
    execution, the designated person who receives the answer. Stored in the request's contact item only (`jaqe.rights.records`)."""

    model_config = ConfigDict(defer_build=True)

    email: str
    params: dict[str, Any] = Field(default_factory=dict)
    answer_to: str | None = None

    @property
    def reply_to(self) -> str:
        return self.answer_to or self.email


class RightsInput(BaseModel):
    """The rights workflow's input: ids and non-personal fields only (AWS keeps an execution's input
    and history 90 days and cannot delete them); steps read the contact item by request id."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    request_id: str
    type: RequestType
    subject_key: str
    channel: str = "web"
    verified: bool = False


class RightsRequestAccepted(BaseModel):
    model_config = ConfigDict(defer_build=True)

    request_id: str
    status: RequestStatus
    due_at: str
    status_url: str


# Each status in plain French, keyed by value (the status page; tests/unit checks every member has one).
STATUS_LABELS_FR = {
    "received": "reçue",
    "awaiting_verification": "en attente de votre confirmation (lien envoyé par email)",
    "in_progress": "en cours de traitement",
    "awaiting_operator": "en cours d'examen par notre équipe",
    "needs_operator": "en cours de traitement par notre équipe",
    "completed": "traitée : notre réponse vous a été envoyée par email",
    "refused": "close : notre réponse motivée vous a été envoyée par email",
    "unverified": "close : elle n'a pas été confirmée à temps",
    "linked": "jointe à une demande identique déjà reçue : nous répondrons aux deux ensemble",
    "closed": "close : ce n'était pas une demande d'exercice de droits ; notre équipe vous a répondu",
}


def status_label_fr(status: str) -> str:
    return STATUS_LABELS_FR.get(str(status), "en cours")


class RightsRequestStatus(BaseModel):
    """What the status link shows: no personal data. The export link only to the mailbox's status link
    (the one in the email), never to the one the form answered to whoever filed the request."""

    model_config = ConfigDict(defer_build=True)

    request_id: str
    type: RequestType
    status: RequestStatus
    received_at: str
    due_at: str
    extended: bool = False
    closed_at: str | None = None
    type_label: str = ""
    status_label: str = ""
    extended_until: str | None = None
    extension_reason: str | None = None
    export_url: str | None = None
    export_formats: list[str] | None = None
    export_expires_at: str | None = None


# -- operators' requests (functions/admin_rights) -------------------------------------------
class ReviewDecision(BaseModel):
    """An operator's answer to a request parked for review (approve carries it out, deny refuses it)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    decision: Literal["approve", "deny"]
    reason: LongText


class DeadlineExtension(BaseModel):
    """Art. 12(3): the answer period extended by one or two months, with the reason told to the person."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    months: int = Field(ge=1, le=2)
    reason: LongText


class RestrictionLift(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    reason: LongText


class PostalOrPhoneRequest(RightsRequestIn):
    """A request received by post or told on the phone, registered by an operator: its deadline runs
    from the day it was received."""

    channel: Literal["post", "phone"]
    received_on: date

    @model_validator(mode="after")
    def _received_in_the_past(self) -> PostalOrPhoneRequest:
        if self.received_on > clock.now().date():
            raise ValueError("la date de réception (received_on) ne peut pas être dans le futur")
        return self

    def received_at(self) -> datetime:
        """The start of the receipt day: a date with no hour never makes the answer later than due."""
        return datetime.combine(self.received_on, time(0), tzinfo=UTC)


class Closure(BaseModel):
    """An operator closes a request that is not a rights request after all; `answer` is emailed."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    reason: LongText
    answer: LongText


class PostMortemExecution(BaseModel):
    """The designated person reports the death: the directives stored for `email` are carried out."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    email: Email
