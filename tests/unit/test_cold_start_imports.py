"""What a function's import (its cold start, bench/cold_start.py) leaves for later: modules that only
some routes or tasks use, and the validators of the domain's models (built when a request first uses
them). One fresh interpreter per function, as Lambda starts it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jaqe.platform import settings

ROOT = Path(__file__).resolve().parents[2]

# Loaded by no function at import (pydantic-settings: the settings reader replaced it).
NEVER = ("pydantic_settings", "dotenv")
# function -> modules it loads only where a route or task needs them.
LATER = {
    # Step Functions tasks: no HTTP plumbing; only a cookie withdrawal reads the recorded choices.
    "rights_actions": ("jaqe.platform.api", "jaqe.marketing.cookies"),
    "rights_workflow": ("jaqe.platform.api", "jaqe.marketing.cookies"),
    # Only the privacy scan route reads every store and the login pool.
    "admin_rights": ("jaqe.privacy.scan", "jaqe.platform.cognito"),
    # The monthly report reads every capability's records: its route loads it.
    "admin_retention": ("jaqe.dpo.reports",),
    # The rights capability loads with the first rights request by email.
    "inbound_mail": ("jaqe.rights.intake", "jaqe.rights.model", "jaqe.rights.records"),
    # Post-mortem directives load with the designated person's confirmation link.
    "rights_requests": ("jaqe.rights.post_mortem",),
    # The data inventory loads when a hold reaches a document.
    "mail_feedback": ("jaqe.privacy.inventory",),
}

IMPORT = """
import importlib.util, json, sys
from pydantic import BaseModel
from jaqe.platform.settings import RuntimeSettings
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)

def models(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from models(sub)

built = sorted(
    f"{m.__module__}.{m.__qualname__}"
    for m in set(models(BaseModel))
    if m.__module__.startswith("jaqe.") and m.__pydantic_complete__ and not issubclass(m, RuntimeSettings)
)
print(json.dumps({"modules": sorted(sys.modules), "built": built}))
"""


def _environment() -> dict[str, str]:
    """Every variable some settings class reads, with a value of its type; bytecode cached as
    bench/cold_start.py caches it (the environment may say PYTHONDONTWRITEBYTECODE)."""
    variables = {name: "eu-west-3" for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "DATA_REGION")}
    for cls in vars(settings).values():
        if isinstance(cls, type) and issubclass(cls, settings.RuntimeSettings):
            for field, names in settings.environment_names(cls).items():
                for name in names.split(" or "):
                    value = "1" if cls.model_fields[field].annotation is int else "x"
                    variables.setdefault(name, value)
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**inherited, **variables, "PYTHONPYCACHEPREFIX": str(ROOT / ".build" / "pycache")}


@pytest.fixture(scope="module")
def cold_starts() -> dict[str, dict[str, list[str]]]:
    """Each function of LATER imported in its own interpreter, all at once."""
    env = _environment()
    children = {
        name: subprocess.Popen(
            [sys.executable, "-c", IMPORT, str(ROOT / "functions" / name / "app.py")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in LATER
    }
    found = {}
    for name, child in children.items():
        out, errors = child.communicate(timeout=60)
        assert child.returncode == 0, errors[-2000:]
        found[name] = json.loads(out)
    return found


@pytest.mark.parametrize("function", sorted(LATER))
def test_a_function_import_leaves_what_only_some_requests_need(cold_starts, function):
    loaded = set(cold_starts[function]["modules"])
    assert not loaded & {*NEVER, *LATER[function]}


@pytest.mark.parametrize("function", sorted(LATER))
def test_a_function_import_builds_no_model_validator(cold_starts, function):
    """Models are `defer_build`: validators are built by the first request that uses them (settings,
    read at import so that a missing variable fails the cold start, excepted)."""
    assert cold_starts[function]["built"] == []
