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


def provision(stack: SynthesizedStack, session: boto3.Session | None = None) -> Provisioned:
    session = session or boto3.Session(region_name=REGION)
    done = Provisioned(stack)
    _tables(stack, session, done)
    _secrets(stack, session, done)
    _mail_identities(stack, session)
    _queues(stack, session, done)
    _functions(stack, session, done)
    _event_source_mappings(stack, session, done)
    return done


def _tables(stack: SynthesizedStack, session: boto3.Session, done: Provisioned) -> None:
    dynamodb = session.client("dynamodb")
    for logical_id, props in stack.of_type("AWS::DynamoDB::Table").items():
        request: dict[str, Any] = {
            "TableName": logical_id,
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
            dynamodb.update_time_to_live(TableName=logical_id, TimeToLiveSpecification=ttl)
        done.names[logical_id] = logical_id
        done.arns[f"{logical_id}.Arn"] = description["TableArn"]
        if "LatestStreamArn" in description:
            done.arns[f"{logical_id}.StreamArn"] = description["LatestStreamArn"]


def _secrets(stack: SynthesizedStack, session: boto3.Session, done: Provisioned) -> None:
    client = session.client("secretsmanager")
    for logical_id in stack.of_type("AWS::SecretsManager::Secret"):
        arn = client.create_secret(Name=logical_id, SecretString=secrets.token_hex(32))["ARN"]
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
    iam = session.client("iam")
    role = iam.create_role(
        RoleName="local-lambda",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ]
            }
        ),
    )["Role"]["Arn"]
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
        url = sqs.create_queue(QueueName=logical_id, Attributes=attributes)["QueueUrl"]  # type: ignore[arg-type]
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
        lambda_client.create_event_source_mapping(
            EventSourceArn=source,
            FunctionName=done.resolve(props["FunctionName"]),
            StartingPosition=props.get("StartingPosition", "TRIM_HORIZON"),
            BatchSize=int(props.get("BatchSize", 100)),
        )
