"""Retention that enforces itself: stream cascades and the daily reconciliation (issue: retention),
and the operators' retention report. The cascade and the reconciliation also purge documents:
`MainStack` hands them to `Professionals.allow_document_purge` (DOCUMENTS_BUCKET)."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from jaqe.leads.records import CASCADING as LEAD_CASCADING
from jaqe.professionals.records import CASCADING as PROFESSIONAL_CASCADING

from infra.constructs.functions import allow, allow_key, allow_partition
from infra.constructs.inventory import inventoried
from infra.constructs.nag import acknowledge
from infra.constructs.platform import Platform

# The longest a Lambda function may run: a reconciliation run larger than that goes on from its queue.
RECONCILIATION_TIMEOUT_SECONDS = 900


class Retention(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        storage, functions, monitoring = platform.storage, platform.functions, platform.monitoring
        table = storage.table
        self.cascade = functions.create("retention_cascade", timeout_seconds=60)
        allow(self.cascade, ["dynamodb:Query", "dynamodb:DeleteItem", "dynamodb:GetItem"], [table.table_arn])
        allow(
            self.cascade,
            [
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
            ],
            [table.table_stream_arn or ""],
        )
        self.cascade.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=25,
                bisect_batch_on_error=True,
                retry_attempts=3,
                report_batch_item_failures=True,
                on_failure=sources.SqsDlq(monitoring.dead_letter_queue("CascadeDlq", "retention cascades")),
                # Only the removals something hangs from: every other write (an email stored then
                # deleted, a token, a consent) never invokes the cascade.
                filters=[
                    lambda_.FilterCriteria.filter(
                        {
                            "eventName": lambda_.FilterRule.is_equal("REMOVE"),
                            "dynamodb": {
                                "OldImage": {
                                    "item_type": {
                                        "S": lambda_.FilterRule.or_(*LEAD_CASCADING, *PROFESSIONAL_CASCADING)
                                    }
                                }
                            },
                        }
                    )
                ],
            )
        )

        self.reconciliation = functions.create(
            "reconciliation", timeout_seconds=RECONCILIATION_TIMEOUT_SECONDS
        )
        # UpdateItem and the subject and segment indexes: active holds are re-applied before purging;
        # BatchGetItem re-reads a page of expired keys, BatchWriteItem deletes them.
        allow(
            self.reconciliation,
            [
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchGetItem",
                "dynamodb:BatchWriteItem",
            ],
            [table.table_arn],
        )
        allow(
            self.reconciliation,
            ["dynamodb:Query"],
            [f"{table.table_arn}/index/{index}" for index in ("by_expiry", "by_subject", "by_segment")],
        )
        for function in (self.cascade, self.reconciliation):
            storage.name_data_table(function)
            allow(
                function,
                ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                [storage.key.key_arn],
            )
            monitoring.alarm(
                f"{function.node.id}Errors",
                function.metric_errors(period=Duration.minutes(5)),
                f"{function.node.id} failed: retention may be late.",
            )
        reconciliation_dlq = monitoring.dead_letter_queue("ReconciliationDlq", "reconciliation runs")
        monitoring.dead_letter_async_invokes(self.reconciliation, reconciliation_dlq)
        # A run larger than one invocation's budget goes on from here (jaqe.privacy.retention.Continuation),
        # one message per invocation; one that fails three times lands in the alarmed DLQ.
        self.continuations = sqs.Queue(
            self,
            "ReconciliationContinuations",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=storage.key,
            enforce_ssl=True,
            # Six times the function's timeout, as Lambda's SQS polling asks.
            visibility_timeout=Duration.seconds(6 * RECONCILIATION_TIMEOUT_SECONDS),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=reconciliation_dlq, max_receive_count=3),
        )
        inventoried(self.continuations, "reconciliation_queue")
        monitoring.add_queue("reconciliation continuations", self.continuations)
        allow(self.reconciliation, ["sqs:SendMessage"], [self.continuations.queue_arn])
        allow(
            self.reconciliation,
            [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
            ],
            [self.continuations.queue_arn],
        )
        self.reconciliation.add_environment("RECONCILIATION_QUEUE_URL", self.continuations.queue_url)
        self.reconciliation.add_event_source(
            sources.SqsEventSource(self.continuations, batch_size=1, report_batch_item_failures=True)
        )
        invoker = iam.Role(self, "SchedulerRole", assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com"))
        function_id = Stack.of(self).get_logical_id(self.reconciliation.node.default_child)
        self.schedule = scheduler.Schedule(
            self,
            "DailyReconciliation",
            schedule=scheduler.ScheduleExpression.cron(hour="3", minute="15", time_zone=None),
            target=targets.LambdaInvoke(
                self.reconciliation,
                role=invoker,
                dead_letter_queue=reconciliation_dlq,
                retry_attempts=2,
            ),
            description="Purges expired items TTL has not removed yet, and orphan documents",
        )
        acknowledge(
            invoker,
            f"IAM5[Resource::<{function_id}.Arn>:*]",
            "Invoking any version of the one reconciliation function; CDK's grant adds the version wildcard.",
        )
        assert self.cascade.role is not None
        for wildcard in ("kms:ReEncrypt*", "kms:GenerateDataKey*"):
            acknowledge(
                self.cascade.role.node.find_child("DefaultPolicy"),
                f"IAM5[Action::{wildcard}]",
                "Sending failed batches to the encrypted dead-letter queue: KMS actions CDK grants on that one key.",
            )

        # The operators' report: keys and purposes through by_expiry, and the reconciliation
        # watermark (GetItem).
        self.report = functions.create("admin_retention", timeout_seconds=60)
        allow(self.report, ["dynamodb:GetItem"], [table.table_arn])
        # Held data is counted apart, from the active hold records (by_segment: counts, no person's item).
        allow(
            self.report,
            ["dynamodb:Query"],
            [f"{table.table_arn}/index/{index}" for index in ("by_expiry", "by_segment")],
        )
        allow_key(self.report, storage.key)
        storage.name_data_table(self.report)
        platform.api.operator_route("GET", "/v1/admin/retention-report", self.report)
        # The DPO's monthly report: the month's items through by_segment (above), the records of the
        # rights requests closed in the month by key (GetItem).
        platform.api.operator_route("GET", "/v1/admin/reports/monthly", self.report)
        # ... and the commercial partners' directory, for their contract reviews.
        allow_partition(self.report, ["dynamodb:Query"], table.table_arn, "PARTNERS")
