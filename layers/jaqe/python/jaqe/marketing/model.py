"""The marketing API models: newsletter subscription, cookie choices, similar-services mailing."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from jaqe.platform.api import StatusOut
from jaqe.platform.trades import TRADES
from jaqe.platform.validation import Email, PolicyVersion


class SimilarServicesMailing(BaseModel):
    """A similar-services mailing, run by an operator or a schedule: {"trade", "months"}."""

    model_config = ConfigDict(defer_build=True)

    trade: str = Field(pattern="^(" + "|".join(TRADES) + ")$")
    months: int = Field(default=36, ge=1, le=36)


class Unsubscribed(StatusOut):
    purpose: str


class CookieChoices(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    analytics: StrictBool
    advertising: StrictBool


# Where a choice was made: the banner's buttons, its "Personnaliser" boxes, or the browser's Global
# Privacy Control signal. Only a choice made in "Personnaliser" overrides GPC for advertising.
ChoiceSource = Literal["banner", "customise", "gpc"]


class CookieConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    visitor_id: uuid.UUID
    choices: CookieChoices
    policy_version: PolicyVersion
    source: ChoiceSource = "banner"


class CookieConsentOut(BaseModel):
    model_config = ConfigDict(defer_build=True)

    consent_id: str
    visitor_id: str
    choices: CookieChoices
    policy_version: str
    decided_at: str
    expires_at: str
    # banner | customise | gpc, or rights_request when a written request withdrew it.
    source: str = "banner"
    # The request carried `Sec-GPC: 1` and accepted advertising outside "Personnaliser": refused instead.
    gpc_applied: bool = False


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    email: Email
    policy_version: PolicyVersion
