"""A quote request's emails, rendered from the lead and its disclosures when sent (issue 23): what
they say comes from those records, their links are the ones the records open, and an email whose
records are gone (erased, expired) is not sent."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from jaqe.leads import mails
from jaqe.leads.acceptance import ACCEPTANCE_DIGEST, acceptance_digest
from jaqe.leads.records import disclosure_key, lead_key
from jaqe.platform import keyed_hash
from jaqe.platform.ids import token_digest
from jaqe.platform.settings import get_settings
from jaqe.professionals.records import PROFILE_SK, profile_pk

SHARED = {
    "first_name": "Camille",
    "last_name": "Exemple",
    "email": "camille@example.fr",
    "phone": "+33612345678",
    "trade": "plomberie",
    "description": "Remplacement d'un chauffe-eau.",
    "postcode": "34000",
    "city": "Montpellier",
    "timeframe": "Dans le mois",
}


class Records:
    """The store's `get_many` over a few items."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = {(i["pk"], i["sk"]): i for i in items}

    def get_many(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        return {key: self.items[key] for key in keys if key in self.items}


@pytest.fixture(autouse=True)
def links(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PUBLIC_API_URL", "https://api.jaqe.fr")
    monkeypatch.setattr(keyed_hash, "secret", lambda: b"subject-key-secret")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def lead(partners: bool = False, **fields: Any) -> dict[str, Any]:
    pk, sk = lead_key("lead_1")
    return {
        "pk": pk,
        "sk": sk,
        "contact": {"email": SHARED["email"]},
        "project": {"trade": "plomberie"},
        "consents": {"commercial_partners": partners},
        **acceptance_digest("lead_1"),
        **fields,
    }


def disclosure(pro_id: str) -> dict[str, Any]:
    pk, sk = disclosure_key("lead_1", pro_id)
    return {
        "pk": pk,
        "sk": sk,
        "company_name": f"Entreprise {pro_id}",
        "shared": SHARED,
        "subject_key": "key-c",
    }


def profile(pro_id: str) -> dict[str, Any]:
    return {"pk": profile_pk(pro_id), "sk": PROFILE_SK, "contact": {"email": f"{pro_id}@artisans.example"}}


def render(records: Records, mail: Any) -> Any:
    return mails.RENDERERS[mail.mail](records, mail.ids)


def test_the_confirmation_names_the_professionals_in_matching_order_with_the_links_the_lead_opens() -> None:
    records = Records([lead(partners=True), disclosure("pro_b"), disclosure("pro_a")])

    email = render(records, mails.confirmation_mail("lead_1", ["pro_b", "pro_a"]))

    assert email.to == SHARED["email"] and email.tags == {"template": "quote_confirmation"}
    assert "Entreprise pro_b, Entreprise pro_a." in email.text  # the rotation's order, not the keys'
    [acceptance] = [link for link in email.links if "/acceptance?" in link]
    token = parse_qs(urlparse(acceptance).query)["token"][0]
    assert token_digest(token) == records.items[lead_key("lead_1")][ACCEPTANCE_DIGEST]
    assert [link for link in email.links if "/v1/consents/confirm?token=" in link]
    # Made again from ids, the links are the same at every render (a retried send).
    assert render(records, mails.confirmation_mail("lead_1", ["pro_b", "pro_a"])).links == email.links


def test_a_lead_received_under_restriction_is_confirmed_as_shared_with_no_one() -> None:
    records = Records([lead(received_under_restriction=True)])
    email = render(records, mails.confirmation_mail("lead_1", []))
    assert "limitation" in email.text and not email.links


def test_an_email_whose_records_are_gone_is_not_sent() -> None:
    assert render(Records([]), mails.confirmation_mail("lead_1", ["pro_a"])) is None  # the lead erased
    assert render(Records([profile("pro_a")]), mails.professional_mail("lead_1", "pro_a")) is None
    assert render(Records([disclosure("pro_a")]), mails.professional_mail("lead_1", "pro_a")) is None


def test_the_professional_receives_what_the_disclosure_shared_about_the_consumer() -> None:
    email = render(
        Records([disclosure("pro_a"), profile("pro_a")]), mails.professional_mail("lead_1", "pro_a")
    )

    assert email.to == "pro_a@artisans.example" and email.about == "key-c"
    assert "Contact : Camille Exemple, +33612345678, camille@example.fr" in email.text
    assert email.subject == "Nouvelle demande de devis : Plomberie à Montpellier"
