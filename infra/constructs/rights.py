"""Rights requests (policy section 7): the public and operator routes, the Step Functions
workflow (ASL file shared with the tests), the encrypted exports bucket, deadlines and alarms.

Wired from `MainStack` with one call:
`RightsWorkflowConstruct(self, "Rights", platform, documents_bucket=professionals.documents)`
(the domain's `jaqe.rights.records.RightsRequests` is the record; this is its infrastructure).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra import names
from infra.constructs.buckets import short_lived_files_bucket
from infra.constructs.functions import ITEM_READ_WRITE, allow, allow_key
from infra.constructs.nag import acknowledge
from infra.constructs.platform import Platform
from infra.constructs.state_machines import (
    STATE_MACHINES,
    alarm_on_failed_executions,
    asl_state_machine,
    logical_id,
)

ASL_FILE = STATE_MACHINES / "rights_request.asl.json"
EXPORT_DAYS = 7  # exports (access / portability) are short-lived: the link expires, then the object


class RightsWorkflowConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        platform: Platform,
        *,
        documents_bucket: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        storage, functions, mail = platform.storage, platform.functions, platform.mail
        self.exports_bucket = self._exports_bucket()
        # The professionals' documents (erased and listed by the workflow).
        documents = documents_bucket

        # -- the workflow's task handlers: two roles, each with only what its steps need ---------
        table_arn = storage.table.table_arn
        # The conversation (record, verification, review, notices, answer, close): the request's
        # items and the mail queue; no subject index, no bucket, no login.
        self.workflow_function = functions.create("rights_workflow", timeout_seconds=60)
        platform.links(self.workflow_function)
        storage.name_data_table(self.workflow_function)
        allow(self.workflow_function, ITEM_READ_WRITE, [table_arn])
        allow_key(self.workflow_function, storage.key)
        mail.allow_sending(self.workflow_function)
        # The acts (access, portability, rectification, erasure, ...): everything held about the
        # person through the subject index, the buckets and the logins; it sends no mail.
        self.actions_function = functions.create(
            "rights_actions",
            environment={
                "EXPORTS_BUCKET": self.exports_bucket.bucket_name,
                "DOCUMENTS_BUCKET": documents.bucket_name,
            },
            timeout_seconds=60,
        )
        platform.links(self.actions_function)
        storage.name_data_table(self.actions_function)
        allow(self.actions_function, ITEM_READ_WRITE, [table_arn])
        storage.find_people(self.actions_function)
        buckets = [self.exports_bucket, documents]
        allow(
            self.actions_function,
            ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
            [b.arn_for_objects("*") for b in buckets],
        )
        allow(self.actions_function, ["s3:ListBucketVersions"], [b.bucket_arn for b in buckets])
        allow_key(self.actions_function, storage.key)
        storage.use_subject_keys(self.actions_function)  # an email rectification moves to the new key
        acknowledge(
            self.actions_function.role.node.find_child("DefaultPolicy"),
            f"IAM5[Resource::<{logical_id(self.exports_bucket)}.Arn>/*]",
            "Exports are written, read and erased under per-request keys not known in advance.",
        )
        acknowledge(
            self.actions_function.role.node.find_child("DefaultPolicy"),
            f"IAM5[Resource::<{logical_id(documents)}.Arn>/*]",
            "Erasure deletes a professional's documents, whose keys are only known from the data table.",
        )

        # -- the state machine ----------------------------------------------------------------
        self.state_machine = self._state_machine()
        main_arn = self.state_machine.state_machine_arn

        # -- the public API -------------------------------------------------------------------
        public = functions.create(
            "rights_requests",
            environment={
                "RIGHTS_STATE_MACHINE_ARN": main_arn,
                "EXPORTS_BUCKET": self.exports_bucket.bucket_name,
            },
        )
        platform.links(public)
        storage.name_data_table(public)
        allow(
            public,
            # UpdateItem: a designated person's confirmation is written on the request and the directives.
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"],
            [table_arn],
        )
        allow(public, ["states:StartExecution"], [main_arn])
        allow(public, ["states:SendTaskSuccess", "states:SendTaskFailure"], [main_arn])
        allow(public, ["s3:GetObject"], [self.exports_bucket.arn_for_objects("exports/*")])
        storage.use_idempotency(public)
        storage.use_subject_keys(public)
        acknowledge(
            public.role.node.find_child("DefaultPolicy"),
            f"IAM5[Resource::<{logical_id(self.exports_bucket)}.Arn>/exports/*]",
            "The export link reads one per-request object whose key is only known from the data table.",
        )
        for method, path in (
            ("POST", "/v1/rights-requests"),
            ("GET", "/v1/rights-requests/verify"),  # a page: the link never acts on GET
            ("POST", "/v1/rights-requests/verify"),  # the page's form (or a JSON client) confirms
            ("GET", "/v1/rights-requests/post-mortem-confirmation"),  # a designated person's page
            ("POST", "/v1/rights-requests/post-mortem-confirmation"),  # its button: the data is sent
            ("GET", "/v1/rights-requests/confirm-address"),  # the new address of an email rectification
            ("POST", "/v1/rights-requests/confirm-address"),
            ("GET", "/v1/rights-requests/{request_id}"),
            ("GET", "/v1/rights-requests/{request_id}/export"),
        ):
            platform.api.public_route(method, path, public)

        # -- operators (IAM) ------------------------------------------------------------------
        self.admin_function = admin = functions.create(
            "admin_rights",
            environment={
                "RIGHTS_STATE_MACHINE_ARN": main_arn,
                "DOCUMENTS_BUCKET": documents.bucket_name,  # privacy scans name it; holds lock its versions
            },
        )
        platform.links(admin)
        storage.name_data_table(admin)
        allow(
            admin,
            ITEM_READ_WRITE,
            [table_arn],
        )
        # Failure: closing a request ends the wait it is in (verification, qualification, review).
        allow(
            admin, ["states:StartExecution", "states:SendTaskSuccess", "states:SendTaskFailure"], [main_arn]
        )
        # Privacy scans and holds (the person's items); the active holds (by_segment).
        storage.find_people(admin)
        allow(admin, ["dynamodb:Query"], [f"{table_arn}/index/by_segment"])
        storage.use_subject_keys(admin)
        mail.allow_sending(admin)
        for method, path in (
            ("GET", "/v1/admin/rights-requests"),
            ("POST", "/v1/admin/rights-requests"),
            ("GET", "/v1/admin/rights-requests/deadlines"),
            ("GET", "/v1/admin/rights-requests/{request_id}"),
            ("POST", "/v1/admin/rights-requests/{request_id}/qualify"),
            ("POST", "/v1/admin/rights-requests/{request_id}/close"),
            ("POST", "/v1/admin/rights-requests/{request_id}/decision"),
            ("POST", "/v1/admin/rights-requests/{request_id}/extension"),
            ("POST", "/v1/admin/rights-requests/{request_id}/lift-restriction"),
            ("POST", "/v1/admin/rights-requests/{request_id}/resume"),
            ("POST", "/v1/admin/rights-requests/post-mortem-executions"),
            ("POST", "/v1/admin/privacy-scans"),
            ("GET", "/v1/admin/holds"),
            ("POST", "/v1/admin/holds"),
            ("POST", "/v1/admin/holds/{hold_id}/lift"),
            ("POST", "/v1/admin/access-trail/search"),
        ):
            platform.api.operator_route(method, path, admin)
        # The DPO's search of the access trail (jaqe.privacy.access_trail), by index only.
        storage.read_access_trail(admin)

        # -- deadlines: daily check, alarms ---------------------------------------------------
        deadlines = functions.create("rights_deadlines", timeout_seconds=30)
        allow(deadlines, ["dynamodb:Query"], [table_arn])
        allow_key(deadlines, storage.key)
        storage.name_data_table(deadlines)
        deadlines_dlq = platform.monitoring.dead_letter_queue("RightsDeadlinesDlq", "rights deadline checks")
        platform.monitoring.dead_letter_async_invokes(deadlines, deadlines_dlq)
        events.Rule(
            self,
            "DailyDeadlineCheck",
            schedule=events.Schedule.cron(minute="0", hour="6"),
            targets=[targets.LambdaFunction(deadlines, dead_letter_queue=deadlines_dlq, retry_attempts=2)],
        )
        self._alarms()

    def _exports_bucket(self) -> s3.Bucket:
        return short_lived_files_bucket(
            self,
            "ExportsBucket",
            key=self.platform.storage.key,
            days=EXPORT_DAYS + 1,
            inventory="exports",
            logs_id="ExportsAccessLogs",
            of="the exports bucket",
        )

    def _state_machine(self) -> sfn.StateMachine:
        return asl_state_machine(
            self,
            "StateMachine",
            asl_file=ASL_FILE.name,
            task_functions={
                "WorkflowFunctionArn": self.workflow_function,
                "ActionsFunctionArn": self.actions_function,
            },
            log_key=self.platform.functions.log_key,
            inventory="rights_executions",
            # A fixed name: the inbound-mail stack (another region) starts it by ARN.
            name=names.RIGHTS_STATE_MACHINE,
            comment="Rights requests: record, verify, act by type, notify recipients, answer, close",
        )

    def _alarms(self) -> None:
        topic = self.platform.monitoring.topic
        action = cw_actions.SnsAction(topic)
        alarm_on_failed_executions(self, self.state_machine, topic, "Rights requests")
        alarms = []
        for metric_name, description in (
            ("RightsRequestsOverdue", "Rights requests past their due date (Art. 12(3))."),
            ("RightsRequestsDueSoon", "Rights requests due within 7 days."),
        ):
            metric = cloudwatch.Metric(
                namespace="JAQE",
                metric_name=metric_name,
                dimensions_map={"service": "rights_deadlines"},
                statistic="Maximum",
                period=Duration.days(1),
            )
            alarms.append(
                metric.create_alarm(
                    self,
                    f"{metric_name}Alarm",
                    threshold=1,
                    evaluation_periods=1,
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                    alarm_description=description,
                )
            )
        for alarm in alarms:
            alarm.add_alarm_action(action)
