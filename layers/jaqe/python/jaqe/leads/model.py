"""The leads API models: the quote request (project, contact, consents), partner exports and the
partners directory."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictBool, StringConstraints, field_validator

from jaqe.platform.trades import check_trade
from jaqe.platform.validation import (
    Email,
    FreeText,
    FrenchPhone,
    LongText,
    Name,
    PolicyVersion,
    Postcode,
    ShortText,
    SingleLine,
    bounded,
)


class PartnerExportRequest(BaseModel):
    """A partner's export, and why it is made now (the operator's reason, kept in the access trail)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    partner: ShortText
    reason: LongText


class PartnerExportAccepted(BaseModel):
    """An export recorded and queued: its status says when its file is ready."""

    export_id: str
    status: str


class PartnerExportStatus(BaseModel):
    """`count` and `download_url` (a presigned GET valid 15 minutes) once `status` is `complete`."""

    export_id: str
    status: str
    count: int | None = None
    download_url: str | None = None


class PartnerContract(BaseModel):
    """What binds a commercial partner (one of the register's `commercial_partners`): its country, the
    transfer safeguard, its contract and data-sharing agreement, and the DPO's next review of them."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    country: Annotated[ShortText, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    transfer_safeguard: ShortText | None = None
    contract_signed_on: date | None = None
    dpa_signed_on: date | None = None
    next_review_on: date | None = None


class PartnerIn(PartnerContract):
    """A commercial partner of the directory and the contact its Art. 19 notices go to."""

    name: ShortText
    email: Email


class Partner(BaseModel):
    partner_id: str
    name: str
    contact_email: str | None = None
    added_at: str | None = None
    country: str | None = None
    transfer_safeguard: str | None = None
    contract_signed_on: str | None = None
    dpa_signed_on: str | None = None
    next_review_on: str | None = None


class PartnerTask(BaseModel):
    """A notice to a partner with no contact in the directory: an operator carries it (ids only)."""

    request_id: str
    partner: str
    partner_id: str
    notice: str
    export_id: str
    person_reference: str | None = None
    fields: list[str] = []
    created_at: str


class Project(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    trade: Annotated[str, bounded(1, 40), AfterValidator(check_trade)]
    description: Annotated[FreeText, bounded(10, 3000)]
    postcode: Postcode
    city: Name
    timeframe: Annotated[SingleLine, bounded(1, 100)]


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    first_name: Name
    last_name: Name
    email: Email
    phone: FrenchPhone


class Consents(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    # Strict: a consent is the boolean true, never "yes", 1 or "on".
    partner_matching: StrictBool
    newsletter: StrictBool = False
    commercial_partners: StrictBool = False
    # Not a consent: the box to refuse similar-services emails at collection (soft opt-in, L.34-5 CPCE).
    refuse_similar_services: StrictBool = False

    @field_validator("partner_matching")
    @classmethod
    def _required(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("le consentement à la mise en relation est nécessaire pour traiter la demande")
        return value


class QuoteRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    project: Project
    contact: Contact
    consents: Consents
    policy_version: PolicyVersion


class QuoteRequestAccepted(BaseModel):
    request_id: str
    matched_professionals: int


class QuoteAcceptance(BaseModel):
    """The consumer accepted this professional's quote (C3-04)."""

    request_id: str
    professional_id: str
    company_name: str
    accepted: bool
    accepted_at: str
