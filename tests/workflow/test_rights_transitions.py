"""What each request type costs in Standard state transitions (billed per transition), and
that logs stay free of personal data while the workflow runs."""

from __future__ import annotations

import logging

import pytest

from tests.workflow.seeds import PERSON, seed_person, seed_professionals

BODIES = {
    "withdraw_consent": {"purposes": ["newsletter"]},
    "access": {},
    "erasure": {},
    "restriction": {},
    "portability": {},
    "objection": {},
    "post_mortem_directives": {"directives": {"on_death": "keep", "instructions": "Conserver."}},
}
# Record, AlreadyVerified, AwaitVerification, Verified, Route, RouteChoice, ByType, <act>, NotifyRecipients,
# AnswerPerson, Close, Done
EXPECTED_STATES = 12


@pytest.mark.parametrize("request_type", sorted(BODIES))
def test_each_automatic_type_takes_twelve_states_from_record_to_done(rights, request_type, capsys, caplog):
    caplog.set_level(logging.INFO)
    seed_professionals(rights)
    seed_person(rights)

    request_id, execution = rights.run(
        {"type": request_type, "email": PERSON["email"], **BODIES[request_type]}
    )

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    states = rights.states(request_id)
    assert len(states) == EXPECTED_STATES, states
    assert states[:7] == [
        "Record",
        "AlreadyVerified",
        "AwaitVerification",
        "Verified",
        "Route",
        "RouteChoice",
        "ByType",
    ]
    assert states[-4:] == ["NotifyRecipients", "AnswerPerson", "Close", "Done"]
    logged = capsys.readouterr().out + caplog.text
    assert "rights workflow step done" in logged
    for value in (PERSON["email"], PERSON["phone"], PERSON["last_name"], "Camille"):
        assert value not in logged


def test_a_rectification_adds_the_operator_review_states(rights):
    seed_person(rights)
    request_id = rights.rectification_awaiting_operator(PERSON["email"])
    rights.admin(
        "POST", f"/v1/admin/rights-requests/{request_id}/decision", {"decision": "approve", "reason": "ok"}
    )

    assert rights.wait(request_id)["status"] == "SUCCEEDED"
    states = rights.states(request_id)
    # The choice of issue 20: only a change of the email address waits for the new address too.
    assert states[7:11] == ["AddressChange", "AwaitOperatorReview", "ReviewDecision", "Rectification"]
    assert len(states) == EXPECTED_STATES + 3
