"""Creates in moto the resources the synthesised template declares, and resolves references.

Used by the test harness (in-process `mock_aws`) and by `make dev` (moto server): both get
exactly the tables, indexes, secrets and identities that `cdk deploy` would create.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from dataclasses import dataclass, field
from typing import Any

import boto3

from jaqe_dev.template import SynthesizedStack

ACCOUNT = "123456789012"
REGION = "eu-west-3"


@dataclass
class Provisioned:
    """Physical names and ARNs of what was created, keyed by logical id."""

    stack: SynthesizedStack
    names: dict[str, str] = field(default_factory=dict)
    arns: dict[str, str] = field(default_factory=dict)
    # (function, queue ARN, batch size) of each SQS event source, polled in-process.
    queue_mappings: list[tuple[str, str, int]] = field(default_factory=list)
    # Stream mappings' filter patterns by function (Lambda event filtering), applied by jaqe_dev.lambdas.
    stream_filters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str | int | float | bool):
            return value
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if "Ref" in value:
            ref = value["Ref"]
            return {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws"}.get(
                ref, self.names.get(ref, ref)
            )
        if "Fn::GetAtt" in value:
            logical, attribute = value["Fn::GetAtt"]
            return self.arns.get(f"{logical}.{attribute}") or self.arns.get(logical, logical)
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return separator.join(str(self.resolve(p)) for p in parts)
        return value

    def environment(self, logical_id: str) -> dict[str, str]:
        spec = self.stack.functions()[logical_id]
        return {k: str(self.resolve(v)) for k, v in spec.environment.items()}

    def table_name(self, suffix_hint: str) -> str:
        """Physical name of the table whose logical id contains `suffix_hint` (e.g. `DataTable`)."""
        return next(name for logical, name in self.names.items() if suffix_hint in logical)


class ProvisioningSession(boto3.Session):
    """A session that makes one client per service (a client costs ~35 ms to make; provisioning the
    two stacks asks for 22). Only for provisioning, inside one moto context."""

    def __init__(self) -> None:
        super().__init__(region_name=REGION)
        self._clients: dict[str, Any] = {}

    def client(self, service_name: str, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return super().client(service_name, *args, **kwargs)  # type: ignore[call-overload]
        if service_name not in self._clients:
            self._clients[service_name] = super().client(service_name)  # type: ignore[call-overload]
        return self._clients[service_name]


def provision(stack: SynthesizedStack, session: boto3.Session | None = None) -> Provisioned:
    session = session or ProvisioningSession()
    done = Provisioned(stack)
    _tables(stack, session, done)
    _secrets(stack, session, done)
    _mail_identities(stack, session)
    _queues(stack, session, done)
    _buckets(stack, session, done)
    _user_pools(stack, session, done)
    _functions(stack, session, done)
    _event_source_mappings(stack, session, done)
    _bucket_notifications(stack, session, done)
    _state_machines(stack, session, done)
    return done


def _tables(stack: SynthesizedStack, session: boto3.Session, done: Provisioned) -> None:
    dynamodb = session.client("dynamodb")
    for logical_id, props in stack.of_type("AWS::DynamoDB::Table").items():
        name = _physical_name(props, "TableName", logical_id)
        request: dict[str, Any] = {
            "TableName": name,
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if props.get("StreamSpecification"):
            request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        description = dynamodb.create_table(**request)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        done.names[logical_id] = name
        done.arns[f"{logical_id}.Arn"] = description["TableArn"]
        if "LatestStreamArn" in description:
            done.arns[f"{logical_id}.StreamArn"] = description["LatestStreamArn"]


def _secrets(stack: SynthesizedStack, session: boto3.Session, done: Provisioned) -> None:
    client = session.client("secretsmanager")
    for logical_id, props in stack.of_type("AWS::SecretsManager::Secret").items():
        name = _physical_name(props, "Name", logical_id)
        arn = client.create_secret(Name=name, SecretString=secrets.token_hex(32))["ARN"]
        done.names[logical_id] = arn  # Ref of a secret is its ARN
        done.arns[logical_id] = arn


def _mail_identities(stack: SynthesizedStack, session: boto3.Session) -> None:
    ses = session.client("ses")
    for props in stack.of_type("AWS::SES::EmailIdentity").values():
        identity = props["EmailIdentity"]
        if "@" in identity:
            ses.verify_email_identity(EmailAddress=identity)
        else:
            ses.verify_domain_identity(Domain=identity)


def _functions(stack: SynthesizedStack, session: boto3.Session, done: Provisioned) -> None:
    """Registers each function in moto so that Step Functions tasks and streams can reach it.

    The code never runs in moto: `jaqe_dev.lambdas` dispatches invocations in-process.
    """
    role = _service_role(session, "local-lambda", "lambda.amazonaws.com")  # shared by both stacks
    lambda_client = session.client("lambda")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(
            "app.py", "def handler(event, context):\n    raise RuntimeError('dispatched in-process')\n"
        )
    for logical_id, spec in stack.functions().items():
        arn = lambda_client.create_function(
            FunctionName=logical_id,
            Runtime="python3.12",
            Role=role,
            Handler=spec.handler,
            Code={"ZipFile": archive.getvalue()},
        )["FunctionArn"]
        done.names[logical_id] = logical_id
        done.arns[f"{logical_id}.Arn"] = arn


def _queues(stack: SynthesizedStack, session: boto3.Session, done: Provisioned) -> None:
    sqs = session.client("sqs")
    queues = stack.of_type("AWS::SQS::Queue")
    # Dead-letter queues first, so that redrive policies can name them.
    for logical_id, props in sorted(queues.items(), key=lambda kv: "RedrivePolicy" in kv[1]):
        attributes: dict[str, Any] = {}
        if "RedrivePolicy" in props:
            policy = props["RedrivePolicy"]
            attributes["RedrivePolicy"] = json.dumps(
                {
                    "deadLetterTargetArn": done.resolve(policy["deadLetterTargetArn"]),
                    "maxReceiveCount": policy["maxReceiveCount"],
                }
            )
        if "VisibilityTimeout" in props:
            attributes["VisibilityTimeout"] = str(props["VisibilityTimeout"])
        name = _physical_name(props, "QueueName", logical_id)
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]  # type: ignore[arg-type]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        done.names[logical_id] = url  # Ref of a queue is its URL
        done.arns[f"{logical_id}.Arn"] = arn


def _event_source_mappings(stack: SynthesizedStack, session: boto3.Session, done: Provisioned) -> None:
    """Stream mappings: moto then delivers each table write to the function, as DynamoDB Streams would.

    Queue mappings are polled by `jaqe_dev.lambdas` instead (moto would drop a message whose
    processing fails, where Lambda's poller leaves it for a retry and then the DLQ).
    """
    lambda_client = session.client("lambda")
    for props in stack.of_type("AWS::Lambda::EventSourceMapping").values():
        source = done.resolve(props["EventSourceArn"])
        if ":sqs:" in source:
            done.queue_mappings.append(
                (done.resolve(props["FunctionName"]), source, int(props.get("BatchSize", 10)))
            )
            continue
        function_name = done.resolve(props["FunctionName"])
        patterns = (props.get("FilterCriteria") or {}).get("Filters", [])
        done.stream_filters[function_name] = [json.loads(p["Pattern"]) for p in patterns]
        lambda_client.create_event_source_mapping(
            EventSourceArn=source,
            FunctionName=function_name,
            StartingPosition=props.get("StartingPosition", "TRIM_HORIZON"),
            BatchSize=int(props.get("BatchSize", 100)),
        )


def _buckets(stack: SynthesizedStack, session: boto3.Session, done: Provisioned) -> None:
    """Buckets named after their logical id, in the EU region, versioned and locked as declared."""
    s3 = session.client("s3")
    for logical_id, props in stack.of_type("AWS::S3::Bucket").items():
        name = props["BucketName"] if isinstance(props.get("BucketName"), str) else logical_id.lower()[:63]
        s3.create_bucket(
            Bucket=name,
            CreateBucketConfiguration={"LocationConstraint": REGION},  # type: ignore[typeddict-item]
            ObjectLockEnabledForBucket=bool(props.get("ObjectLockEnabled")),  # the documents' legal holds
        )
        if props.get("VersioningConfiguration", {}).get("Status") == "Enabled":
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        if props.get("PublicAccessBlockConfiguration"):
            s3.put_public_access_block(
                Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
            )
        done.names[logical_id] = name
        done.arns[f"{logical_id}.Arn"] = f"arn:aws:s3:::{name}"


def _user_pools(stack: SynthesizedStack, session: boto3.Session, done: Provisioned) -> None:
    """Cognito user pools (with their custom attributes and sign-in aliases) and their app clients."""
    cognito = session.client("cognito-idp")
    for logical_id, props in stack.of_type("AWS::Cognito::UserPool").items():
        request: dict[str, Any] = {"PoolName": props.get("UserPoolName", logical_id)}
        for key in (
            "Schema",
            "Policies",
            "UsernameAttributes",
            "AutoVerifiedAttributes",
            "AdminCreateUserConfig",
        ):
            if key in props:
                request[key] = props[key]
        for attribute in request.get("Schema", []):
            constraints = attribute.get("StringAttributeConstraints")
            if constraints:
                attribute["StringAttributeConstraints"] = {k: str(v) for k, v in constraints.items()}
        pool = cognito.create_user_pool(**request)["UserPool"]
        done.names[logical_id] = pool["Id"]
        done.arns[f"{logical_id}.Arn"] = pool["Arn"]
        done.arns[f"{logical_id}.ProviderName"] = pool["Id"]
    for logical_id, props in stack.of_type("AWS::Cognito::UserPoolClient").items():
        client = cognito.create_user_pool_client(
            UserPoolId=done.resolve(props["UserPoolId"]),
            ClientName=logical_id,
            ExplicitAuthFlows=[*props.get("ExplicitAuthFlows", []), "ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        )["UserPoolClient"]
        done.names[logical_id] = client["ClientId"]


def _bucket_notifications(stack: SynthesizedStack, session: boto3.Session, done: Provisioned) -> None:
    """S3 -> Lambda notifications; moto invokes the function, which `jaqe_dev.lambdas` runs in-process."""
    s3 = session.client("s3")
    for props in stack.of_type("Custom::S3BucketNotifications").values():
        configuration = _resolve_deep(done, props["NotificationConfiguration"])
        s3.put_bucket_notification_configuration(
            Bucket=done.resolve(props["BucketName"]), NotificationConfiguration=configuration
        )


def _resolve_deep(done: Provisioned, value: Any) -> Any:
    if isinstance(value, dict) and not {"Ref", "Fn::GetAtt", "Fn::Join"} & set(value):
        return {k: _resolve_deep(done, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_deep(done, v) for v in value]
    return done.resolve(value)


def _service_role(session: boto3.Session, name: str, service: str) -> str:
    """A role `service` may assume (moto checks the ARN exists, not its rights); reused when it exists."""
    iam = session.client("iam")
    existing = [r["Arn"] for r in iam.list_roles()["Roles"] if r["RoleName"] == name]
    if existing:
        return str(existing[0])
    trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]
    }
    return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])


def _state_machines(stack: SynthesizedStack, session: boto3.Session, done: Provisioned) -> None:
    """State machines from their synthesised definition (inline or the ASL file asset), with
    `DefinitionSubstitutions` resolved so that Lambda tasks reach the functions registered above."""
    machines = stack.of_type("AWS::StepFunctions::StateMachine")
    if not machines:
        return
    role = _service_role(session, "local-states", "states.amazonaws.com")
    client = session.client("stepfunctions")
    for logical_id, props in machines.items():
        if "DefinitionString" in props:
            definition = str(done.resolve(props["DefinitionString"]))
        else:
            asset = props["DefinitionS3Location"]["Key"]
            definition = (stack.outdir / f"asset.{asset}").read_text()
        for name, value in (props.get("DefinitionSubstitutions") or {}).items():
            definition = definition.replace("${" + name + "}", str(done.resolve(value)))
        name = _physical_name(props, "StateMachineName", logical_id)
        arn = client.create_state_machine(
            name=name,
            definition=definition,
            roleArn=role,
            type=props.get("StateMachineType", "STANDARD"),
        )["stateMachineArn"]
        done.names[logical_id] = arn  # Ref of a state machine is its ARN
        done.arns[f"{logical_id}.Arn"] = arn
        done.arns[f"{logical_id}.Name"] = name


def _physical_name(props: dict[str, Any], name_property: str, logical_id: str) -> str:
    """The name CDK fixed for the resource (cross-region references need them), else its logical id."""
    value = props.get(name_property)
    return value if isinstance(value, str) else logical_id
