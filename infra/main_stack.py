"""The main stack, in the EU region the deployer chose: composes one construct per capability."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from constructs import Construct
from jaqe.platform.regions import require_eu_region

from infra.config import DeployConfig
from infra.constructs.api import PublicApi
from infra.constructs.breach import BreachResponse
from infra.constructs.contact import Contact
from infra.constructs.dpo import DpoReports
from infra.constructs.functions import Functions
from infra.constructs.leads import Leads
from infra.constructs.mail import Mail
from infra.constructs.marketing import Marketing
from infra.constructs.monitoring import Monitoring
from infra.constructs.platform import Platform
from infra.constructs.professionals import Professionals
from infra.constructs.retention import Retention
from infra.constructs.rights import RightsWorkflowConstruct
from infra.constructs.staff import StaffRoles
from infra.constructs.storage import Storage

# What the functions emit with Powertools (namespace JAQE, dimension service = the function's
# name), grouped for the dashboard. tests/infra checks every `add_metric` name of functions/ is here.
APPLICATION_METRICS: dict[str, dict[str, tuple[str, ...]]] = {
    "Intake (quotes, contact, rights)": {
        "quote_requests": ("QuoteRequestAccepted", "ProfessionalsMatched"),
        "contact_messages": ("ContactMessageAccepted",),
        "rights_requests": ("RightsRequestReceived",),
        "partner_exports": ("PartnerExportRows",),
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
        "professionals": ("ProfessionalRegistrationReceived",),
        "admin_professionals": ("ProfessionalApproved", "ProfessionalRejected", "DocumentDecided"),
        "pro_app": ("DocumentUploadRequested", "ProfessionalDelisted"),
        "insurance_watch": ("ProfessionalsUnlistedForInsurance",),
    },
    "Documents checked": {
        "document_check": (
            "DocumentPendingReview",
            "DocumentAccepted",
            "DocumentRejected",
            "DocumentReplacement",
            "DocumentStray",
            "DocumentGone",
        ),
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
    "InboundRawMailNotDeleted",
)


class MainStack(Stack):
    """Composes the platform (storage, monitoring, mail, functions, API), then one construct per
    capability, each given the same `Platform` bundle. Construct ids are those resources always had:
    renaming one would replace its resources on the next deployment."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        require_eu_region(config.region)
        self.config = config
        storage = Storage(self, "Storage")
        monitoring = Monitoring(
            self, "Monitoring", key=storage.key, alarm_email=config.alarm_email, dashboard_name="jaqe-flows"
        )
        mail = Mail(
            self,
            "Mail",
            mail_domain=config.mail_domain,
            mail_sender=config.mail_sender,
            storage=storage,
            monitoring=monitoring,
        )
        functions = Functions(self, "Functions")
        monitoring.watch_functions(functions)
        api = PublicApi(
            self,
            "Api",
            functions=functions,
            site_url=config.site_url,
            partner_origins=config.partner_origins,
            domain_name=config.domain_name,
            hosted_zone_id=config.hosted_zone_id,
            public_url=config.public_api_url,
        )
        self.platform = platform = Platform(config, storage, functions, api, mail, monitoring)

        mail.add_functions(functions, monitoring)
        self.contact = Contact(self, "Contact", platform)
        self.leads = Leads(self, "Leads", platform)
        self.marketing = Marketing(self, "Marketing", platform)
        self.professionals = Professionals(self, "Professionals", platform)
        self.retention = Retention(self, "Retention", platform)
        # Archived documents go with their owner: the cascade and reconciliation purge the bucket.
        self.professionals.allow_document_purge(self.retention.cascade)
        # A removed profile (expired registration, end of the archive) takes its login with it.
        self.professionals.allow_login_erasure(self.retention.cascade)
        self.professionals.allow_document_purge(self.retention.reconciliation)
        self.rights = RightsWorkflowConstruct(
            self, "Rights", platform, documents_bucket=self.professionals.documents
        )
        # An erasure deletes a professional's login too (the data inventory's professional_logins).
        self.professionals.allow_login_erasure(self.rights.actions_function)
        self.professionals.allow_login_move(self.rights.actions_function)
        self.professionals.allow_login_lookup(self.rights.admin_function)
        # An erasure deletes the partner export files the person is in (the data inventory's partner_exports).
        self.leads.allow_export_erasure(self.rights.actions_function)
        # Holds lock a held person's documents (S3 legal hold): placed and lifted by operators and by a
        # restriction for legal claims, re-applied by the daily reconciliation.
        for function in (
            self.rights.admin_function,
            self.rights.actions_function,
            self.retention.reconciliation,
        ):
            self.professionals.allow_legal_holds(function)
        self.breach = BreachResponse(self, "Breach", platform)
        self.dpo = DpoReports(self, "Dpo", platform)
        # Last: every operators' route exists by now.
        self.staff = StaffRoles(self, "Staff", api=api, storage=storage, functions=functions)
        self._dashboard()

    def _dashboard(self) -> None:
        """What the flows dashboard shows besides functions and DLQs (added as they are made).
        A further state machine is one call: `monitoring.add_state_machine(name, machine)`."""
        monitoring, storage = self.platform.monitoring, self.platform.storage
        monitoring.add_api(self.platform.api.rest_api)
        monitoring.add_queue("mail outbox", self.platform.mail.queue)
        monitoring.add_queue("partner exports", self.leads.exports_queue)
        monitoring.add_dead_letter_queue("ProfessionalsAsyncFailures", self.professionals.failures)
        monitoring.add_table("data", storage.table)
        monitoring.add_table("idempotency", storage.idempotency_table)
        monitoring.add_table("access trail", storage.access_trail)
        monitoring.add_state_machine("Rights requests", self.rights.state_machine)
        monitoring.add_state_machine("Breach response", self.breach.state_machine)
        monitoring.add_custom_metrics(APPLICATION_METRICS)
        # The inbound-mail stack's function runs where SES receives mail.
        monitoring.add_custom_metrics(
            {f"Inbound mail ({self.config.inbound_mail_region})": {"inbound_mail": INBOUND_METRICS}},
            region=self.config.inbound_mail_region,
        )
