"""Leads: the trades list, quote requests (matched and shared with professionals) and the
operators' exports for commercial partners."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from jaqe.privacy.inventory import PARTNER_EXPORT_DAYS

from infra.constructs.buckets import short_lived_files_bucket
from infra.constructs.functions import allow
from infra.constructs.inventory import inventoried
from infra.constructs.nag import acknowledge
from infra.constructs.platform import Platform
from infra.constructs.state_machines import logical_id

# The worker streams a whole export in one invocation (50,000 people in about a minute in AWS).
EXPORT_WORKER_SECONDS = 900
FILES = "partner-exports/*"


class Leads(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        config, api = platform.config, platform.api
        self.trades = platform.functions.create("trades")
        api.public_route("GET", "/v1/trades", self.trades)

        # DeleteItem: a confirmation link's token is used once (a conditional delete). BatchGetItem: the
        # matched professionals' profiles in one read.
        self.quotes = platform.form_function(
            "quote_requests",
            [
                "dynamodb:PutItem",
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:UpdateItem",
                "dynamodb:Query",
                "dynamodb:DeleteItem",
            ],
            ("by_subject",),
            environment={"SITE_URL": config.site_url, "MAX_MATCHES": str(config.max_matches)},
        )
        # The confirmation email's links (commercial partners consent, the newsletter box's double opt-in).
        platform.links(self.quotes)
        # The mail sender renders a quote request's emails from the lead, its disclosures and the
        # professionals' profiles (jaqe.leads.mails), each email's in one BatchGetItem, links included.
        allow(platform.mail.sender, ["dynamodb:BatchGetItem"], [platform.storage.table.table_arn])
        platform.links(platform.mail.sender)
        api.public_route("POST", "/v1/quote-requests", self.quotes)
        # The consent to commercial partners counts once the address is confirmed from the quote
        # confirmation email: the function that wrote the pending consent and sent the link confirms it.
        # A link's GET answers a page whose form POSTs the token: only the POST acts.
        api.public_route("GET", "/v1/consents/confirm", self.quotes)
        api.public_route("POST", "/v1/consents/confirm", self.quotes)
        # The consumer accepts a quote from the confirmation email's link (C3-04): the GET lists the
        # professionals, the POST records the choice on that professional's disclosure.
        api.public_route("GET", "/v1/quote-requests/{request_id}/acceptance", self.quotes)
        api.public_route("POST", "/v1/quote-requests/{request_id}/acceptance", self.quotes)

        # Operators export the leads who agreed to a commercial partner: the request is recorded and
        # queued; the worker writes the file to the partner-exports bucket; its status gives a link.
        self.exports_bucket = self._exports_bucket(platform)
        dlq = platform.monitoring.dead_letter_queue("PartnerExportsDlq", "commercial-partner exports")
        self.exports_queue = sqs.Queue(
            self,
            "PartnerExportsQueue",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=platform.storage.key,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(6 * EXPORT_WORKER_SECONDS),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=3),
        )
        inventoried(self.exports_queue, "partner_exports_queue")
        self.exports = platform.functions.create(
            "admin_exports",
            environment={
                "PARTNER_EXPORTS_BUCKET": self.exports_bucket.bucket_name,
                "PARTNER_EXPORTS_QUEUE_URL": self.exports_queue.queue_url,
            },
        )
        platform.storage.use_data(self.exports, ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"])
        allow(self.exports, ["sqs:SendMessage"], [self.exports_queue.queue_arn])
        # The status's presigned link is signed by this role: it may read the export files only.
        allow(
            self.exports,
            ["s3:GetObject", "s3:GetObjectVersion"],
            [self.exports_bucket.arn_for_objects(FILES)],
        )
        platform.api.operator_route("POST", "/v1/admin/commercial-partners/exports", self.exports)
        platform.api.operator_route("GET", "/v1/admin/commercial-partners/exports/{export_id}", self.exports)
        # The partners directory (Art. 19 notices' contacts) and the notices left to operators.
        platform.api.operator_route("POST", "/v1/admin/commercial-partners", self.exports)
        platform.api.operator_route("GET", "/v1/admin/commercial-partners", self.exports)
        platform.api.operator_route("GET", "/v1/admin/commercial-partners/tasks", self.exports)

        self.export_worker = platform.functions.create(
            "partner_exports",
            environment={"PARTNER_EXPORTS_BUCKET": self.exports_bucket.bucket_name},
            timeout_seconds=EXPORT_WORKER_SECONDS,
            reserved_concurrency=2,
        )
        # Consents through the segment index, the exported people's status and leads (GetItem), their
        # latest lead when the consent came from elsewhere (by_subject); disclosures and the record (PutItem).
        platform.storage.use_data(
            self.export_worker,
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
            ("by_segment", "by_subject"),
        )
        allow(
            self.export_worker,
            ["s3:PutObject", "s3:AbortMultipartUpload"],
            [self.exports_bucket.arn_for_objects(FILES)],
        )
        allow(
            self.export_worker,
            [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
            ],
            [self.exports_queue.queue_arn],
        )
        self.export_worker.add_event_source(
            sources.SqsEventSource(self.exports_queue, batch_size=1, report_batch_item_failures=True)
        )
        for function in (self.exports, self.export_worker):
            acknowledge(
                function.role.node.find_child("DefaultPolicy"),
                f"IAM5[Resource::<{logical_id(self.exports_bucket)}.Arn>/{FILES}]",
                "Each export's file has its own key (its id), not known in advance.",
            )

    def allow_export_erasure(self, function: lambda_.Function) -> None:
        """For erasures: the files a person is in (named by their partner disclosures) are deleted,
        every version. Nothing else of the bucket."""
        allow(function, ["s3:ListBucket", "s3:ListBucketVersions"], [self.exports_bucket.bucket_arn])
        allow(
            function,
            ["s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
            [self.exports_bucket.arn_for_objects(FILES)],
        )
        acknowledge(
            function.role.node.find_child("DefaultPolicy"),
            f"IAM5[Resource::<{logical_id(self.exports_bucket)}.Arn>/{FILES}]",
            "Each export's file has its own key (its id), not known in advance.",
        )

    def _exports_bucket(self, platform: Platform) -> s3.Bucket:
        """Files for commercial partners: KMS, private, TLS-only, logged, gone after a few days."""
        return short_lived_files_bucket(
            self,
            "PartnerExportFiles",
            key=platform.storage.key,
            days=PARTNER_EXPORT_DAYS,
            inventory="partner_exports",
            logs_id="PartnerExportFilesAccessLogs",
            of="the partner exports bucket",
        )
