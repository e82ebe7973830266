"""Step Functions workflows defined by an ASL file (the same file the tests execute on moto)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct, IConstruct

from infra.constructs.inventory import inventoried
from infra.constructs.nag import acknowledge

STATE_MACHINES = Path(__file__).resolve().parents[1] / "statemachines"


def logical_id(construct: IConstruct) -> str:
    stack = Stack.of(construct)
    return str(stack.resolve(stack.get_logical_id(construct.node.default_child)))


def asl_state_machine(
    scope: Construct,
    construct_id: str,
    *,
    asl_file: str,
    task_functions: dict[str, lambda_.IFunction],
    log_key: kms.IKey,
    comment: str,
    inventory: str,
    name: str | None = None,
) -> sfn.StateMachine:
    """A Standard state machine whose Lambda tasks go to `task_functions` (each substitution name, such
    as `WorkflowFunctionArn`, to the function whose ARN replaces `${name}` in the ASL); logs without
    execution data, X-Ray on. `inventory`: its executions' entry in the data inventory."""
    log_group = logs.LogGroup(
        scope,
        f"{construct_id}Logs",
        retention=logs.RetentionDays.ONE_YEAR,
        encryption_key=log_key,
        removal_policy=RemovalPolicy.DESTROY,
    )
    machine = sfn.StateMachine(
        scope,
        construct_id,
        state_machine_name=name,
        state_machine_type=sfn.StateMachineType.STANDARD,
        definition_body=sfn.DefinitionBody.from_file(str(STATE_MACHINES / asl_file)),
        definition_substitutions={name: f.function_arn for name, f in task_functions.items()},
        logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
        tracing_enabled=True,
        comment=comment,
    )
    inventoried(machine, inventory)
    inventoried(log_group, "function_logs")
    policy = machine.role.node.find_child("DefaultPolicy")
    acknowledge(
        policy,
        "IAM5[Resource::*]",
        "Log delivery (logs:*LogDelivery, DescribeLogGroups) and X-Ray accept no resource scoping.",
    )
    for task_function in task_functions.values():
        task_function.grant_invoke(machine)
        acknowledge(
            policy,
            f"IAM5[Resource::<{logical_id(task_function)}.Arn>:*]",
            "CDK's grant_invoke covers the task function's versions and aliases (one function).",
        )
    return machine


def alarm_on_failed_executions(
    scope: Construct, machine: sfn.StateMachine, topic: sns.ITopic, what: str
) -> cloudwatch.Alarm:
    failed = cloudwatch.MathExpression(
        expression="failed + timedout + aborted",
        using_metrics={
            "failed": machine.metric_failed(period=Duration.minutes(5)),
            "timedout": machine.metric_timed_out(period=Duration.minutes(5)),
            "aborted": machine.metric_aborted(period=Duration.minutes(5)),
        },
        label=f"{what} executions failed, timed out or aborted (needs operator)",
    )
    alarm = failed.create_alarm(
        scope,
        "ExecutionsFailedAlarm",
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=f"{what}: a workflow step failed and an operator must take over.",
    )
    alarm.add_alarm_action(cw_actions.SnsAction(topic))
    return alarm
