"""Inbound mail, in an EU region where SES receives mail (Paris does not: Ireland by default).

support@ and privacy@ of the mail domain: SES scans for spam and viruses, stores the raw
MIME in an encrypted bucket kept 30 days (long enough to re-process or audit a request,
short enough not to become a second mailbox), then invokes the intake function, which
writes into the main region's data and starts its workflow. That cross-region path is
explicit: the main region's resources by name (`infra.names`), IAM scoped to exactly them.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ses as ses
from aws_cdk import aws_ses_actions as ses_actions
from constructs import Construct
from jaqe.platform.regions import require_eu_region

from infra import names
from infra.config import DeployConfig
from infra.constructs.buckets import access_log_bucket
from infra.constructs.functions import Functions, allow, allow_key
from infra.constructs.inventory import inventoried
from infra.constructs.monitoring import Monitoring
from infra.constructs.nag import acknowledge

RAW_MAIL_PREFIX = "inbound/"
RAW_MAIL_RETENTION_DAYS = 30
# A fixed name, so that the README's activation command names it before the first deploy (SES
# receives through one active rule set per region, activated by hand: CloudFormation cannot).
# Renaming it replaces the rule set, which must then be activated again.
RECEIPT_RULE_SET = "jaqe-inbound"


class InboundMailStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        require_eu_region(config.inbound_mail_region)
        main = config.region
        key = kms.Key(self, "InboundKey", description="JAQE raw inbound mail", enable_key_rotation=True)
        key.grant_encrypt_decrypt(iam.ServicePrincipal("ses.amazonaws.com"))
        access_logs = access_log_bucket(
            self, "AccessLogs", of="the raw-mail bucket", days=RAW_MAIL_RETENTION_DAYS
        )
        self.raw_mail = s3.Bucket(
            self,
            "RawMail",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=access_logs,
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=Duration.days(RAW_MAIL_RETENTION_DAYS),
                    noncurrent_version_expiration=Duration.days(1),
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        inventoried(self.raw_mail, "raw_mail")
        monitoring = Monitoring(self, "InboundMonitoring", key=key, alarm_email=config.alarm_email)
        functions = Functions(self, "InboundFunctions")
        # The main region's resources by name (no cross-region references), and this region's bucket.
        intake = functions.create(
            "inbound_mail",
            environment={
                "DATA_REGION": main,
                "DATA_TABLE": names.DATA_TABLE,
                "SUBJECT_KEY_SECRET_ARN": names.SUBJECT_KEY_SECRET,
                "MAIL_QUEUE_URL": f"https://sqs.{main}.amazonaws.com/{self.account}/{names.MAIL_OUTBOX_QUEUE}",
                "RIGHTS_STATE_MACHINE_ARN": self._arn(
                    main, "states", f"stateMachine:{names.RIGHTS_STATE_MACHINE}"
                ),
                "INBOUND_BUCKET": self.raw_mail.bucket_name,
                # The main stack writes the API's public URL there (links in the acknowledgement).
                "PUBLIC_API_URL_PARAMETER": names.PUBLIC_API_URL_PARAMETER,
            },
            timeout_seconds=60,
            reserved_concurrency=10,
        )
        # Read, then delete with every version once the intake is done (data inventory: raw_mail).
        allow(
            intake,
            ["s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
            [self.raw_mail.arn_for_objects(f"{RAW_MAIL_PREFIX}*")],
        )
        allow(intake, ["s3:ListBucketVersions"], [self.raw_mail.bucket_arn])
        allow_key(intake, key)
        self._allow_main_region(intake, main)
        monitoring.dead_letter_async_invokes(
            intake, monitoring.dead_letter_queue("InboundDlq", "inbound emails", store="inbound_dlq")
        )
        policy = intake.role.node.find_child("DefaultPolicy")
        raw_mail_id = self.get_logical_id(self.raw_mail.node.default_child)
        acknowledge(
            policy,
            f"IAM5[Resource::<{raw_mail_id}.Arn>/{RAW_MAIL_PREFIX}*]",
            "SES names each raw message by its message id, known only when the mail arrives.",
        )
        monitoring.alarm(
            "InboundErrors",
            intake.metric_errors(period=Duration.minutes(5)),
            "Inbound mail intake failed: a rights request may be waiting unseen.",
        )
        monitoring.alarm(
            "InboundRawMailNotDeleted",
            cloudwatch.Metric(
                namespace="JAQE",
                metric_name="InboundRawMailNotDeleted",
                dimensions_map={"service": "inbound_mail"},
                statistic="Sum",
                period=Duration.minutes(5),
            ),
            "A raw inbound message outlived its intake: delete it with every version (data inventory).",
        )
        domain = config.mail_domain
        ses.ReceiptRuleSet(
            self,
            "RuleSet",
            receipt_rule_set_name=RECEIPT_RULE_SET,
            rules=[
                ses.ReceiptRuleOptions(
                    recipients=[f"support@{domain}", f"privacy@{domain}"],
                    scan_enabled=True,
                    tls_policy=ses.TlsPolicy.REQUIRE,
                    actions=[
                        ses_actions.S3(bucket=self.raw_mail, object_key_prefix=RAW_MAIL_PREFIX, kms_key=None),
                        ses_actions.Lambda(
                            function=intake, invocation_type=ses_actions.LambdaInvocationType.EVENT
                        ),
                    ],
                )
            ],
        )
        CfnOutput(
            self,
            "ReceiptRuleSetToActivate",
            value=RECEIPT_RULE_SET,
            description=f"aws ses set-active-receipt-rule-set --rule-set-name <this> --region {self.region}",
        )
        CfnOutput(
            self,
            "MxRecord",
            value=f"{domain}. MX 10 inbound-smtp.{self.region}.amazonaws.com.",
            description="The mail domain's MX record to publish, so that SES here receives its mail",
        )

    def _arn(self, region: str, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{region}:{self.account}:{resource}"

    def _arn_in_findings(self, region: str, service: str, resource: str) -> str:
        """`_arn` as cdk-nag writes it in a finding: the account (and partition) as `<AWS::AccountId>`
        while unknown, literal once known (`cdk deploy` knows it, `make synth` does not)."""
        account = "<AWS::AccountId>" if Token.is_unresolved(self.account) else self.account
        partition = "<AWS::Partition>" if Token.is_unresolved(self.partition) else self.partition
        return f"arn:{partition}:{service}:{region}:{account}:{resource}"

    def _allow_main_region(self, function: Any, main: str) -> None:
        """Exactly the main region's resources the intake writes to or starts."""
        table = self._arn(main, "dynamodb", f"table/{names.DATA_TABLE}")
        allow(
            function,
            [
                "dynamodb:PutItem",
                "dynamodb:GetItem",
                "dynamodb:DeleteItem",
                "dynamodb:UpdateItem",
                "dynamodb:Query",
            ],
            [table],
        )
        allow(function, ["dynamodb:Query"], [f"{table}/index/by_subject"])
        allow(
            function,
            ["secretsmanager:GetSecretValue"],
            [self._arn(main, "secretsmanager", f"secret:{names.SUBJECT_KEY_SECRET}-??????")],
        )
        allow(function, ["sqs:SendMessage"], [self._arn(main, "sqs", names.MAIL_OUTBOX_QUEUE)])
        allow(
            function,
            ["ssm:GetParameter"],
            [self._arn(main, "ssm", f"parameter{names.PUBLIC_API_URL_PARAMETER}")],
        )
        allow(
            function,
            ["states:StartExecution"],
            [self._arn(main, "states", f"stateMachine:{names.RIGHTS_STATE_MACHINE}")],
        )
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                resources=[self._arn(main, "kms", "key/*")],
                conditions={"ForAnyValue:StringEquals": {"kms:ResourceAliases": names.DATA_KEY_ALIAS}},
            )
        )
        acknowledge(
            function.role.node.find_child("DefaultPolicy"),
            f"IAM5[Resource::{self._arn_in_findings(main, 'secretsmanager', f'secret:{names.SUBJECT_KEY_SECRET}-??????')}]",
            "Secrets Manager appends a random suffix to the name; the pattern matches this one secret only.",
        )
        acknowledge(
            function.role.node.find_child("DefaultPolicy"),
            f"IAM5[Resource::{self._arn_in_findings(main, 'kms', 'key/*')}]",
            f"Key ids are not known across regions: the statement is limited by condition to the key aliased {names.DATA_KEY_ALIAS}.",
        )
