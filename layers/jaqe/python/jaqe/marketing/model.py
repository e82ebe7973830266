"""The marketing API models (the newsletter's own are in `jaqe.marketing.newsletter`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from jaqe.platform.api import StatusOut
from jaqe.platform.trades import TRADES


class SimilarServicesMailing(BaseModel):
    """A similar-services mailing, run by an operator or a schedule: {"trade", "months"}."""

    trade: str = Field(pattern="^(" + "|".join(TRADES) + ")$")
    months: int = Field(default=36, ge=1, le=36)


class Unsubscribed(StatusOut):
    purpose: str
