"""Each workflow's steps are written once (an enum) and match the "step" of every task in its ASL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jaqe.breach.workflow import BreachStep, BreachWorkflow
from jaqe.rights.workflow import RightsStep, RightsWorkflow

STATEMACHINES = Path(__file__).resolve().parents[2] / "infra" / "statemachines"


def payload_steps(asl: dict[str, Any]) -> set[str]:
    """The `"step"` of every task Payload, in nested states (Map iterators, Parallel branches) too."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            payload = (node.get("Parameters") or {}).get("Payload") if "Parameters" in node else None
            if isinstance(payload, dict) and "step" in payload:
                found.add(payload["step"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(asl)
    return found


def asl(name: str) -> dict[str, Any]:
    return json.loads((STATEMACHINES / name).read_text())


def test_rights_steps_are_the_asl_steps() -> None:
    assert payload_steps(asl("rights_request.asl.json")) == {s.value for s in RightsStep}


def test_breach_steps_are_the_asl_steps_and_the_hourly_check() -> None:
    assert payload_steps(asl("breach_response.asl.json")) | {BreachStep.CHECK_DEADLINES.value} == {
        s.value for s in BreachStep
    }


def test_every_rights_step_has_a_handler() -> None:
    assert set(RightsWorkflow.__new__(RightsWorkflow).handlers()) == set(RightsStep)


def test_every_breach_step_has_a_handler() -> None:
    assert set(BreachWorkflow.__new__(BreachWorkflow).handlers()) == set(BreachStep)
