"""The consumer accepts a quote (C3-04): "si vous avez accepté un devis" is the consumer's click.

The quote confirmation email links to `/v1/quote-requests/<id>/acceptance?token=`: its page lists the
professionals the request was shared with, one button each (opening it changes nothing); the button
POSTs the token and the professional's id, which records the acceptance on that professional's
disclosure (`accepted`, `accepted_at`, `accepted_by: "consumer"`). The access export and the
professional's archive read it from there; the professional's own click (`disclosures.accept_lead`)
says only that they took the request on.

The link's token is `<lead id>.<keyed digest of the lead id>` (`jaqe.platform.keyed_hash.link_token`:
the mail sender makes it again when it renders the confirmation email, so no stored message keeps it),
stored as its digest on the lead itself (written once, with the lead, in its transaction: no item of
its own), so it lives exactly as long as the lead and an erasure deletes it with the lead: a click
does not spend it, so the consumer may come back to it, and accepting the same professional again
changes nothing.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from jaqe.leads.records import DISCLOSURE, disclosure_key, is_disclosure_to, lead_pk
from jaqe.platform import clock
from jaqe.platform.errors import InvalidInput, LinkGone, NotFound
from jaqe.platform.ids import token_digest
from jaqe.platform.keyed_hash import link_token
from jaqe.platform.settings import LinkSettings, get_settings
from jaqe.platform.store import Item, Store

ACCEPTANCE_DIGEST = "acceptance_token_digest"
CONSUMER = "consumer"


def acceptance_path(request_id: str) -> str:
    return f"/v1/quote-requests/{request_id}/acceptance"


@dataclass(frozen=True)
class Offer:
    """A professional the request was shared with, and whether the consumer accepted their quote."""

    professional_id: str
    company_name: str
    accepted_at: str | None

    @classmethod
    def of(cls, disclosure: Item) -> Offer:
        accepted = disclosure.get("accepted_by") == CONSUMER
        return cls(
            str(disclosure["pro_id"]),
            str(disclosure.get("company_name", "")),
            str(disclosure["accepted_at"]) if accepted else None,
        )


class NotMatched(InvalidInput):
    """The professional named did not receive this request."""

    def __init__(self) -> None:
        super().__init__(
            "Ce professionnel n'a pas reçu votre demande de devis : choisissez l'un de ceux qui vous ont "
            "été proposés.",
            errors=[{"field": "professional_id", "message": "professionnel non proposé pour cette demande"}],
        )


def acceptance_token(lead_id: str) -> str:
    return f"{lead_id}.{link_token('quote_acceptance', lead_id)}"


def acceptance_digest(lead_id: str) -> Item:
    """What the lead stores of its link's token."""
    return {ACCEPTANCE_DIGEST: token_digest(acceptance_token(lead_id))}


def acceptance_url(lead_id: str) -> str:
    token = acceptance_token(lead_id)
    return f"{get_settings(LinkSettings).public_api_url}{acceptance_path(lead_id)}?token={token}"


class QuoteAcceptances:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _opens(self, lead_id: str, token: str) -> bool:
        lead = self.store.get(lead_pk(lead_id), "LEAD") if lead_id else None
        return lead is not None and hmac.compare_digest(
            str(lead.get(ACCEPTANCE_DIGEST, "")), token_digest(token)
        )

    def _request_of(self, request_id: str, token: str) -> str:
        """The request the token opens. Unknown token, or its lead gone (expired, erased): 410; a live
        token of another request: 404."""
        lead_id = token.split(".", 1)[0] if "." in token else ""
        if lead_id != request_id:
            if self._opens(lead_id, token):
                raise NotFound("Ce lien ne correspond à aucune demande de devis de ce numéro.")
            raise LinkGone()
        if not self._opens(request_id, token):
            raise LinkGone()
        return request_id

    def offers(self, request_id: str, token: str) -> list[Offer]:
        """What the link's page lists: the professionals the request was shared with."""
        self._request_of(request_id, token)
        return [Offer.of(d) for d in self.store.query(lead_pk(request_id), DISCLOSURE)]

    def accept(self, request_id: str, token: str, professional_id: Any) -> dict[str, Any]:
        """The consumer accepts this professional's quote; again for the same one: the first answer."""
        self._request_of(request_id, token)
        if not isinstance(professional_id, str) or not 0 < len(professional_id) <= 80:
            raise InvalidInput(
                "Indiquez le professionnel dont vous acceptez le devis.",
                errors=[{"field": "professional_id", "message": "requis"}],
            )
        key = disclosure_key(request_id, professional_id)
        disclosure = self.store.get(*key)
        if disclosure is None or not is_disclosure_to(disclosure, professional_id):
            raise NotMatched()
        if disclosure.get("accepted_by") != CONSUMER:
            accepted = {"accepted": True, "accepted_at": clock.now().isoformat(), "accepted_by": CONSUMER}
            self.store.update(*key, accepted)
            disclosure = {**disclosure, **accepted}
        offer = Offer.of(disclosure)
        return {
            "request_id": request_id,
            "professional_id": offer.professional_id,
            "company_name": offer.company_name,
            "accepted": True,
            "accepted_at": offer.accepted_at,
        }
