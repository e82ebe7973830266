"""Each function's environment, as the synthesised templates give it, satisfies the settings its
handler declares (`functions/<name>/app.py: Settings`), and holds nothing else of the application's
settings; a missing variable fails the import (the cold start), naming the variable."""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jaqe.platform import aws, settings
from jaqe.platform.regions import NonEuRegionError
from jaqe.platform.settings import RuntimeSettings, SettingsError, environment_names, get_settings

from infra.app import INBOUND_STACK, MAIN_STACK, ROOT

pytestmark = pytest.mark.infra

# Set by Lambda itself, or Powertools' own configuration: not the application's settings.
RUNTIME = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE"}


def settings_classes() -> list[type[RuntimeSettings]]:
    return [
        cls
        for _, cls in inspect.getmembers(settings, inspect.isclass)
        if issubclass(cls, RuntimeSettings) and cls.__module__ == settings.__name__
    ]


def application_variables() -> set[str]:
    """Every variable some settings class reads (the ones a test must control)."""
    names = set()
    for cls in settings_classes():
        for variables in environment_names(cls).values():
            names.update(variables.split(" or "))
    return names


def function_environments(cdk_out: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(stack, service name, template variables) of every function built from `functions/`."""
    for stack in (MAIN_STACK, INBOUND_STACK):
        template = json.loads((cdk_out / f"{stack}.template.json").read_text())
        for resource in template["Resources"].values():
            if resource["Type"] == "AWS::Lambda::Function" and "S3Key" in resource["Properties"]["Code"]:
                variables = resource["Properties"]["Environment"]["Variables"]
                yield stack, variables["POWERTOOLS_SERVICE_NAME"], variables


def placeholder(value: Any) -> str:
    """A deployed value: literal strings as they are, references (Ref, GetAtt, Join) as their text."""
    return value if isinstance(value, str) else f"resolved-{json.dumps(value, sort_keys=True)}"


@pytest.fixture
def cold_start(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Import a handler as Lambda would: only `variables` (and the region Lambda sets) in its environment."""
    loaded: list[str] = []

    def start(service: str, variables: dict[str, str], region: str = "eu-west-3") -> ModuleType:
        for name in application_variables() | {"AWS_REGION", "AWS_DEFAULT_REGION"}:
            monkeypatch.delenv(name, raising=False)
        for name, value in {**variables, "AWS_REGION": region}.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        module_name = f"cold_start_{service}"
        spec = importlib.util.spec_from_file_location(module_name, ROOT / "functions" / service / "app.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        loaded.append(module_name)
        spec.loader.exec_module(module)
        return module

    yield start
    for name in loaded:
        sys.modules.pop(name, None)
    aws.reset()  # forgets settings and clients built under these environments


def test_every_function_environment_satisfies_its_handlers_settings_and_holds_nothing_more(
    cdk_out, cold_start
):
    seen = set()
    for stack, service, variables in function_environments(cdk_out):
        seen.add(service)
        region = "eu-west-1" if stack == INBOUND_STACK else "eu-west-3"
        module = cold_start(service, {k: placeholder(v) for k, v in variables.items()}, region)
        declared: type[RuntimeSettings] = module.Settings
        assert get_settings(declared)  # built at import already: the cold start succeeded
        needed = set()
        for field, names in environment_names(declared).items():
            if field != "region":  # AWS_REGION: set by Lambda
                needed.update(names.split(" or "))
        required = {
            environment_names(declared)[f]
            for f, info in declared.model_fields.items()
            if info.is_required() and f != "region"
        }
        assert required <= set(variables), (service, required - set(variables))
        extra = set(variables) - needed - RUNTIME
        assert not extra, f"{service} is given {sorted(extra)}, which its settings never read"
    assert seen == {p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").is_file()}


def test_a_missing_required_variable_fails_the_cold_start_naming_it(cdk_out, cold_start):
    [variables] = [v for _, s, v in function_environments(cdk_out) if s == "quote_requests"]
    environment = {k: placeholder(v) for k, v in variables.items() if k != "MAX_MATCHES"}
    with pytest.raises(SettingsError, match=r"MAX_MATCHES: missing"):
        cold_start("quote_requests", environment)


def test_an_invalid_value_fails_naming_the_variable(monkeypatch):
    from jaqe.platform.settings import MatchingSettings

    monkeypatch.setenv("MAX_MATCHES", "many")
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match=r"MatchingSettings .*MAX_MATCHES: ") as failure:
        get_settings(MatchingSettings)
    assert "many" not in str(failure.value)  # values are not echoed into logs
    get_settings.cache_clear()


def test_settings_are_cached_until_cleared(monkeypatch):
    from jaqe.platform.settings import LinkSettings

    monkeypatch.setenv("PUBLIC_API_URL", "https://api.one")
    get_settings.cache_clear()
    assert get_settings(LinkSettings).public_api_url == "https://api.one"
    monkeypatch.setenv("PUBLIC_API_URL", "https://api.two")
    assert get_settings(LinkSettings).public_api_url == "https://api.one"
    get_settings.cache_clear()  # what the local stack does around each invocation
    assert get_settings(LinkSettings).public_api_url == "https://api.two"
    get_settings.cache_clear()


def test_a_region_outside_the_eu_is_refused(monkeypatch):
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    get_settings.cache_clear()
    with pytest.raises(NonEuRegionError, match="EU rule"):
        get_settings(RuntimeSettings)
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match="AWS_REGION or AWS_DEFAULT_REGION: missing"):
        get_settings(RuntimeSettings)
    get_settings.cache_clear()
