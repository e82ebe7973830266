"""The privacy API models (operators' privacy scan and holds)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, model_validator

from jaqe.platform.validation import Email, LongText, Name


class PrivacyScanRequest(BaseModel):
    """Whose data to list (POST, so the address never sits in a URL or an access log), and why
    (the operator's reason, kept in the access trail)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    email: Email
    reason: LongText


class HoldRequest(BaseModel):
    """An operator's hold (a dispute): the person's data outlives its retention until it is lifted."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    email: Email
    reason: LongText


class HoldLift(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    reason: LongText


class AccessTrailSearch(BaseModel):
    """Which access-trail entries to read: about one person, by one operator, or from a date (exactly
    one), and why (POST, so an address never sits in a URL; this read is trailed as well)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    subject_email: Email | None = None
    operator: Name | None = None
    since: date | None = None
    reason: LongText

    @model_validator(mode="after")
    def _one_criterion(self) -> AccessTrailSearch:
        given = [c for c in (self.subject_email, self.operator, self.since) if c is not None]
        if len(given) != 1:
            raise ValueError("indiquez exactement un critère : subject_email, operator ou since")
        return self
