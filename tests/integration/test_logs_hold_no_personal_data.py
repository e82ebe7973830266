"""C5-01 on the logs: what the functions log while they serve a person, captured as CloudWatch would
receive it, holds none of what that person sent (name, address, phone, free text), on the success
paths and on the refusals alike. (The suite-wide check, tests/test_no_personal_data_in_logs.py, reads
the whole run's logs for the sample events' values; this one sends its own values and fails alone.)"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from jaqe.platform.observability import logger

from tests.conftest import load_event
from tests.integration.seeds import listed_professional
from tests.workflow.conftest import Rights, rights  # noqa: F401 - fixture

EMAIL = "zephyrine.quelmotrare@example.org"
PERSON = {"first_name": "Zéphyrine", "last_name": "Quelmotrare", "email": EMAIL, "phone": "06 71 82 93 04"}
DESCRIPTION = "Rénovation discrète de la véranda côté jardin, volets bleus"
MESSAGE = "Ma voisine Ysaline Brocquevieille me recommande votre service"
# What would identify her in a log, masked or not: the redacting formatter masks addresses and phones,
# but her name, the address's local part and her texts must never be logged in the first place.
PERSONAL = [
    "Zéphyrine",
    "Quelmotrare",
    "zephyrine.quelmotrare",
    "0671829304",
    "06 71 82 93 04",
    "71 82 93 04",
    "véranda côté jardin",
    "Brocquevieille",
]


@pytest.fixture
def logged() -> Iterator[list[str]]:
    """Every line the functions log (the Powertools logger, through its redacting formatter), and
    every record of any other logger, while the test runs."""
    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    function_logs, other_logs = Capture(), Capture()
    function_logs.setFormatter(logger.registered_formatter)
    other_logs.setFormatter(logging.Formatter("%(name)s %(message)s"))
    logger.addHandler(function_logs)
    logging.getLogger().addHandler(other_logs)
    try:
        yield lines
    finally:
        logger.removeHandler(function_logs)
        logging.getLogger().removeHandler(other_logs)


def test_c5_01_serving_a_person_logs_nothing_personal(rights: Rights, logged: list[str]) -> None:  # noqa: F811
    local = rights.local
    listed_professional(local, "p1")
    quote = json.loads(load_event("quote_requests/post_valid.json")["body"])
    quote = {**quote, "contact": PERSON, "project": {**quote["project"], "description": DESCRIPTION}}
    contact = {"name": "Zéphyrine Quelmotrare", "email": EMAIL, "subject": "Une question", "message": MESSAGE}

    assert local.api.request("POST", "/v1/quote-requests", json_body=quote).status == 201
    bad_phone = {**quote, "contact": {**PERSON, "phone": "12"}}
    assert local.api.request("POST", "/v1/quote-requests", json_body=bad_phone).status == 422
    assert local.api.request("POST", "/v1/contact-messages", json_body=contact).status in (201, 202)
    newsletter = {"email": EMAIL, "policy_version": quote["policy_version"]}
    assert local.api.request("POST", "/v1/newsletter/subscriptions", json_body=newsletter).status == 202
    _, execution = rights.run({"type": "access", "email": EMAIL})
    assert execution["status"] == "SUCCEEDED"
    assert len(rights.emails_to(EMAIL)) >= 4  # she was served: confirmation, answers, the export link

    text = "\n".join(logged)
    assert len(logged) > 15 and "quote request stored" in text, "the functions' logs were not captured"
    assert [value for value in PERSONAL if value in text] == []
