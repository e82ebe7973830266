"""The privacy API models (operators' privacy scan)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from jaqe.platform.validation import Email


class PrivacyScanRequest(BaseModel):
    """Whose data to list (POST, so the address never sits in a URL or an access log)."""

    model_config = ConfigDict(extra="forbid")

    email: Email
