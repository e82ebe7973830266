"""The inbound API models (the contact form)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from jaqe.platform.validation import Email, FrenchPhone, LongText, Name, ShortText


class ContactMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: Name
    email: Email
    subject: ShortText
    message: LongText
    phone: FrenchPhone | None = None


class ContactMessageAccepted(BaseModel):
    model_config = ConfigDict(defer_build=True)

    message_id: str
