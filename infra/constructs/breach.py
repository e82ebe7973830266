"""Breach response (GDPR Art. 33 and 34): the operators' routes, the workflow and its deadline check.

Wired from `MainStack` with one call: `BreachResponse(self, "Breach", platform)`.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from constructs import Construct

from infra.constructs.functions import ITEM_READ_WRITE, allow
from infra.constructs.platform import Platform
from infra.constructs.state_machines import alarm_on_failed_executions, asl_state_machine

ROUTES = (
    ("POST", "/v1/admin/incidents"),
    ("GET", "/v1/admin/incidents"),
    ("GET", "/v1/admin/incidents/{incident_id}"),
    ("POST", "/v1/admin/incidents/{incident_id}/decision"),
    ("GET", "/v1/admin/incidents/{incident_id}/cnil-notification"),
    ("POST", "/v1/admin/incidents/{incident_id}/cnil-notification"),
)


class BreachResponse(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        functions, storage, monitoring = platform.functions, platform.storage, platform.monitoring

        # The workflow's tasks: finding people (indexes), writing batches, telling each person.
        self.workflow_function = functions.create("breach_workflow", timeout_seconds=300)
        storage.use_data(
            self.workflow_function,
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
            ("by_segment", "by_subject"),
        )
        platform.mail.allow_sending(self.workflow_function)
        self.state_machine = asl_state_machine(
            self,
            "StateMachine",
            asl_file="breach_response.asl.json",
            task_functions={"WorkflowFunctionArn": self.workflow_function},
            log_key=functions.log_key,
            inventory="breach_executions",
            comment="Breach response: people concerned, CNIL draft (72 h), decision, Art. 34 notices",
        )

        # Operators: declare, follow, decide, record the CNIL notification.
        admin = functions.create(
            "admin_incidents",
            environment={"BREACH_STATE_MACHINE_ARN": self.state_machine.state_machine_arn},
        )
        storage.use_data(admin, ITEM_READ_WRITE)
        allow(
            admin, ["states:StartExecution", "states:SendTaskSuccess"], [self.state_machine.state_machine_arn]
        )
        for method, path in ROUTES:
            platform.api.operator_route(method, path, admin)

        # Art. 33(1): 72 hours from awareness. Checked hourly; overdue or due within 24 hours alarms.
        deadline_dlq = monitoring.dead_letter_queue("BreachDeadlineDlq", "breach deadline checks")
        monitoring.dead_letter_async_invokes(self.workflow_function, deadline_dlq)
        events.Rule(
            self,
            "HourlyDeadlineCheck",
            schedule=events.Schedule.rate(Duration.hours(1)),
            targets=[
                targets.LambdaFunction(
                    self.workflow_function,
                    event=events.RuleTargetInput.from_object({"step": "check_deadlines"}),
                    dead_letter_queue=deadline_dlq,
                    retry_attempts=2,
                )
            ],
        )
        topic = monitoring.topic
        alarm_on_failed_executions(self, self.state_machine, topic, "Breach response")
        for metric_name, description in (
            ("IncidentNotificationsOverdue", "A breach is past its 72-hour CNIL notification deadline."),
            ("IncidentNotificationsDueSoon", "A breach must be notified to the CNIL within 24 hours."),
        ):
            monitoring.alarm(
                f"{metric_name}Alarm",
                cloudwatch.Metric(
                    namespace="JAQE",
                    metric_name=metric_name,
                    dimensions_map={"service": "breach_workflow"},
                    statistic="Maximum",
                    period=Duration.hours(1),
                ),
                description,
            )
