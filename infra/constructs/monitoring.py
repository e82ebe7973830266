"""Alarms go to one SNS topic; dead-letter queues are built one way, each with a depth alarm;
one CloudWatch dashboard shows the flows (`Monitoring(..., dashboard_name=...)`).

Adding to the dashboard is one call: `monitoring.add_state_machine("Breach response", machine)`,
`monitoring.add_queue(...)`, `monitoring.add_custom_metrics(...)`, or any widget with
`monitoring.dashboard.add_widgets(...)`. Functions are added as `Functions.create` makes them
(`monitoring.watch_functions(functions)`), dead-letter queues as `dead_letter_queue` makes them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.constructs.inventory import inventoried
from infra.constructs.nag import acknowledge

PERIOD = Duration.minutes(5)
# The operations the code performs (DynamoDB reports throttles and system errors per operation).
TABLE_OPERATIONS = (
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "BatchWriteItem",
    "TransactWriteItems",
)


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        key: kms.IKey,
        alarm_email: str | None,
        dashboard_name: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = key
        self.topic = sns.Topic(
            self, "AlarmTopic", display_name="JAQE alarms", master_key=key, enforce_ssl=True
        )
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self.alarms: list[cloudwatch.Alarm] = []
        self.dashboard = FlowsDashboard(self, "Dashboard", dashboard_name) if dashboard_name else None

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

    def dead_letter_queue(self, construct_id: str, what: str, store: str = "ids_dlq") -> sqs.Queue:
        """A DLQ for one async path, encrypted, TLS-only, kept 14 days, alarmed as soon as it holds a message.
        `store`: what its messages hold, as the data inventory names it."""
        queue = sqs.Queue(
            self,
            construct_id,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        inventoried(queue, store)
        acknowledge(queue, "SQS3", f"This queue is the dead-letter queue of {what}.")
        self.alarm(
            f"{construct_id}Depth",
            queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(5)),
            f"Failed {what}: messages are waiting in {construct_id}; inspect and redrive.",
        )
        self.add_dead_letter_queue(construct_id, queue)
        return queue

    def dead_letter_async_invokes(self, function: lambda_.Function, queue: sqs.IQueue) -> None:
        """Where an async invoke of `function` (schedule, SNS, S3) ends once Lambda's two retries
        failed: `queue` (a DLQ of the source catches only what never reached the function).
        Granted explicitly (SqsDestination's grant adds KMS wildcard actions)."""
        lambda_.CfnEventInvokeConfig(
            function,
            "EventInvokeConfig",  # the id CDK's configure_async_invoke uses (infra/constructs/checkov.py)
            function_name=function.function_name,
            qualifier="$LATEST",
            maximum_retry_attempts=2,
            destination_config=lambda_.CfnEventInvokeConfig.DestinationConfigProperty(
                on_failure=lambda_.CfnEventInvokeConfig.OnFailureProperty(destination=queue.queue_arn)
            ),
        )
        function.add_to_role_policy(
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[queue.queue_arn])
        )
        if queue.encryption_master_key is not None:
            function.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["kms:GenerateDataKey", "kms:Decrypt"],
                    resources=[queue.encryption_master_key.key_arn],
                )
            )

    # -- the dashboard (no-ops without one) ------------------------------------------------
    def watch_functions(self, functions: _FunctionSource) -> None:
        """Every function `functions` has made and will make gets its errors, throttles and duration."""
        if self.dashboard:
            functions.on_create.append(self.dashboard.add_function)
            for name, function in functions.all.items():
                self.dashboard.add_function(name, function)

    def add_api(self, api: apigw.RestApi) -> None:
        if self.dashboard:
            self.dashboard.add_api(api)

    def add_dead_letter_queue(self, label: str, queue: sqs.IQueue) -> None:
        if self.dashboard:
            self.dashboard.add_dead_letter_queue(label, queue)

    def add_queue(self, label: str, queue: sqs.IQueue) -> None:
        if self.dashboard:
            self.dashboard.add_queue(label, queue)

    def add_table(self, label: str, table: dynamodb.ITable) -> None:
        if self.dashboard:
            self.dashboard.add_table(label, table)

    def add_state_machine(self, name: str, machine: sfn.IStateMachine) -> None:
        if self.dashboard:
            self.dashboard.add_state_machine(name, machine)

    def add_custom_metrics(
        self,
        groups: Mapping[str, Mapping[str, Sequence[str]]],
        namespace: str = "JAQE",
        region: str | None = None,
    ) -> None:
        """`{graph title: {service: [metric names]}}`, the metrics the functions emit with Powertools
        (`region`: when they are emitted in another region than the dashboard's)."""
        if self.dashboard:
            self.dashboard.add_custom_metrics(groups, namespace, region)


class _FunctionSource(Protocol):
    """What `watch_functions` needs of `infra.constructs.functions.Functions`."""

    all: dict[str, lambda_.Function]
    on_create: list[Callable[[str, lambda_.Function], None]]


