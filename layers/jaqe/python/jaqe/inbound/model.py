"""The inbound API models (the contact form)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from jaqe.platform.validation import Email, FrenchPhone, LongText, Name, ShortText


class ContactMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email
    subject: ShortText
    message: LongText
    phone: FrenchPhone | None = None


class ContactMessageAccepted(BaseModel):
    message_id: str
