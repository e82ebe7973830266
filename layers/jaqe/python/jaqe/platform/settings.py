"""Runtime settings, read from the function's environment and validated (pydantic models).

Each class declares exactly the environment variables one capability reads; required ones
have no default. A function's handler (`functions/<name>/app.py`) composes the classes it uses
into its own `Settings` and builds it at import, so that a missing variable fails the cold
start, not a person's request. Domain code reads the piece it needs with
`get_settings(OutboxSettings)`, built once per container (per class) and then cached;
`get_settings.cache_clear()` forgets them (tests and the local stack switch environments).

Each field is read from the variable named like it (case-insensitive) or from its
`validation_alias` (the first of the `AliasChoices` found). pydantic-settings did the same, and
cost every function about 5% of the cold-start floor (its sources import asyncio, argparse, dotenv).
"""

from __future__ import annotations

import os
from typing import Any, TypeVar, cast

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from jaqe.platform.regions import require_eu_region


class RuntimeSettings(BaseModel):
    """What every function has: the region it runs in (set by Lambda) and where the data lives."""

    # Errors name the missing variables, never the values found (no ARN or address in logs).
    # defer_build: of the seventeen classes here, a function builds the validators of those it reads
    # (its own Settings, when get_settings first reads it), not all of them at import.
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True, defer_build=True)

    region: str = Field(validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
    # Differs from `region` only for the inbound-mail function (SES receives mail in Ireland,
    # the data is in the main region).
    data_region: str = ""

    @field_validator("region")
    @classmethod
    def _eu_region(cls, value: str) -> str:
        return require_eu_region(value)

    @model_validator(mode="after")
    def _data_region(self) -> RuntimeSettings:
        self.data_region = require_eu_region(self.data_region or self.region)
        return self


class DataSettings(RuntimeSettings):
    """The single data table (`jaqe.store`)."""

    data_table: str


class AccessTrailSettings(RuntimeSettings):
    """The operators' access trail, a table of its own that no function may change (`jaqe.privacy.access_trail`)."""

    access_trail_table: str


class SubjectKeySettings(RuntimeSettings):
    """The HMAC key of subject keys (`jaqe.subject`): a secret's ARN or name."""

    subject_key_secret_arn: str


class IdempotencySettings(RuntimeSettings):
    """The Powertools idempotency table (public forms, the mail sender). The forms' payload
    fingerprints are keyed with the subject-key secret: those functions also read `SubjectKeySettings`."""

    idempotency_table: str


class OutboxSettings(RuntimeSettings):
    """Sending email: the outbox queue the mail sender drains (`jaqe.privacy.outbox.OutboxMailer`).
    The message itself is stored in the data table under a subject key: a sending function also
    reads `DataSettings` and `SubjectKeySettings`."""

    mail_queue_url: str


class SenderSettings(RuntimeSettings):
    """The mail sender's SES identity and configuration set (`jaqe.platform.mail.SesSender`)."""

    mail_sender: str
    mail_configuration_set: str = ""


class DpoSettings(RuntimeSettings):
    """The DPO's address, to which the monthly report is sent (`jaqe.dpo.reports`)."""

    dpo_email: str


class LinkSettings(RuntimeSettings):
    """Links in emails start with the API's public URL: given (a custom domain, the local stack) or,
    when the API has only its stage URL, the name of the SSM parameter the stack writes it into
    once the API exists (`jaqe.platform.public_url`)."""

    public_api_url_given: str = Field("", validation_alias="PUBLIC_API_URL")
    public_api_url_parameter: str = ""

    @model_validator(mode="after")
    def _one_source(self) -> LinkSettings:
        if not (self.public_api_url_given or self.public_api_url_parameter):
            raise ValueError("PUBLIC_API_URL or PUBLIC_API_URL_PARAMETER is required")
        return self

    @property
    def public_api_url(self) -> str:
        if self.public_api_url_given:
            return self.public_api_url_given
        from jaqe.platform.public_url import stage_url

        return stage_url(self.public_api_url_parameter, self.data_region)


class ApiSettings(RuntimeSettings):
    """Functions behind the REST API: the partner sites' origins answered by CORS (comma-separated,
    empty when there is no partner)."""

    partner_origins_list: str = Field(validation_alias="PARTNER_ORIGINS")

    @property
    def partner_origins(self) -> tuple[str, ...]:
        return tuple(o.strip() for o in self.partner_origins_list.split(",") if o.strip())


class SiteSettings(ApiSettings):
    """The consumer site, where a form's source is recorded (C2-01)."""

    site_url: str


class MatchingSettings(RuntimeSettings):
    """How many professionals a quote request is sent to."""

    max_matches: int = Field(ge=1)


class DocumentsSettings(RuntimeSettings):
    """The professionals' documents bucket."""

    documents_bucket: str


class ExportsSettings(RuntimeSettings):
    """The rights requests' exports bucket (access, portability)."""

    exports_bucket: str


class PartnerExportsSettings(RuntimeSettings):
    """Commercial-partner exports: the bucket their files go to."""

    partner_exports_bucket: str


class PartnerExportsQueueSettings(RuntimeSettings):
    """Commercial-partner exports: the queue their worker drains (`{"export_id"}` messages)."""

    partner_exports_queue_url: str


class RightsWorkflowSettings(RuntimeSettings):
    rights_state_machine_arn: str


class BreachWorkflowSettings(RuntimeSettings):
    breach_state_machine_arn: str


class ReconciliationSettings(RuntimeSettings):
    """Where a reconciliation run hands on what one invocation could not do (its continuation
    queue), and how many expired keys one invocation examines before doing so."""

    reconciliation_queue_url: str
    reconciliation_item_budget: int = Field(default=100_000, ge=1)


class InboundSettings(RuntimeSettings):
    """Where SES stores the raw inbound mail."""

    inbound_bucket: str


class LoginSettings(RuntimeSettings):
    """The professionals' Cognito user pool."""

    user_pool_id: str


S = TypeVar("S", bound=RuntimeSettings)


class SettingsError(RuntimeError):
    """The function's environment lacks or garbles a variable it needs (a deployment error)."""


def environment_names(cls: type[RuntimeSettings]) -> dict[str, str]:
    """Field -> the environment variable(s) it is read from (upper case, as the template sets them)."""
    names = {}
    for name, field in cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names[name] = " or ".join(str(choice).upper() for choice in alias.choices)
        else:
            names[name] = str(alias or name).upper()
    return names


def _variables(cls: type[RuntimeSettings]) -> dict[str, str]:
    """The environment's values of `cls`'s fields, keyed as the model validates them (field name or alias)."""
    environment = {name.upper(): value for name, value in os.environ.items()}
    found = {}
    for name, field in cls.model_fields.items():
        alias = field.validation_alias
        keys = [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else [str(alias or name)]
        key = next((k for k in keys if k.upper() in environment), None)
        if key is not None:
            found[key] = environment[key.upper()]
    return found


def load(cls: type[S]) -> S:
    """`cls` from the environment now, or a `SettingsError` naming each missing or invalid variable."""
    try:
        return cls.model_validate(_variables(cls))
    except ValidationError as error:
        names = environment_names(cls)

        def variable(location: tuple[int | str, ...]) -> str:
            where = str(location[0]) if location else ""
            # Errors are located by field name, or by alias for fields read from another name.
            found = names.get(where) or next(
                (v for v in names.values() if where.upper() in v.split(" or ")), ""
            )
            return found or where.upper() or cls.__name__

        problems = [
            f"{variable(e['loc'])}: {'missing' if e['type'] == 'missing' else e['msg']}"
            for e in error.errors()
        ]
        raise SettingsError(
            f"{cls.__name__} cannot be read from the environment: {'; '.join(problems)}"
        ) from None


class _SettingsCache:
    """`get_settings(cls)`: `cls` built from the environment once, then cached until `cache_clear()`."""

    def __init__(self) -> None:
        self._built: dict[type[Any], RuntimeSettings] = {}

    def __call__(self, cls: type[S]) -> S:
        built = self._built.get(cls)
        if built is None:
            built = self._built[cls] = load(cls)
        return cast(S, built)

    def cache_clear(self) -> None:
        self._built.clear()


get_settings = _SettingsCache()