class FlowsDashboard(Construct):
    """One dashboard: the API, every function, queues, tables, then one row per state machine and
    per group of custom metrics. Graphs are made first (rows in a fixed order) and filled as the
    stack adds resources; the body is rendered at synthesis."""

    def __init__(self, scope: Construct, construct_id: str, dashboard_name: str) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=dashboard_name,
            default_interval=Duration.hours(24),
            period_override=cloudwatch.PeriodOverride.AUTO,
        )

        def graph(title: str, width: int = 8, **kwargs: object) -> cloudwatch.GraphWidget:
            return cloudwatch.GraphWidget(title=title, width=width, height=6, left=[], **kwargs)

        self.api_requests = graph("API requests")
        self.api_errors = graph("API 4xx and 5xx")
        self.api_latency = graph("API latency p95 (ms)")
        self.function_errors = graph(
            "Lambda errors, per function", legend_position=cloudwatch.LegendPosition.RIGHT
        )
        self.function_throttles = graph(
            "Lambda throttles, per function", legend_position=cloudwatch.LegendPosition.RIGHT
        )
        self.function_duration = graph(
            "Lambda duration p95 (ms), per function", legend_position=cloudwatch.LegendPosition.RIGHT
        )
        self.dead_letters = graph("Dead-letter queues: messages waiting", width=12)
        self.queues = graph("Queues: age of oldest message (s)", width=12)
        self.table_throttles = graph("DynamoDB throttled requests", width=12)
        self.table_errors = graph("DynamoDB system errors", width=12)
        self.dashboard.add_widgets(
            cloudwatch.TextWidget(
                markdown="# JAQE flows\nPublic API, functions, mail outbox, workflows, tables and the "
                "application's own metrics (namespace `JAQE`, dimension `service`).",
                width=24,
                height=2,
            )
        )
        self.dashboard.add_widgets(self.api_requests, self.api_errors, self.api_latency)
        self.dashboard.add_widgets(self.function_errors, self.function_throttles, self.function_duration)
        self.dashboard.add_widgets(self.dead_letters, self.queues)
        self.dashboard.add_widgets(self.table_throttles, self.table_errors)
        self._tables = 0

    def add_widgets(self, *widgets: cloudwatch.IWidget) -> None:
        """A row of any widgets."""
        self.dashboard.add_widgets(*widgets)

    def add_api(self, api: apigw.RestApi) -> None:
        name = api.rest_api_name
        self.api_requests.add_left_metric(api.metric_count(period=PERIOD, label=f"{name} requests"))
        self.api_errors.add_left_metric(api.metric_client_error(period=PERIOD, label=f"{name} 4xx"))
        self.api_errors.add_left_metric(api.metric_server_error(period=PERIOD, label=f"{name} 5xx"))
        self.api_latency.add_left_metric(
            api.metric_latency(period=PERIOD, statistic="p95", label=f"{name} latency")
        )
        self.api_latency.add_left_metric(
            api.metric_integration_latency(period=PERIOD, statistic="p95", label=f"{name} integration")
        )

    def add_function(self, name: str, function: lambda_.IFunction) -> None:
        self.function_errors.add_left_metric(function.metric_errors(period=PERIOD, label=name))
        self.function_throttles.add_left_metric(function.metric_throttles(period=PERIOD, label=name))
        self.function_duration.add_left_metric(
            function.metric_duration(period=PERIOD, statistic="p95", label=name)
        )

    def add_dead_letter_queue(self, label: str, queue: sqs.IQueue) -> None:
        self.dead_letters.add_left_metric(
            queue.metric_approximate_number_of_messages_visible(
                period=PERIOD, statistic="Maximum", label=label
            )
        )

    def add_queue(self, label: str, queue: sqs.IQueue) -> None:
        self.queues.add_left_metric(
            queue.metric_approximate_age_of_oldest_message(period=PERIOD, statistic="Maximum", label=label)
        )
        self.queues.add_right_metric(
            queue.metric_approximate_number_of_messages_visible(
                period=PERIOD, statistic="Maximum", label=f"{label}: messages"
            )
        )

    def add_table(self, label: str, table: dynamodb.ITable) -> None:
        self._tables += 1
        self.table_throttles.add_left_metric(self._per_operation_sum(table, "ThrottledRequests", label))
        self.table_errors.add_left_metric(self._per_operation_sum(table, "SystemErrors", label))

    def _per_operation_sum(self, table: dynamodb.ITable, metric_name: str, label: str) -> cloudwatch.IMetric:
        """One line per table: the sum over the operations the code performs (ids unique per graph)."""
        metrics = {
            f"t{self._tables}{operation.lower()}": cloudwatch.Metric(
                namespace="AWS/DynamoDB",
                metric_name=metric_name,
                dimensions_map={"TableName": table.table_name, "Operation": operation},
                statistic="Sum",
                period=PERIOD,
            )
            for operation in TABLE_OPERATIONS
        }
        return cloudwatch.MathExpression(
            expression=f"SUM([{', '.join(metrics)}])", using_metrics=metrics, label=label, period=PERIOD
        )

    def add_state_machine(self, name: str, machine: sfn.IStateMachine) -> None:
        """One row: executions started, succeeded, failed, timed out (and aborted)."""
        graph = cloudwatch.GraphWidget(
            title=f"{name}: executions",
            width=24,
            height=6,
            left=[
                machine.metric_started(period=PERIOD, label="started"),
                machine.metric_succeeded(period=PERIOD, label="succeeded"),
                machine.metric_failed(period=PERIOD, label="failed"),
                machine.metric_timed_out(period=PERIOD, label="timed out"),
                machine.metric_aborted(period=PERIOD, label="aborted"),
            ],
        )
        self.dashboard.add_widgets(graph)

    def add_custom_metrics(
        self, groups: Mapping[str, Mapping[str, Sequence[str]]], namespace: str, region: str | None
    ) -> None:
        """Powertools metrics (namespace, dimension `service` = the function's name), summed;
        one graph per group, three graphs a row."""
        graphs = [
            cloudwatch.GraphWidget(
                title=title,
                width=8,
                height=6,
                left=[
                    cloudwatch.Metric(
                        namespace=namespace,
                        metric_name=metric_name,
                        dimensions_map={"service": service},
                        statistic="Sum",
                        period=PERIOD,
                        label=metric_name,
                        region=region,
                    )
                    for service, names in by_service.items()
                    for metric_name in names
                ],
            )
            for title, by_service in groups.items()
        ]
        for start in range(0, len(graphs), 3):
            self.dashboard.add_widgets(*graphs[start : start + 3])
