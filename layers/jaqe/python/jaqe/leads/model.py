"""The leads API models (partner exports; the quote request itself is `jaqe.leads.quotes.QuoteRequestIn`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from jaqe.platform.validation import ShortText


class PartnerExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: ShortText


class PartnerExport(BaseModel):
    export_id: str
    count: int
    rows: list[dict[str, str]]
