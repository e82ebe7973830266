"""Each rights step runs in the function whose role grants what it needs (#16): a misrouted step
fails before doing anything."""

from __future__ import annotations

import pytest
from jaqe.rights.workflow import RightsStep, WrongFunction, task_for

STATE = {"request_id": "rr_1", "type": "erasure", "email": "a@example.fr", "subject_key": "k"}


@pytest.mark.parametrize("step", list(RightsStep))
def test_each_step_is_accepted_by_exactly_one_function(step):
    event = {"step": step.value, "state": STATE}
    accepted = []
    for actions in (False, True):
        try:
            task_for(event, actions=actions)
            accepted.append(actions)
        except WrongFunction:
            pass
    assert accepted == [step.value.startswith("act_")]


def test_the_erasure_never_runs_in_the_function_that_sends_mail():
    with pytest.raises(WrongFunction):
        task_for({"step": "act_erasure", "state": STATE}, actions=False)
