"""Outgoing mail: the outbox queue and its sender, the SES identity and configuration set, bounce feedback."""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, Fn, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names
from infra.constructs.functions import Functions, allow
from infra.constructs.inventory import inventoried
from infra.constructs.monitoring import Monitoring
from infra.constructs.storage import Storage

MAX_SEND_ATTEMPTS = 5


class Mail(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        mail_domain: str,
        mail_sender: str,
        storage: Storage,
        monitoring: Monitoring,
    ) -> None:
        super().__init__(scope, construct_id)
        self.storage = storage
        self.mail_sender = mail_sender
        self.configuration_set = ses.ConfigurationSet(
            self, "ConfigurationSet", reputation_metrics=True, sending_enabled=True
        )
        self.identity = ses.EmailIdentity(
            self,
            "Domain",
            identity=ses.Identity.domain(mail_domain),
            configuration_set=self.configuration_set,
        )
        # SES verifies the domain (Easy DKIM) once these three CNAMEs are published in its zone.
        for number, record in enumerate(self.identity.dkim_records, start=1):
            CfnOutput(
                Stack.of(self),
                f"DkimCname{number}",
                value=Fn.join(" ", [record.name, "CNAME", record.value]),
                description=f"DKIM record {number} of {mail_domain} to publish: <name> CNAME <value>",
            )
        self.feedback_topic = sns.Topic(self, "Feedback", master_key=storage.key, enforce_ssl=True)
        self.configuration_set.add_event_destination(
            "BouncesAndComplaints",
            destination=ses.EventDestination.sns_topic(self.feedback_topic),
            events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
        )
        self.dlq = monitoring.dead_letter_queue("MailDlq", "outgoing emails", store="mail_dlq")
        self.queue = sqs.Queue(
            self,
            "Outbox",
            queue_name=names.MAIL_OUTBOX_QUEUE,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=storage.key,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(120),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dlq, max_receive_count=MAX_SEND_ATTEMPTS),
        )
        inventoried(self.queue, "mail_outbox")

    def allow_sending(self, function: lambda_.Function) -> None:
        """What a function needs to send email (jaqe.privacy.outbox.OutboxMailer): store the message
        in the data table under the subject key of the person it is about (PutItem, the HMAC key:
        DataSettings, SubjectKeySettings) and put its id on the outbox queue (MAIL_QUEUE_URL,
        jaqe.platform.settings.OutboxSettings)."""
        allow(function, ["sqs:SendMessage"], [self.queue.queue_arn])
        allow(function, ["dynamodb:PutItem"], [self.storage.table.table_arn])
        self.storage.use_subject_keys(function)
        self.storage.name_data_table(function)
        function.add_environment("MAIL_QUEUE_URL", self.queue.queue_url)

    def add_functions(self, functions: Functions, monitoring: Monitoring) -> None:
        stack = Stack.of(self)
        identity_arn = stack.format_arn(
            service="ses", resource="identity", resource_name=self.identity.email_identity_name
        )
        configuration_set_arn = stack.format_arn(
            service="ses",
            resource="configuration-set",
            resource_name=self.configuration_set.configuration_set_name,
        )
        self.sender = sender = functions.create(
            "mail_sender",
            environment={
                "MAIL_SENDER": self.mail_sender,
                "MAIL_CONFIGURATION_SET": self.configuration_set.configuration_set_name,
            },
            timeout_seconds=60,
            reserved_concurrency=5,
        )
        sender.add_to_role_policy(
            iam.PolicyStatement(
                actions=["ses:SendEmail", "ses:SendRawEmail"], resources=[identity_arn, configuration_set_arn]
            )
        )
        self._allow_lookup(sender)
        # The stored message (jaqe.privacy.outbox): read by id, deleted once sent or refused.
        allow(sender, ["dynamodb:DeleteItem"], [self.storage.table.table_arn])
        # A suppressed address gets marketing mail of a purpose it consented to again since: its consent
        # ledger is one partition of the table (jaqe.privacy.subject_flags).
        allow(sender, ["dynamodb:Query"], [self.storage.table.table_arn])
        self.storage.use_idempotency(sender)
        allow(
            sender,
            [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
            ],
            [self.queue.queue_arn],
        )
        sender.add_event_source(
            sources.SqsEventSource(self.queue, batch_size=10, report_batch_item_failures=True)
        )

        feedback = functions.create("mail_feedback")
        self._allow_lookup(feedback)
        allow(feedback, ["dynamodb:PutItem"], [self.storage.table.table_arn])
        feedback_dlq = monitoring.dead_letter_queue(
            "FeedbackDlq", "bounce notifications", store="feedback_dlq"
        )
        self.feedback_topic.add_subscription(
            subscriptions.LambdaSubscription(feedback, dead_letter_queue=feedback_dlq)
        )
        # SNS invokes asynchronously: a notification the function fails on must not be lost.
        monitoring.dead_letter_async_invokes(feedback, feedback_dlq)
        for function in (sender, feedback):
            monitoring.alarm(
                f"{function.node.id}Errors",
                function.metric_errors(period=Duration.minutes(5)),
                f"{function.node.id} failed: emails may be late or sent to blocked addresses.",
            )

    def _allow_lookup(self, function: lambda_.Function) -> None:
        """Blocked addresses are found by subject key: read the HMAC key and the table."""
        self.storage.use_subject_keys(function)
        allow(function, ["dynamodb:GetItem"], [self.storage.table.table_arn])
        self.storage.name_data_table(function)
