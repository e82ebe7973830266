"""The privacy API models (operators' privacy scan and holds)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from jaqe.platform.validation import Email, LongText


class PrivacyScanRequest(BaseModel):
    """Whose data to list (POST, so the address never sits in a URL or an access log)."""

    model_config = ConfigDict(extra="forbid")

    email: Email


class HoldRequest(BaseModel):
    """An operator's hold (a dispute): the person's data outlives its retention until it is lifted."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    reason: LongText


class HoldLift(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: LongText
