"""Data at rest: the single data table, the idempotency table, the operators' access trail, the
subject-key secret, their KMS key.

A function is given access with `use_data`, `use_idempotency`, `record_access`, `read_access_trail`
or `use_subject_keys`: each grants
exactly what is needed and sets the environment variable naming the resource (jaqe.platform.settings reads
it), so a function's environment lists only what it may reach.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct
from jaqe.platform.store import SUBJECT_INDEX_ATTRIBUTES

from infra import names
from infra.constructs.functions import allow, allow_key
from infra.constructs.inventory import inventoried
from infra.constructs.nag import acknowledge


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "DataKey",
            description="JAQE personal data at rest (tables, buckets, queues, secrets)",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
            alias=names.DATA_KEY_ALIAS,
        )
        # Services that write into queues and topics encrypted with this key on their own behalf:
        # EventBridge and SNS into dead-letter queues, CloudWatch alarms and SES into topics.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[
                    iam.ServicePrincipal(service)
                    for service in (
                        "events.amazonaws.com",
                        "sns.amazonaws.com",
                        "cloudwatch.amazonaws.com",
                        "ses.amazonaws.com",
                    )
                ],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            )
        )
        self.table = self._kept_table(
            "DataTable",
            names.DATA_TABLE,
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        )
        inventoried(self.table, "data_table")
        # Locating everything about one person is one Query on this index (DESIGN: data model), the
        # items then read by key: the index holds only what a quote request reads without them.
        self.table.add_global_secondary_index(
            index_name="by_subject",
            partition_key=dynamodb.Attribute(name="subject_key", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="created_at", type=dynamodb.AttributeType.STRING),
            projection_type=dynamodb.ProjectionType.INCLUDE,
            non_key_attributes=list(SUBJECT_INDEX_ATTRIBUTES),
        )
        # Reconciliation purges what TTL has not removed yet, day by day, without a Scan.
        self.table.add_global_secondary_index(
            index_name="by_expiry",
            partition_key=dynamodb.Attribute(name="expiry_day", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="expires_at", type=dynamodb.AttributeType.NUMBER),
            # Keys and the purpose: the retention report counts by purpose without reading an item.
            projection_type=dynamodb.ProjectionType.INCLUDE,
            non_key_attributes=["purpose"],
        )
        # A professional's leads: the disclosures made to them, newest first. Whole items: its readers
        # (the pro app's lead list, the archive of interventions) read nearly all of one, `shared` being
        # most of it, and an entry costs one write unit either way (under 1 KB).
        self.table.add_global_secondary_index(
            index_name="by_professional",
            partition_key=dynamodb.Attribute(name="pro_id", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="disclosed_at", type=dynamodb.AttributeType.STRING),
        )
        # Similar-services mailings: past requesters by trade and month (legitimate interest).
        self.table.add_global_secondary_index(
            index_name="by_segment",
            partition_key=dynamodb.Attribute(name="segment", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="created_at", type=dynamodb.AttributeType.STRING),
        )
        self.idempotency_table = dynamodb.Table(
            self,
            "IdempotencyTable",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute="expiration",
            removal_policy=RemovalPolicy.DESTROY,
        )
        inventoried(self.idempotency_table, "idempotency_table")
        self._access_trail()
        self.subject_key_secret = secretsmanager.Secret(
            self,
            "SubjectKeySecret",
            secret_name=names.SUBJECT_KEY_SECRET,
            description="HMAC key of subject keys (hash of a normalised email)",
            encryption_key=self.key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.subject_key_secret,
            "SMG4",
            "Rotating the HMAC key would orphan every stored subject key; rotation is a planned re-keying "
            "migration, not an automatic schedule.",
        )

    def _kept_table(self, construct_id: str, name: str, **options: Any) -> dynamodb.Table:
        """A table of personal data or records: encrypted with the data key, continuously backed up,
        protected from deletion (kept if the stack goes), items gone at their `expires_at`."""
        return dynamodb.Table(
            self,
            construct_id,
            table_name=name,
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            time_to_live_attribute="expires_at",
            removal_policy=RemovalPolicy.RETAIN,
            **options,
        )

    def _access_trail(self) -> None:
        """Append-only: functions may put (a new entry only) and query; every function role is denied
        UpdateItem and DeleteItem here (`Functions.create`); TTL removes entries after five years."""
        self.access_trail = self._kept_table("AccessTrailTable", names.ACCESS_TRAIL_TABLE)
        inventoried(self.access_trail, "access_trail_table")
        # Entries about one person, by one operator, or by month (from a date): never a Scan.
        for index, key in (("by_subject", "subject_key"), ("by_operator", "operator"), ("by_month", "month")):
            self.access_trail.add_global_secondary_index(
                index_name=index,
                partition_key=dynamodb.Attribute(name=key, type=dynamodb.AttributeType.STRING),
                sort_key=dynamodb.Attribute(name="at", type=dynamodb.AttributeType.STRING),
            )

    def record_access(self, function: lambda_.Function) -> None:
        """Appending access-trail entries (jaqe.platform.settings.AccessTrailSettings)."""
        allow(function, ["dynamodb:PutItem"], [self.access_trail.table_arn])
        allow_key(function, self.key)
        function.add_environment("ACCESS_TRAIL_TABLE", self.access_trail.table_name)

    def read_access_trail(self, function: lambda_.Function) -> None:
        """Reading the trail through its indexes (the DPO's search)."""
        allow(
            function,
            ["dynamodb:Query"],
            [
                f"{self.access_trail.table_arn}/index/{index}"
                for index in ("by_subject", "by_operator", "by_month")
            ],
        )

    def name_data_table(self, function: lambda_.Function) -> None:
        """DATA_TABLE, for a function whose own statements grant it the table (jaqe.platform.settings.DataSettings)."""
        function.add_environment("DATA_TABLE", self.table.table_name)

    def use_data(self, function: lambda_.Function, actions: list[str], indexes: tuple[str, ...] = ()) -> None:
        """Exactly these item actions on the data table, and Query on the named indexes."""
        table = self.table.table_arn
        allow(function, actions, [table])
        if indexes:
            allow(function, ["dynamodb:Query"], [f"{table}/index/{index}" for index in indexes])
        if "by_subject" in indexes:
            self.find_people(function)
        allow_key(function, self.key)
        self.name_data_table(function)

    def find_people(self, function: lambda_.Function) -> None:
        """Everything held about a person (`jaqe.platform.store.Store.by_subject`): the subject index's
        entries, then the items they name, read by key."""
        allow(function, ["dynamodb:Query"], [f"{self.table.table_arn}/index/by_subject"])
        allow(function, ["dynamodb:BatchGetItem"], [self.table.table_arn])

    def use_idempotency(self, function: lambda_.Function) -> None:
        """Powertools idempotency records (jaqe.platform.settings.IdempotencySettings)."""
        allow(
            function,
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            [self.idempotency_table.table_arn],
        )
        function.add_environment("IDEMPOTENCY_TABLE", self.idempotency_table.table_name)

    def use_subject_keys(self, function: lambda_.Function) -> None:
        """Reading the HMAC key, and using the data key (tables and secret share it)
        (jaqe.platform.settings.SubjectKeySettings)."""
        self.subject_key_secret.grant_read(function)
        allow_key(function, self.key)
        function.add_environment("SUBJECT_KEY_SECRET_ARN", self.subject_key_secret.secret_arn)
