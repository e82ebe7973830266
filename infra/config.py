"""What a deployer sets: account, EU region, mail domain, sender, alarm address, partner origins.

Read from CDK context (`-c region=eu-west-3`, or cdk.json) with environment fallbacks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from aws_cdk import App
from jaqe.platform.regions import require_eu_region


@dataclass(frozen=True)
class DeployConfig:
    account: str | None
    region: str
    # SES receives mail only in some regions (not Paris): the inbound stack lives in one that does.
    inbound_mail_region: str
    mail_domain: str
    mail_sender: str
    alarm_email: str | None
    # Where the monthly DPO report is emailed (jaqe.dpo.reports).
    dpo_email: str
    site_url: str
    # The API's custom domain (`api.example.fr`) and the Route 53 hosted zone that serves it: the
    # stack makes its certificate and alias record. Both or neither.
    domain_name: str | None
    hosted_zone_id: str | None
    # Where email links point: `public_api_url` if set (a domain managed elsewhere), else
    # https://<domain_name>; None: the stage URL, read at run time (jaqe.platform.public_url).
    public_api_url: str | None
    partner_origins: tuple[str, ...]
    max_matches: int

    @classmethod
    def from_app(cls, app: App) -> DeployConfig:
        def setting(name: str, env: str, default: str | None = None) -> str | None:
            value = app.node.try_get_context(name)
            return str(value) if value is not None else os.environ.get(env, default)

        region = require_eu_region(setting("region", "CDK_DEFAULT_REGION", "eu-west-3"))
        mail_domain = setting("mail_domain", "JAQE_MAIL_DOMAIN", "jaqe.fr") or "jaqe.fr"
        origins = setting("partner_origins", "JAQE_PARTNER_ORIGINS", "") or ""
        domain_name = setting("domain_name", "JAQE_DOMAIN_NAME")
        hosted_zone_id = setting("hosted_zone_id", "JAQE_HOSTED_ZONE_ID")
        if bool(domain_name) != bool(hosted_zone_id):
            raise ValueError("domain_name and hosted_zone_id go together: give both, or neither")
        return cls(
            account=setting("account", "CDK_DEFAULT_ACCOUNT"),
            region=region,
            inbound_mail_region=require_eu_region(
                setting("inbound_mail_region", "JAQE_INBOUND_REGION", "eu-west-1")
            ),
            mail_domain=mail_domain,
            mail_sender=setting("mail_sender", "JAQE_MAIL_SENDER", f"JAQE <no-reply@{mail_domain}>") or "",
            alarm_email=setting("alarm_email", "JAQE_ALARM_EMAIL"),
            dpo_email=setting("dpo_email", "JAQE_DPO_EMAIL", f"dpo@{mail_domain}") or f"dpo@{mail_domain}",
            site_url=setting("site_url", "JAQE_SITE_URL", "https://jaqe.fr") or "https://jaqe.fr",
            domain_name=domain_name,
            hosted_zone_id=hosted_zone_id,
            public_api_url=setting("public_api_url", "JAQE_PUBLIC_API_URL")
            or (f"https://{domain_name}" if domain_name else None),
            partner_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            max_matches=int(setting("max_matches", "JAQE_MAX_MATCHES", "3") or 3),
        )
