"""What operators tell about a breach (Art. 33(3)) and decide on it: the breach API models."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from jaqe.platform import clock
from jaqe.platform.validation import FreeText, SingleLine, bounded
from jaqe.privacy.periods import Period, add_period
from jaqe.privacy.register import PurposeId, purpose

MAX_WINDOW = Period(years=3)
Text = Annotated[FreeText, bounded(1, 2000)]
Category = Annotated[SingleLine, bounded(1, 200)]
INCIDENT_ID = r"^inc_[A-Za-z0-9_-]{6,64}$"
# Purposes whose people are found through the consent ledger (who consented, when).
CONSENT_PURPOSES = tuple(p for p in PurposeId if purpose(p).needs_consent)


class IncidentStatus(StrEnum):
    INVESTIGATING = "investigating"
    AWAITING_DECISION = "awaiting_decision"
    NOTIFYING = "notifying"
    CLOSED = "closed"
    NEEDS_OPERATOR = "needs_operator"


class Incident(BaseModel):
    """What the operator knows when declaring (Art. 33(3) a, c, d)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    nature: Text
    data_categories: list[Category] = Field(min_length=1, max_length=20)
    people_categories: list[Category] = Field(min_length=1, max_length=20)
    store: Literal["leads", "consents"] = Field(
        "leads",
        description="leads: quote requests received in the window; consents: people whose consent to "
        "`purposes` was recorded in the window",
    )
    purposes: list[PurposeId] = Field(default_factory=list, max_length=len(CONSENT_PURPOSES))
    window_start: AwareDatetime
    window_end: AwareDatetime
    aware_at: AwareDatetime
    likely_consequences: Text
    measures_taken: Text
    high_risk_confirmed: bool = False

    @model_validator(mode="after")
    def _coherent(self) -> Incident:
        if self.window_end <= self.window_start:
            raise ValueError("window_end doit suivre window_start")
        if self.window_end > clock.now():
            raise ValueError("window_end ne peut pas être dans le futur")
        # People are looked up trade by trade and month by month: the window is bounded (leads are
        # kept three years from the last contact); a longer breach is declared as several incidents.
        if add_period(self.window_start, MAX_WINDOW) < self.window_end:
            raise ValueError("la fenêtre couvre trois ans au plus : déclarez plusieurs incidents")
        if any(p not in CONSENT_PURPOSES for p in self.purposes):
            raise ValueError(
                f"purposes : finalités fondées sur le consentement uniquement {CONSENT_PURPOSES}"
            )
        return self


class IncidentDecision(BaseModel):
    """The operator's decision on the risk to the people concerned (Art. 34)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    high_risk: bool = Field(description="true: each person concerned is told (Art. 34)")
    reason: Text


class CnilSubmission(BaseModel):
    """The CNIL's acknowledgement once the online form is sent (Art. 33(1))."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    submitted_at: AwareDatetime
    reference: Annotated[SingleLine, bounded(1, 200)]
    delay_reasons: Text | None = Field(
        None, description="required when submitted more than 72 hours after awareness"
    )
