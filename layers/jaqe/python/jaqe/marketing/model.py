"""The marketing API models: newsletter subscription, cookie choices, similar-services mailing."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from jaqe.platform.api import StatusOut
from jaqe.platform.trades import TRADES
from jaqe.platform.validation import Email, PolicyVersion


class SimilarServicesMailing(BaseModel):
    """A similar-services mailing, run by an operator or a schedule: {"trade", "months"}."""

    trade: str = Field(pattern="^(" + "|".join(TRADES) + ")$")
    months: int = Field(default=36, ge=1, le=36)


class Unsubscribed(StatusOut):
    purpose: str


class CookieChoices(BaseModel):
    model_config = ConfigDict(extra="forbid")

    analytics: StrictBool
    advertising: StrictBool


class CookieConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visitor_id: uuid.UUID
    choices: CookieChoices
    policy_version: PolicyVersion


class CookieConsentOut(BaseModel):
    consent_id: str
    visitor_id: str
    choices: CookieChoices
    policy_version: str
    decided_at: str
    expires_at: str


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    policy_version: PolicyVersion
