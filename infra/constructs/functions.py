"""Lambda functions: one folder of `functions/` each, the shared layers, one role each.

No Docker: code is the folder as it is (`Code.from_asset`), the domain package is the
`layers/jaqe` folder, the dependencies layer is prebuilt by `scripts/build-deps-layer.sh`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import lambda_target, names
from infra.constructs.inventory import inventoried
from infra.constructs.memory import memory_mb
from infra.constructs.nag import acknowledge

ROOT = Path(__file__).resolve().parents[2]
DEPS_LAYER = ROOT / ".build" / "deps-layer"
# The functions' target, as the dependency layer is built for it (infra/lambda_target.py).
RUNTIME = {"3.12": lambda_.Runtime.PYTHON_3_12, "3.13": lambda_.Runtime.PYTHON_3_13}[
    lambda_target.PYTHON_VERSION
]
ARCHITECTURE = {"arm64": lambda_.Architecture.ARM_64, "x86_64": lambda_.Architecture.X86_64}[
    lambda_target.ARCHITECTURE
]
# Server logs (C2-04): explicit retention, at most 13 months; one year here.
LOG_RETENTION = logs.RetentionDays.ONE_YEAR
# The alias API Gateway invokes (SnapStart applies to published versions only, never to $LATEST).
LIVE_ALIAS = "live"
# Powertools' own configuration (metrics namespace); the service name is the function's folder.
POWERTOOLS_ENVIRONMENT = {"POWERTOOLS_METRICS_NAMESPACE": "JAQE"}


class Functions(Construct):
    """Builds every function the same way; keeps the list so that tests and monitoring can see them.

    No environment is shared: the construct that creates a function passes what it reads
    (`environment=`), and grants add the names of what they grant (`Storage.use_data`, ...).
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        if not (DEPS_LAYER / "python").is_dir():
            raise FileNotFoundError(
                f"{DEPS_LAYER} is missing: run `make layer` (scripts/build-deps-layer.sh) before synthesising."
            )
        self.log_key = kms.Key(
            self,
            "LogsKey",
            description="JAQE function and API logs",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        region = Stack.of(self).region
        self.log_key.grant_encrypt_decrypt(iam.ServicePrincipal(f"logs.{region}.amazonaws.com"))
        self.layers = [
            lambda_.LayerVersion(
                self,
                "DepsLayer",
                code=lambda_.Code.from_asset(str(DEPS_LAYER)),
                compatible_runtimes=[RUNTIME],
                compatible_architectures=[ARCHITECTURE],  # wheels with compiled code (pydantic-core)
                description="aws-lambda-powertools, pydantic",
            ),
            lambda_.LayerVersion(
                self,
                "DomainLayer",
                code=lambda_.Code.from_asset(str(ROOT / "layers" / "jaqe"), exclude=["**/__pycache__"]),
                compatible_runtimes=[RUNTIME],
                description="JAQE domain package (processing register, retention, use cases)",
            ),
        ]
        self.all: dict[str, lambda_.Function] = {}
        # No function may change or delete an access-trail entry, whatever else it is granted: one
        # policy every function role gets (the table is named, so the inbound-mail stack's too).
        trail = Stack.of(self).format_arn(
            service="dynamodb", resource="table", resource_name=names.ACCESS_TRAIL_TABLE
        )
        self.access_trail_append_only = iam.ManagedPolicy(
            self,
            "AccessTrailAppendOnly",
            description="Access-trail entries cannot be changed or deleted by any function",
            statements=[
                iam.PolicyStatement(
                    effect=iam.Effect.DENY,
                    actions=[
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",
                        "dynamodb:BatchWriteItem",
                        "dynamodb:PartiQLUpdate",
                        "dynamodb:PartiQLDelete",
                    ],
                    resources=[trail],
                )
            ],
        )
        # The API functions' `live` aliases (SnapStart on published versions), by function name.
        self.live: dict[str, lambda_.Alias] = {}
        # Called with (name, function) for each function made from now on (the dashboard).
        self.on_create: list[Callable[[str, lambda_.Function], None]] = []

    def log_group(self, construct_id: str) -> logs.LogGroup:
        group = logs.LogGroup(
            self,
            construct_id,
            retention=LOG_RETENTION,
            encryption_key=self.log_key,
            removal_policy=RemovalPolicy.DESTROY,
        )
        inventoried(group, "function_logs")
        return group

    def create(
        self,
        name: str,
        *,
        environment: dict[str, str] | None = None,
        timeout_seconds: int = 10,
        reserved_concurrency: int | None = None,
    ) -> lambda_.Function:
        folder = ROOT / "functions" / name
        construct_id = "".join(part.capitalize() for part in name.split("_"))
        log_group = self.log_group(f"{construct_id}Logs")
        role = iam.Role(self, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]
            )
        )
        role.add_managed_policy(self.access_trail_append_only)
        function = lambda_.Function(
            self,
            construct_id,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler="app.handler",
            code=lambda_.Code.from_asset(str(folder), exclude=["**/__pycache__"]),
            layers=self.layers,
            role=role,
            log_group=log_group,
            timeout=Duration.seconds(timeout_seconds),
            # An API function gets its API floor when a route makes it one (`live_alias`).
            memory_size=memory_mb(name, api=False, timeout_seconds=timeout_seconds),
            tracing=lambda_.Tracing.ACTIVE,
            reserved_concurrent_executions=reserved_concurrency,
            environment={**POWERTOOLS_ENVIRONMENT, "POWERTOOLS_SERVICE_NAME": name, **(environment or {})},
        )
        acknowledge(
            function,
            "L1",
            "Pinned to the runtime the dependency layer is built for (infra/lambda_target.py); upgrade both together.",
        )
        acknowledge(
            role.node.find_child("DefaultPolicy"),
            "IAM5[Resource::*]",
            "X-Ray PutTraceSegments/PutTelemetryRecords accept no resource scoping; every other "
            "statement of this role names its resources.",
        )
        self.all[name] = function
        for listener in self.on_create:
            listener(name, function)
        return function

    def live_alias(self, function: lambda_.Function) -> lambda_.Alias:
        """The `live` alias of an API function: SnapStart on its published versions (a request finds an
        initialised environment restored from a snapshot, jaqe.platform.restore), a new version
        published whenever its code or configuration changes, the alias moved to it."""
        name = next(name for name, made in self.all.items() if made is function)
        if name not in self.live:
            cfn = function.node.default_child
            assert isinstance(cfn, lambda_.CfnFunction)
            # What `snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS` sets, once a route needs it.
            cfn.snap_start = lambda_.CfnFunction.SnapStartProperty(apply_on="PublishedVersions")
            cfn.memory_size = memory_mb(name, api=True, timeout_seconds=int(cfn.timeout or 0))
            self.live[name] = lambda_.Alias(
                function, "LiveAlias", alias_name=LIVE_ALIAS, version=function.current_version
            )
        return self.live[name]


# Reading and writing single items and querying a table (operators' and workflows' functions).
ITEM_READ_WRITE = [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
]


def allow(function: lambda_.Function, actions: list[str], resources: list[str]) -> None:
    """Grant exactly these actions on exactly these resources (no wildcard grants)."""
    function.add_to_role_policy(iam.PolicyStatement(actions=actions, resources=resources))


def allow_partition(function: lambda_.Function, actions: list[str], table_arn: str, partition: str) -> None:
    """Grant these actions on the table, for the items of one partition key only (a directory)."""
    function.add_to_role_policy(
        iam.PolicyStatement(
            actions=actions,
            resources=[table_arn],
            conditions={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [partition]}},
        )
    )


def allow_key(function: lambda_.Function, key: kms.IKey) -> None:
    allow(function, ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"], [key.key_arn])
