"""Professionals: registration, their app (Cognito), documents bucket and check, operators, insurance watch.

One construct, wired from `MainStack` with a single call. Every function has its own role with
explicit actions on named resources; every async path (S3 -> document check, schedule ->
insurance watch) ends in an encrypted failure queue with an alarm.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.buckets import access_log_bucket
from infra.constructs.functions import allow, allow_key
from infra.constructs.inventory import inventoried
from infra.constructs.nag import acknowledge
from infra.constructs.platform import Platform

DOCUMENTS_PREFIX = "professionals/"
TABLE_WRITE = [
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
]


class Professionals(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        self.storage = storage = platform.storage
        self.functions = platform.functions
        self.api = platform.api
        self.allow_mail = platform.mail.allow_sending
        self.alarm = platform.monitoring.alarm
        self.dead_letter_async_invokes = platform.monitoring.dead_letter_async_invokes
        self.table_arn = storage.table.table_arn
        self._buckets(platform.config.site_url)
        self._user_pool()
        self.failures = self._failure_queue()
        inventoried(self.documents, "documents")
        inventoried(self.user_pool, "professional_logins")
        inventoried(self.failures, "ids_dlq")
        # What the functions read besides the table (jaqe.platform.settings.DocumentsSettings, LoginSettings).
        documents = {"DOCUMENTS_BUCKET": self.documents.bucket_name}
        logins = {"USER_POOL_ID": self.user_pool.user_pool_id}
        self._registration({**logins, "SITE_URL": platform.config.site_url})
        self._pro_app({**documents, **logins})
        self._admin(documents)
        self._document_check({})
        self._insurance_watch({})

    def allow_document_purge(self, function: lambda_.Function) -> None:
        """For retention (cascade on expiry or erasure, reconciliation): list and delete every version
        of professionals' documents. Nothing else of the bucket, no reading of contents."""
        function.add_environment("DOCUMENTS_BUCKET", self.documents.bucket_name)
        allow(function, ["s3:ListBucket", "s3:ListBucketVersions"], [self.documents.bucket_arn])
        allow(
            function,
            ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            [self.documents.arn_for_objects(f"{DOCUMENTS_PREFIX}*")],
        )
        acknowledge(
            function.role.node.find_child("DefaultPolicy"),
            f"IAM5[Resource::<{self._logical_id(self.documents)}.Arn>/{DOCUMENTS_PREFIX}*]",
            "Purging the documents of professionals whose data expired: any key under the prefix.",
        )

    def allow_legal_holds(self, function: lambda_.Function) -> None:
        """For holds (placing, lifting, re-applying them): list a document's versions and set or
        release their legal hold. Nothing else: no reading, no deleting."""
        function.add_environment("DOCUMENTS_BUCKET", self.documents.bucket_name)
        allow(function, ["s3:ListBucket", "s3:ListBucketVersions"], [self.documents.bucket_arn])
        allow(
            function,
            ["s3:PutObjectLegalHold", "s3:GetObjectLegalHold"],
            [self.documents.arn_for_objects(f"{DOCUMENTS_PREFIX}*")],
        )
        acknowledge(
            function.role.node.find_child("DefaultPolicy"),
            f"IAM5[Resource::<{self._logical_id(self.documents)}.Arn>/{DOCUMENTS_PREFIX}*]",
            "Holding a person's documents: their keys are only known from the data table.",
        )

    # --- resources ---------------------------------------------------------------------

    def _buckets(self, site_url: str) -> None:
        self.access_logs = access_log_bucket(self, "AccessLogs", of="the documents bucket")
        self.documents = s3.Bucket(
            self,
            "Documents",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.storage.key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            # Object Lock with no default retention: only a legal hold (jaqe.privacy.holds) locks a
            # version, so that neither the lifecycle rule nor a delete removes a held person's documents.
            object_lock_enabled=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="documents/",
            # Deleting a rejected or expired document must not leave it behind as an old version.
            lifecycle_rules=[
                s3.LifecycleRule(
                    noncurrent_version_expiration=Duration.days(1),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST], allowed_origins=[site_url], allowed_headers=["*"]
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )

    def _user_pool(self) -> None:
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name="jaqe-professionals",
            self_sign_up_enabled=False,  # logins are created by the registration use case only
            sign_in_aliases=cognito.SignInAliases(email=True),
            custom_attributes={"pro_id": cognito.StringAttribute(mutable=False, min_len=36, max_len=36)},
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
                temp_password_validity=Duration.days(7),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.user_pool,
            "COG2",
            "MFA is offered (TOTP) to professionals but not imposed: the app only shows their own "
            "profile and leads; operators use IAM.",
        )
        self.app_client = self.user_pool.add_client(
            "AppClient",
            auth_flows=cognito.AuthFlow(user_srp=True),
            generate_secret=False,
            disable_o_auth=True,  # the app signs in with SRP; no hosted UI, no redirect URLs
            prevent_user_existence_errors=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True)
            .with_custom_attributes("pro_id"),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(email=False),
        )
        self.authorizer = apigw.CognitoUserPoolsAuthorizer(
            self,
            "Authorizer",
            cognito_user_pools=[self.user_pool],
            identity_source="method.request.header.Authorization",
        )

    def _failure_queue(self) -> sqs.Queue:
        queue = sqs.Queue(
            self,
            "AsyncFailures",
            # A failed S3 event carries the uploader's IP address (personal data): the data key.
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.storage.key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        acknowledge(queue, "SQS3", "This queue is itself the dead-letter destination of the async paths.")
        self.alarm(
            "ProfessionalsAsyncFailures",
            queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(5)),
            "A document check or an insurance watch failed after its retries: inspect and redrive.",
        )
        return queue

    # --- functions ---------------------------------------------------------------------

    @staticmethod
    def _logical_id(construct: Construct) -> str:
        """How cdk-nag names a resource in a finding id (stable across refactors of this file)."""
        stack = Stack.of(construct)
        return str(stack.resolve(stack.get_logical_id(construct.node.default_child)))

    def _create(self, name: str, environment: dict[str, str], **kwargs: int) -> lambda_.Function:
        function = self.functions.create(name, environment=environment, **kwargs)
        allow_key(function, self.storage.key)
        self.storage.name_data_table(function)
        return function

    def allow_login_erasure(self, function: lambda_.Function) -> None:
        """For the rights workflow: find and delete a professional's login (erasure)."""
        function.add_environment("USER_POOL_ID", self.user_pool.user_pool_id)
        self._allow_cognito(function, ["cognito-idp:AdminGetUser", "cognito-idp:AdminDeleteUser"])

    def allow_login_move(self, function: lambda_.Function) -> None:
        """For the rights workflow: a professional's login follows a rectified email address."""
        self._allow_cognito(function, ["cognito-idp:AdminUpdateUserAttributes"])

    def allow_login_lookup(self, function: lambda_.Function) -> None:
        """For privacy scans: whether a professional's login exists (nothing else of the pool)."""
        function.add_environment("USER_POOL_ID", self.user_pool.user_pool_id)
        self._allow_cognito(function, ["cognito-idp:AdminGetUser"])

    def _allow_cognito(self, function: lambda_.Function, actions: list[str]) -> None:
        allow(function, actions, [self.user_pool.user_pool_arn])

    def _registration(self, environment: dict[str, str]) -> None:
        function = self._create("professionals", environment)
        allow(function, ["dynamodb:GetItem", *TABLE_WRITE], [self.table_arn])
        self.storage.use_idempotency(function)
        allow(function, ["secretsmanager:GetSecretValue"], [self.storage.subject_key_secret.secret_arn])
        function.add_environment("SUBJECT_KEY_SECRET_ARN", self.storage.subject_key_secret.secret_arn)
        # AdminGetUser: a known address gets an email instead of a second account (same answer).
        self._allow_cognito(
            function,
            ["cognito-idp:AdminGetUser", "cognito-idp:AdminCreateUser", "cognito-idp:AdminDeleteUser"],
        )
        self.allow_mail(function)
        self.api.public_route("POST", "/v1/professionals", function)

    def _pro_app(self, environment: dict[str, str]) -> None:
        function = self._create("pro_app", environment)
        allow(function, ["dynamodb:GetItem", "dynamodb:Query", *TABLE_WRITE], [self.table_arn])
        allow(function, ["dynamodb:Query"], [f"{self.table_arn}/index/by_professional"])
        # The presigned POST is signed with this role: it may put objects under the prefix only.
        allow(function, ["s3:PutObject"], [self.documents.arn_for_objects(f"{DOCUMENTS_PREFIX}*")])
        self._allow_cognito(function, ["cognito-idp:AdminDeleteUser"])
        self.allow_mail(function)
        acknowledge(
            function.role.node.find_child("DefaultPolicy"),
            f"IAM5[Resource::<{self._logical_id(self.documents)}.Arn>/{DOCUMENTS_PREFIX}*]",
            "Uploads go to professionals/<pro_id>/<doc_id>: keys are created per document; the "
            "presigned POST policy narrows each upload to one key.",
        )
        for method, path in (
            ("GET", "/v1/pro/me"),
            ("PATCH", "/v1/pro/me"),
            ("GET", "/v1/pro/me/leads"),
            ("POST", "/v1/pro/me/leads/{lead_id}/accept"),
            ("POST", "/v1/pro/me/documents"),
            ("GET", "/v1/pro/me/documents"),
            ("POST", "/v1/pro/me/delist"),
        ):
            self.api.route(
                method,
                path,
                function,
                authorization_type=apigw.AuthorizationType.COGNITO,
                authorizer=self.authorizer,
            )

    def _admin(self, environment: dict[str, str]) -> None:
        function = self._create("admin_professionals", environment)
        allow(function, ["dynamodb:GetItem", "dynamodb:Query", *TABLE_WRITE], [self.table_arn])
        # The review queue: profiles by status (segment `professional#<status>`).
        allow(function, ["dynamodb:Query"], [f"{self.table_arn}/index/by_segment"])
        # Documents under review: a presigned GET of the checked version (signed with this role),
        # keeping that version the current one, deleting a rejected document's file.
        allow(function, ["s3:ListBucketVersions"], [self.documents.bucket_arn])
        self._read_and_delete_documents(
            function,
            "Operators review any professional's documents: objects are created per document under this prefix.",
        )
        self.allow_mail(function)
        self.api.operator_route("GET", "/v1/admin/professionals", function)
        for action in ("approve", "reject"):
            self.api.operator_route("POST", f"/v1/admin/professionals/{{id}}/{action}", function)
        self.api.operator_route("GET", "/v1/admin/professionals/documents", function)
        self.api.operator_route("GET", "/v1/admin/professionals/{id}/documents/{document_id}", function)
        self.api.operator_route(
            "POST", "/v1/admin/professionals/{id}/documents/{document_id}/decision", function
        )

    def _read_and_delete_documents(self, function: lambda_.Function, why_any_document: str) -> None:
        """Read and delete any version of any professional's document (one key per document)."""
        allow(
            function,
            ["s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion"],
            [self.documents.arn_for_objects(f"{DOCUMENTS_PREFIX}*")],
        )
        acknowledge(
            function.role.node.find_child("DefaultPolicy"),
            f"IAM5[Resource::<{self._logical_id(self.documents)}.Arn>/{DOCUMENTS_PREFIX}*]",
            why_any_document,
        )

    def _document_check(self, environment: dict[str, str]) -> None:
        function = self._create("document_check", environment, timeout_seconds=30)
        allow(function, ["dynamodb:GetItem", "dynamodb:Query", *TABLE_WRITE], [self.table_arn])
        self._read_and_delete_documents(
            function, "Checks any uploaded document: objects are created per document under this prefix."
        )
        self.dead_letter_async_invokes(function, self.failures)
        self.alarm(
            "DocumentCheckErrors",
            function.metric_errors(period=Duration.minutes(5)),
            "The document check failed: uploaded files may be waiting unchecked.",
        )
        self.documents.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.LambdaDestination(function),
            s3.NotificationKeyFilter(prefix=DOCUMENTS_PREFIX),
        )
        stack = Stack.of(self)
        handler = stack.node.try_find_child("BucketNotificationsHandler050a0587b7544547bf325f094a3db834")
        if handler is not None:
            role = handler.node.find_child("Role")
            acknowledge(
                role,
                "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                "CDK's deploy-time helper that writes the bucket notification configuration.",
            )
            acknowledge(
                role,
                "IAM5[Resource::*]",
                "CDK's deploy-time helper: s3:PutBucketNotification has to be granted on the bucket it is given.",
            )

    def _insurance_watch(self, environment: dict[str, str]) -> None:
        function = self._create("insurance_watch", environment, timeout_seconds=120)
        allow(function, ["dynamodb:GetItem", "dynamodb:Query", *TABLE_WRITE], [self.table_arn])
        self.allow_mail(function)
        self.dead_letter_async_invokes(function, self.failures)
        self.alarm(
            "InsuranceWatchErrors",
            function.metric_errors(period=Duration.minutes(5)),
            "The insurance watch failed: professionals with expired insurance may still be listed.",
        )
        events.Rule(
            self,
            "DailyInsuranceWatch",
            description="Unlists professionals whose insurance has ended (and tells them)",
            schedule=events.Schedule.cron(minute="15", hour="3"),
            targets=[targets.LambdaFunction(function, dead_letter_queue=self.failures, retry_attempts=2)],
        )
