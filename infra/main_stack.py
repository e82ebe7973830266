"""The main stack, in the EU region the deployer chose: composes one construct per capability."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_ses as ses
from constructs import Construct
from jaqe.regions import require_eu_region

from infra.config import DeployConfig
from infra.constructs.api import PublicApi
from infra.constructs.functions import Functions, allow, allow_key
from infra.constructs.rights import RightsRequests
from infra.constructs.storage import Storage


class MainStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        require_eu_region(config.region)
        self.config = config
        self.storage = Storage(self, "Storage")
        self.mail_identity = ses.EmailIdentity(
            self, "MailDomain", identity=ses.Identity.domain(config.mail_domain)
        )
        self.functions = Functions(
            self,
            "Functions",
            environment={
                "DATA_TABLE": self.storage.table.table_name,
                "IDEMPOTENCY_TABLE": self.storage.idempotency_table.table_name,
                "SUBJECT_KEY_SECRET_ARN": self.storage.subject_key_secret.secret_arn,
                "MAIL_SENDER": config.mail_sender,
                "SITE_URL": config.site_url,
                # Links in emails use the API's public (custom-domain) URL; the stage URL would
                # make every function depend on the deployment that depends on them.
                "PUBLIC_API_URL": config.public_api_url,
                "PARTNER_ORIGINS": ",".join(config.partner_origins),
                "MAX_MATCHES": str(config.max_matches),
                "POWERTOOLS_METRICS_NAMESPACE": "JAQE",
            },
        )
        self.api = PublicApi(
            self, "Api", functions=self.functions, allowed_origins=[config.site_url, *config.partner_origins]
        )
        self._contact_messages()
        self.rights = RightsRequests(self, "Rights", main=self)

    def _allow_idempotency(self, function: lambda_.Function) -> None:
        allow(
            function,
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            [self.storage.idempotency_table.table_arn],
        )

    def _allow_subject_keys(self, function: lambda_.Function) -> None:
        """Reading the HMAC key, and using the data key (tables and secret share it)."""
        self.storage.subject_key_secret.grant_read(function)
        allow_key(function, self.storage.key)

    def _send_mail_statement(self) -> iam.PolicyStatement:
        identity_arn = self.format_arn(
            service="ses", resource="identity", resource_name=self.mail_identity.email_identity_name
        )
        return iam.PolicyStatement(actions=["ses:SendEmail", "ses:SendRawEmail"], resources=[identity_arn])

    def _contact_messages(self) -> None:
        function = self.functions.create("contact_messages")
        allow(function, ["dynamodb:PutItem"], [self.storage.table.table_arn])
        self._allow_idempotency(function)
        self._allow_subject_keys(function)
        function.add_to_role_policy(self._send_mail_statement())
        self.api.public_route("POST", "/v1/contact-messages", function)

    # Public names for constructs composed by this stack (rights requests, ...).
    def allow_idempotency(self, function: lambda_.Function) -> None:
        self._allow_idempotency(function)

    def allow_subject_keys(self, function: lambda_.Function) -> None:
        self._allow_subject_keys(function)

    def send_mail_statement(self) -> iam.PolicyStatement:
        return self._send_mail_statement()
