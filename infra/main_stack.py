"""The main stack, in the EU region the deployer chose: composes one construct per capability."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_lambda as lambda_
from constructs import Construct
from jaqe.regions import require_eu_region

from infra.config import DeployConfig
from infra.constructs.api import PublicApi
from infra.constructs.breach import BreachResponse
from infra.constructs.functions import Functions, allow, allow_key
from infra.constructs.mail import Mail
from infra.constructs.monitoring import Monitoring
from infra.constructs.professionals import Professionals
from infra.constructs.retention import Retention
from infra.constructs.rights import RightsRequests
from infra.constructs.storage import Storage

# What the functions emit with Powertools (namespace JAQE, dimension service = the function's
# name), grouped for the dashboard. tests/infra checks every `add_metric` name of functions/ is here.
APPLICATION_METRICS: dict[str, dict[str, tuple[str, ...]]] = {
    "Intake (quotes, contact, rights)": {
        "quote_requests": ("QuoteRequestAccepted", "ProfessionalsMatched"),
        "contact_messages": ("ContactMessageAccepted",),
        "rights_requests": ("RightsRequestReceived",),
    },
    "Mail": {
        "mail_sender": ("MailSent", "MailSkippedBlockedAddress"),
        "mail_feedback": ("AddressesBlocked",),
        "similar_services": ("SimilarServicesSent",),
    },
    "Rights requests": {
        "rights_workflow": ("RightsRequestClosed", "RightsRequestNeedsOperator"),
        "rights_deadlines": ("RightsRequestsOverdue", "RightsRequestsDueSoon"),
    },
    "Professionals": {
        "professionals": ("ProfessionalRegistered",),
        "admin_professionals": ("ProfessionalApproved", "ProfessionalRejected"),
        "pro_app": ("DocumentUploadRequested", "ProfessionalDelisted"),
        "insurance_watch": ("ProfessionalsUnlistedForInsurance",),
    },
    "Documents checked": {
        "document_check": ("DocumentAccepted", "DocumentRejected", "DocumentStray", "DocumentGone"),
    },
    "Breach response": {
        "breach_workflow": (
            "BreachNoticesSent",
            "IncidentNotificationsOverdue",
            "IncidentNotificationsDueSoon",
        ),
    },
    "Retention": {
        "retention_cascade": ("CascadeItemsDeleted", "CascadeObjectsDeleted"),
        "reconciliation": ("ReconciliationItemsPurged", "ReconciliationOrphanObjectsDeleted"),
    },
}
INBOUND_METRICS = (
    "InboundDroppedSpamOrVirus",
    "Inbound_rights_request",
    "Inbound_triage",
    "Inbound_unsubscribe",
    "Inbound_contact",
    "Inbound_dropped",
)


class MainStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        require_eu_region(config.region)
        self.config = config
        self.storage = Storage(self, "Storage")
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            key=self.storage.key,
            alarm_email=config.alarm_email,
            dashboard_name="jaqe-flows",
        )
        self.mail = Mail(
            self, "Mail", mail_domain=config.mail_domain, storage=self.storage, monitoring=self.monitoring
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
                **self.mail.environment(),
            },
        )
        self.monitoring.watch_functions(self.functions)
        self.api = PublicApi(
            self, "Api", functions=self.functions, allowed_origins=[config.site_url, *config.partner_origins]
        )
        self.mail.add_functions(self.functions, self.monitoring)
        self._contact_messages()
        self._consumer_intake()
        self.professionals = Professionals(
            self,
            "Professionals",
            storage=self.storage,
            functions=self.functions,
            api=self.api,
            allow_mail=self.mail.allow_sending,
            site_url=self.config.site_url,
            alarm=self.monitoring.alarm,
        )
        self._operator_exports()
        self.retention = Retention(
            self,
            "Retention",
            storage=self.storage,
            functions=self.functions,
            monitoring=self.monitoring,
            api=self.api,
        )
        # Archived documents go with their owner: the cascade and reconciliation purge the bucket.
        self.professionals.allow_document_purge(self.retention.cascade)
        self.professionals.allow_document_purge(self.retention.reconciliation)
        self.rights = RightsRequests(self, "Rights", main=self, documents_bucket=self.professionals.documents)
        self.breach = BreachResponse(self, "Breach", main=self)
        self._dashboard()

    def _dashboard(self) -> None:
        """What the flows dashboard shows besides functions and DLQs (added as they are made).
        A further state machine is one call: `self.monitoring.add_state_machine(name, machine)`."""
        self.monitoring.add_api(self.api.rest_api)
        self.monitoring.add_queue("mail outbox", self.mail.queue)
        self.monitoring.add_dead_letter_queue("ProfessionalsAsyncFailures", self.professionals.failures)
        self.monitoring.add_table("data", self.storage.table)
        self.monitoring.add_table("idempotency", self.storage.idempotency_table)
        self.monitoring.add_state_machine("Rights requests", self.rights.state_machine)
        self.monitoring.add_state_machine("Breach response", self.breach.state_machine)
        self.monitoring.add_custom_metrics(APPLICATION_METRICS)
        # The inbound-mail stack's function runs where SES receives mail.
        self.monitoring.add_custom_metrics(
            {f"Inbound mail ({self.config.inbound_mail_region})": {"inbound_mail": INBOUND_METRICS}},
            region=self.config.inbound_mail_region,
        )

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

    def _allow_data(
        self, function: lambda_.Function, actions: list[str], indexes: tuple[str, ...] = ()
    ) -> None:
        """Exactly these item actions on the data table, and Query on the named indexes."""
        table = self.storage.table.table_arn
        allow(function, actions, [table])
        if indexes:
            allow(function, ["dynamodb:Query"], [f"{table}/index/{index}" for index in indexes])
        allow_key(function, self.storage.key)

    def _form_function(
        self, name: str, data_actions: list[str], indexes: tuple[str, ...] = ()
    ) -> lambda_.Function:
        """A public form's function: data access, idempotency, subject keys and outgoing mail."""
        function = self.functions.create(name)
        self._allow_data(function, data_actions, indexes)
        self._allow_idempotency(function)
        self._allow_subject_keys(function)
        self.mail.allow_sending(function)
        return function

    def _contact_messages(self) -> None:
        function = self._form_function("contact_messages", ["dynamodb:PutItem"])
        self.api.public_route("POST", "/v1/contact-messages", function)

    def _operator_exports(self) -> None:
        exports = self.functions.create("admin_exports", timeout_seconds=120)
        self._allow_data(
            exports, ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], ("by_segment", "by_subject")
        )
        self.api.operator_route("POST", "/v1/admin/commercial-partners/exports", exports)

    def _consumer_intake(self) -> None:
        trades = self.functions.create("trades")
        self.api.public_route("GET", "/v1/trades", trades)

        quotes = self._form_function(
            "quote_requests",
            ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query"],
            ("by_subject",),
        )
        self.api.public_route("POST", "/v1/quote-requests", quotes)

        newsletter = self._form_function(
            "newsletter",
            ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"],
        )
        self.api.public_route("POST", "/v1/newsletter/subscriptions", newsletter)
        self.api.public_route("GET", "/v1/newsletter/confirm", newsletter)
        self.api.public_route("POST", "/v1/newsletter/unsubscribe", newsletter)

        cookies = self.functions.create("cookie_consents")
        self._allow_data(cookies, ["dynamodb:PutItem", "dynamodb:GetItem"])
        self._allow_idempotency(cookies)
        self.api.public_route("POST", "/v1/cookie-consents", cookies)
        self.api.public_route("GET", "/v1/cookie-consents/{visitor_id}", cookies)

        mailing = self.functions.create("similar_services", timeout_seconds=300)
        self._allow_data(mailing, ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], ("by_segment",))
        self.mail.allow_sending(mailing)

    # Public names for constructs composed by this stack (rights requests, ...).
    def allow_idempotency(self, function: lambda_.Function) -> None:
        self._allow_idempotency(function)

    def allow_subject_keys(self, function: lambda_.Function) -> None:
        self._allow_subject_keys(function)

    def allow_data(
        self, function: lambda_.Function, actions: list[str], indexes: tuple[str, ...] = ()
    ) -> None:
        self._allow_data(function, actions, indexes)
