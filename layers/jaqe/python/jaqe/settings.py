"""Runtime settings, read from the function's environment once per container (lazily)."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel

from jaqe.controller import POLICY_VERSION
from jaqe.regions import require_eu_region


class Settings(BaseModel):
    region: str
    # Where the data lives; differs from `region` only for the inbound-mail function (SES receives
    # mail in Ireland, the data is in the main region).
    data_region: str = ""
    data_table: str
    idempotency_table: str = ""
    subject_key_secret: str = ""
    mail_sender: str = "JAQE <no-reply@jaqe.fr>"
    public_api_url: str = "https://api.jaqe.fr"
    site_url: str = "https://jaqe.fr"
    max_matches: int = 3
    documents_bucket: str = ""
    exports_bucket: str = ""
    rights_state_machine_arn: str = ""
    breach_state_machine_arn: str = ""
    mail_queue_url: str = ""
    mail_configuration_set: str = ""
    inbound_bucket: str = ""
    user_pool_id: str = ""
    partner_origins: tuple[str, ...] = ()
    policy_version: str = POLICY_VERSION


_ENV = {
    "data_table": "DATA_TABLE",
    "data_region": "DATA_REGION",
    "inbound_bucket": "INBOUND_BUCKET",
    "idempotency_table": "IDEMPOTENCY_TABLE",
    "subject_key_secret": "SUBJECT_KEY_SECRET_ARN",
    "mail_sender": "MAIL_SENDER",
    "public_api_url": "PUBLIC_API_URL",
    "site_url": "SITE_URL",
    "max_matches": "MAX_MATCHES",
    "documents_bucket": "DOCUMENTS_BUCKET",
    "exports_bucket": "EXPORTS_BUCKET",
    "rights_state_machine_arn": "RIGHTS_STATE_MACHINE_ARN",
    "breach_state_machine_arn": "BREACH_STATE_MACHINE_ARN",
    "mail_queue_url": "MAIL_QUEUE_URL",
    "mail_configuration_set": "MAIL_CONFIGURATION_SET",
    "user_pool_id": "USER_POOL_ID",
}


@cache
def get_settings() -> Settings:
    values: dict[str, object] = {
        field: os.environ[env] for field, env in _ENV.items() if os.environ.get(env) is not None
    }
    origins = os.environ.get("PARTNER_ORIGINS", "")
    values["partner_origins"] = tuple(o for o in origins.split(",") if o)
    region = require_eu_region(os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
    settings = Settings.model_validate({"region": region, **values})
    settings.data_region = require_eu_region(settings.data_region or region)
    return settings
