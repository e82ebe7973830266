"""The DPO's monthly report emailed on the 1st (issue 24): `dpo_report`, its schedule and dead-letter
queue. The same report on demand is a route of `admin_retention` (infra/constructs/retention.py)."""

from __future__ import annotations

from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from constructs import Construct

from infra.constructs.functions import allow, allow_key, allow_partition
from infra.constructs.platform import Platform


class DpoReports(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        storage, monitoring = platform.storage, platform.monitoring
        table_arn = storage.table.table_arn
        self.monthly = function = platform.functions.create(
            "dpo_report", environment={"DPO_EMAIL": platform.config.dpo_email}, timeout_seconds=60
        )
        # The month's items through by_segment, the records of the requests closed in it by key.
        allow(function, ["dynamodb:GetItem"], [table_arn])
        allow(function, ["dynamodb:Query"], [f"{table_arn}/index/by_segment"])
        # The commercial partners' directory, for their contract reviews.
        allow_partition(function, ["dynamodb:Query"], table_arn, "PARTNERS")
        allow_key(function, storage.key)
        platform.mail.allow_sending(function)
        dlq = monitoring.dead_letter_queue("DpoReportDlq", "monthly DPO reports")
        monitoring.dead_letter_async_invokes(function, dlq)
        events.Rule(
            self,
            "MonthlyDpoReport",
            schedule=events.Schedule.cron(minute="0", hour="6", day="1"),
            targets=[targets.LambdaFunction(function, dead_letter_queue=dlq, retry_attempts=2)],
        )
