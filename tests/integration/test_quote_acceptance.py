"""The consumer accepts a quote (C3-04) from the link of the quote confirmation email, through the
quote_requests handler on moto: the GET lists the professionals and changes nothing, the POST
records the consumer's acceptance on that professional's disclosure; the professional's own click
only says they took the request on."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from jaqe.platform import clock
from jaqe.privacy.periods import Period, add_period

from jaqe_dev.apigw import Caller
from jaqe_dev.stack import LocalStack
from tests.conftest import load_event
from tests.integration.seeds import all_items, listed_professional

REQUEST = json.loads(load_event("quote_requests/post_valid.json")["body"])
CONSUMER = REQUEST["contact"]["email"]
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
FORM = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}


def submit(local: LocalStack, email: str = CONSUMER) -> str:
    body = copy.deepcopy(REQUEST)
    body["contact"]["email"] = email
    response = local.api.request("POST", "/v1/quote-requests", json_body=body)
    assert response.status == 201, response.body
    return str(response.json()["request_id"])


def acceptance_link(local: LocalStack, email: str = CONSUMER) -> str:
    """The path and query of the acceptance link in the last quote confirmation email to `email`."""
    [*_, mail] = [e for e in local.outbox() if e["to"] == [email] and "devis" in e["subject"]]
    [url] = [link for link in mail["links"] if "/acceptance?token=" in link]
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def accept_quote(local: LocalStack, pro_id: str, email: str = CONSUMER) -> dict:
    """What the consumer's click on a professional's button does (JSON client): the answer."""
    link = acceptance_link(local, email)
    token = parse_qs(urlsplit(link).query)["token"][0]
    response = local.api.request(
        "POST", link.split("?")[0], json_body={"token": token, "professional_id": pro_id}
    )
    assert response.status == 200, response.body
    return dict(response.json())


def disclosures(local: LocalStack) -> dict[str, dict]:
    return {i["pro_id"]: i for i in all_items(local) if i.get("item_type") == "disclosure"}


def test_c3_04_the_confirmation_links_to_a_page_listing_the_matched_professionals_which_changes_nothing(
    local,
):
    for pro in ("p1", "p2"):
        listed_professional(local, pro)
    request_id = submit(local)
    link = acceptance_link(local)
    assert link.startswith(f"/v1/quote-requests/{request_id}/acceptance?token=")
    before = all_items(local)

    page = local.api.request("GET", link, headers=BROWSER)

    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.body.count('<form method="post">') == 2
    for pro in ("p1", "p2"):
        assert f"J&#x27;accepte le devis de Entreprise {pro}" in page.body
        assert f'name="professional_id" value="{pro}"' in page.body
    assert all_items(local) == before  # opening the link (a mail scanner does) records nothing


def test_c3_04_the_consumers_click_records_the_acceptance_once_on_that_professionals_disclosure(local):
    for pro in ("p1", "p2"):
        listed_professional(local, pro)
    request_id = submit(local)

    answer = accept_quote(local, "p1")
    again = accept_quote(local, "p1")

    assert answer["request_id"] == request_id and answer["professional_id"] == "p1"
    assert answer["accepted"] is True and answer["company_name"] == "Entreprise p1"
    assert again == answer  # accepting the same quote again changes nothing
    by_pro = disclosures(local)
    assert by_pro["p1"]["accepted"] is True and by_pro["p1"]["accepted_by"] == "consumer"
    assert by_pro["p1"]["accepted_at"] == answer["accepted_at"]
    assert by_pro["p2"]["accepted"] is False and "accepted_at" not in by_pro["p2"]
    # The professional sees which of their quotes the consumer accepted.
    [lead] = local.api.request(
        "GET", "/v1/pro/me/leads", caller=Caller(claims={"custom:pro_id": "p1"})
    ).json()["items"]
    assert lead["accepted"] is True and lead["accepted_at"] == answer["accepted_at"]


def test_c3_04_the_pages_form_post_accepts_and_answers_a_page(local):
    listed_professional(local, "p1")
    submit(local)
    link = acceptance_link(local)
    token = parse_qs(urlsplit(link).query)["token"][0]

    done = local.api.request(
        "POST", link.split("?")[0], body=f"token={token}&professional_id=p1", headers=FORM
    )

    assert done.status == 200 and "Vous avez accepté le devis de Entreprise p1" in done.body
    assert disclosures(local)["p1"]["accepted_by"] == "consumer"
    # The page now says so instead of offering the button again.
    page = local.api.request("GET", link, headers=BROWSER)
    assert "devis accepté le" in page.body and '<form method="post">' not in page.body


def test_c3_04_a_bad_link_or_professional_gets_a_problem_document_and_changes_nothing(local):
    for pro in ("p1", "p2"):
        listed_professional(local, pro)
    listed_professional(local, "elsewhere", trades=("electricite",))  # a live account that received nothing
    first = submit(local)
    first_token = parse_qs(urlsplit(acceptance_link(local)).query)["token"][0]
    second = submit(local, "autre.client@example.fr")
    path = f"/v1/quote-requests/{first}/acceptance"
    before = all_items(local)

    def post(request_path: str, body: dict) -> dict:
        response = local.api.request("POST", request_path, json_body=body)
        assert response.headers["Content-Type"] == "application/problem+json", response.body
        return {"status": response.status, **response.json()}

    unknown = post(path, {"token": "x" * 43, "professional_id": "p1"})
    other_request = post(
        f"/v1/quote-requests/{second}/acceptance", {"token": first_token, "professional_id": "p1"}
    )
    not_matched = post(path, {"token": first_token, "professional_id": "elsewhere"})
    nobody = post(path, {"token": first_token})

    assert unknown["status"] == 410
    assert other_request["status"] == 404
    assert not_matched["status"] == 422 and not_matched["errors"][0]["field"] == "professional_id"
    assert nobody["status"] == 422 and nobody["errors"][0]["field"] == "professional_id"
    assert local.api.request("GET", f"{path}?token={'x' * 43}", headers=BROWSER).status == 410
    assert all_items(local) == before


def test_c3_04_the_link_expires_with_the_lead(local):
    listed_professional(local, "p1")
    start = clock.now()
    submit(local)
    link = acceptance_link(local)
    token = parse_qs(urlsplit(link).query)["token"][0]

    clock.travel(add_period(start, Period(years=3)) - start + timedelta(days=1))

    assert local.api.request("GET", link, headers=BROWSER).status == 410
    gone = local.api.request("POST", link.split("?")[0], json_body={"token": token, "professional_id": "p1"})
    assert gone.status == 410 and gone.headers["Content-Type"] == "application/problem+json"


def test_c3_04_the_professionals_click_takes_the_request_on_but_is_no_acceptance(local):
    """Contract change (issue 20, item 7): `POST /v1/pro/me/leads/{id}/accept` no longer records the
    acceptance of the quote; it records `taken_at`, and its `accepted` says whether the consumer did."""
    listed_professional(local, "p1")
    request_id = submit(local)
    pro = Caller(claims={"custom:pro_id": "p1"})

    taken = local.api.request("POST", f"/v1/pro/me/leads/{request_id}/accept", caller=pro).json()

    assert taken["accepted"] is False and taken["accepted_at"] is None and taken["taken_at"]
    assert "accepted_by" not in disclosures(local)["p1"] and disclosures(local)["p1"]["accepted"] is False
    accepted = accept_quote(local, "p1")
    again = local.api.request("POST", f"/v1/pro/me/leads/{request_id}/accept", caller=pro).json()
    assert again == {**taken, "accepted": True, "accepted_at": accepted["accepted_at"]}


def test_no_acceptance_link_when_the_request_was_shared_with_no_one(local):
    submit(local)

    [mail] = local.outbox()
    assert not [link for link in mail["links"] if "/acceptance" in link]
