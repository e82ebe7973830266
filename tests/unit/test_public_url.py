"""Links in emails start with the API's public URL: the one given (custom domain, local stack), or
the stage URL the stack writes into an SSM parameter, read once per container and only when a
link is first built (not at import: most invocations send no link)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jaqe.platform import aws, public_url
from jaqe.platform.settings import LinkSettings, SettingsError, get_settings

PARAMETER = "/jaqe/public-api-url"


class FakeSsm:
    """The parameter as the stack writes it (the stage URL ends with a slash); counts the reads."""

    def __init__(self) -> None:
        self.value = "https://abc123.execute-api.eu-west-3.amazonaws.com/prod/"
        self.reads: list[tuple[str, str]] = []
        self.region = ""

    def get_parameter(self, Name: str) -> dict[str, Any]:
        self.reads.append((Name, self.region))
        return {"Parameter": {"Name": Name, "Value": self.value}}


@pytest.fixture
def ssm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSsm]:
    fake = FakeSsm()

    def client(region: str) -> FakeSsm:
        fake.region = region
        return fake

    for name in ("PUBLIC_API_URL", "PUBLIC_API_URL_PARAMETER", "DATA_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(public_url, "ssm_client", client)
    aws.reset()
    yield fake
    aws.reset()


def test_the_stage_url_is_read_from_the_parameter_on_first_use_then_kept(ssm, monkeypatch):
    monkeypatch.setenv("PUBLIC_API_URL_PARAMETER", PARAMETER)
    settings = get_settings(LinkSettings)  # what a handler builds at import
    assert ssm.reads == []
    assert settings.public_api_url == "https://abc123.execute-api.eu-west-3.amazonaws.com/prod"
    ssm.value = "https://changed.example/prod/"
    assert settings.public_api_url == "https://abc123.execute-api.eu-west-3.amazonaws.com/prod"
    assert ssm.reads == [(PARAMETER, "eu-west-3")]


def test_the_inbound_function_reads_it_in_the_data_region(ssm, monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-1")  # where SES invokes the intake
    monkeypatch.setenv("DATA_REGION", "eu-west-3")
    monkeypatch.setenv("PUBLIC_API_URL_PARAMETER", PARAMETER)
    assert get_settings(LinkSettings).public_api_url.startswith("https://abc123.")
    assert ssm.reads == [(PARAMETER, "eu-west-3")]


def test_a_given_url_wins_and_one_of_the_two_is_required(ssm, monkeypatch):
    monkeypatch.setenv("PUBLIC_API_URL", "http://127.0.0.1:3000")
    monkeypatch.setenv("PUBLIC_API_URL_PARAMETER", PARAMETER)
    assert get_settings(LinkSettings).public_api_url == "http://127.0.0.1:3000"
    assert ssm.reads == []
    monkeypatch.delenv("PUBLIC_API_URL")
    monkeypatch.delenv("PUBLIC_API_URL_PARAMETER")
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match="PUBLIC_API_URL or PUBLIC_API_URL_PARAMETER is required"):
        get_settings(LinkSettings)
