"""The leads API models: the quote request (project, contact, consents) and partner exports."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictBool, field_validator

from jaqe.platform.trades import check_trade
from jaqe.platform.validation import (
    Email,
    FrenchPhone,
    Name,
    PolicyVersion,
    Postcode,
    ShortText,
    bounded,
)


class PartnerExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: ShortText


class PartnerExport(BaseModel):
    export_id: str
    count: int
    rows: list[dict[str, str]]


class Project(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trade: Annotated[str, bounded(1, 40), AfterValidator(check_trade)]
    description: Annotated[str, bounded(10, 3000)]
    postcode: Postcode
    city: Name
    timeframe: Annotated[str, bounded(1, 100)]


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: Name
    last_name: Name
    email: Email
    phone: FrenchPhone


class Consents(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Strict: a consent is the boolean true, never "yes", 1 or "on".
    partner_matching: StrictBool
    newsletter: StrictBool = False
    commercial_partners: StrictBool = False

    @field_validator("partner_matching")
    @classmethod
    def _required(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("le consentement à la mise en relation est nécessaire pour traiter la demande")
        return value


class QuoteRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project: Project
    contact: Contact
    consents: Consents
    policy_version: PolicyVersion


class QuoteRequestAccepted(BaseModel):
    request_id: str
    matched_professionals: int
