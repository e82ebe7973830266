"""The professionals' API models: registration, profile changes, operators' decisions."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from jaqe.platform.departements import check_departement, check_siret
from jaqe.platform.trades import check_trade
from jaqe.platform.validation import (
    Email,
    FreeText,
    FrenchPhone,
    Name,
    PolicyVersion,
    ShortText,
    SingleLine,
    bounded,
)

MAX_TRADES = 4
MAX_AREAS = 20
# One DynamoDB transaction moves every entry of a profile (old and new ones): at most 100 actions.
MAX_LISTING_ENTRIES = 40
MAX_BYTES = 10 * 1024 * 1024

ContentType = Literal["application/pdf", "image/jpeg", "image/png"]


class Status(StrEnum):
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    DELISTED = "delisted"


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


TradeId = Annotated[str, StringConstraints(max_length=40), AfterValidator(check_trade)]
Departement = Annotated[str, StringConstraints(max_length=3), AfterValidator(check_departement)]
Siret = Annotated[str, StringConstraints(max_length=20), AfterValidator(check_siret)]
Label = Annotated[SingleLine, bounded(1, 60)]
Trades = Annotated[list[TradeId], Field(min_length=1, max_length=MAX_TRADES), AfterValidator(_unique)]
Areas = Annotated[list[Departement], Field(min_length=1, max_length=MAX_AREAS), AfterValidator(_unique)]
Certifications = Annotated[list[Label], Field(max_length=20), AfterValidator(_unique)]


def coverage_error(trades: list[str], areas: list[str]) -> str | None:
    if len(trades) * len(areas) > MAX_LISTING_ENTRIES:
        return (
            f"au plus {MAX_LISTING_ENTRIES} couples métier × département "
            f"({len(trades)} × {len(areas)} demandés)"
        )
    return None


class ProContact(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    first_name: Name
    last_name: Name
    email: Email
    phone: FrenchPhone


class ProfessionalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    company_name: ShortText
    siret: Siret
    contact: ProContact
    trades: Trades
    service_areas: Areas
    certifications: Certifications = []
    terms_version: PolicyVersion

    @model_validator(mode="after")
    def _coverage(self) -> ProfessionalIn:
        if error := coverage_error(self.trades, self.service_areas):
            raise ValueError(error)
        return self


class ContactPatch(BaseModel):
    """The login email is not changed here (it is the Cognito username): write to support."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    first_name: Name | None = None
    last_name: Name | None = None
    phone: FrenchPhone | None = None


class ProfilePatch(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    trades: Trades | None = None
    service_areas: Areas | None = None
    certifications: Certifications | None = None
    contact: ContactPatch | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> ProfilePatch:
        if not self.model_dump(exclude_none=True):
            raise ValueError("rien à modifier (trades, service_areas, certifications ou contact)")
        return self


class RegistrationReceived(BaseModel):
    """The same answer for every valid registration, known address or not (no enumeration): what
    follows (the reference, the login or a reminder that an account exists) goes by email."""

    model_config = ConfigDict(defer_build=True)

    status: Literal["received"] = "received"


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    reason: Annotated[FreeText, bounded(1, 500)] | None = None


class DocumentKind(StrEnum):
    INSURANCE = "insurance"
    CERTIFICATION = "certification"
    KBIS = "kbis"


# What an operator must look at before a document counts (listing, certifications shown).
REVIEWED_KINDS = frozenset({DocumentKind.INSURANCE, DocumentKind.CERTIFICATION})


class DocumentStatus(StrEnum):
    PENDING_UPLOAD = "pending_upload"
    PENDING_REVIEW = "pending_review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    kind: DocumentKind
    content_type: ContentType
    size: int = Field(gt=0, le=MAX_BYTES, description="bytes, 10 MB at most")
    # Insurance only: the last day the cover is valid, as the professional reads it. A hint for
    # the operator, who enters the date read on the certificate when accepting it.
    expires_on: date | None = None


class DocumentDecisionIn(BaseModel):
    """An operator's decision on a document awaiting review."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    decision: Literal["accept", "reject"]
    expires_on: date | None = Field(
        default=None, description="accept of an insurance certificate: the last day of cover read on it"
    )
    reason: Annotated[FreeText, bounded(1, 500)] | None = None

    @model_validator(mode="after")
    def _insurance_date_only_on_accept(self) -> DocumentDecisionIn:
        if self.decision == "reject" and self.expires_on is not None:
            raise ValueError("expires_on accompagne une acceptation, pas un refus")
        return self
