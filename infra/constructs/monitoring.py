"""Alarms go to one SNS topic; dead-letter queues are built one way, each with a depth alarm."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.nag import acknowledge


class Monitoring(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, key: kms.IKey, alarm_email: str | None
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = key
        self.topic = sns.Topic(
            self, "AlarmTopic", display_name="JAQE alarms", master_key=key, enforce_ssl=True
        )
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self.alarms: list[cloudwatch.Alarm] = []

    def alarm(
        self, construct_id: str, metric: cloudwatch.Metric, description: str, threshold: float = 1
    ) -> None:
        alarm = metric.create_alarm(
            self,
            construct_id,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)

    def dead_letter_queue(self, construct_id: str, what: str) -> sqs.Queue:
        """A DLQ for one async path, encrypted, TLS-only, kept 14 days, alarmed as soon as it holds a message."""
        queue = sqs.Queue(
            self,
            construct_id,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        acknowledge(queue, "SQS3", f"This queue is the dead-letter queue of {what}.")
        self.alarm(
            f"{construct_id}Depth",
            queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(5)),
            f"Failed {what}: messages are waiting in {construct_id}; inspect and redrive.",
        )
        return queue
