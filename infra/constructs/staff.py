"""Staff roles: one IAM role per `jaqe.platform.staff.StaffRole`, allowed to call exactly its routes.

Each role may invoke (`execute-api:Invoke`, method and path) the operators' routes the staff map
gives it, and nothing else of the API; `ops` may also run the scheduled jobs by hand. Staff assume
their role (from the account's identity provider or IAM users allowed by the account); the
functions behind operators' routes record every action and read of personal data in the access
trail, which this construct grants them.
"""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct
from jaqe.platform.staff import OPS_SCHEDULED_FUNCTIONS, StaffRole, routes_of, staff_route

from infra.constructs.api import PublicApi
from infra.constructs.functions import Functions
from infra.constructs.nag import acknowledge
from infra.constructs.storage import Storage

STAGE = "prod"


class StaffRoles(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, api: PublicApi, storage: Storage, functions: Functions
    ) -> None:
        super().__init__(scope, construct_id)
        # The functions serving a trailed route append to the access trail (the others are not given it).
        recording = [f for m, p, f in api.operator_routes if (route := staff_route(m, p)) and route.trailed]
        for function in dict.fromkeys(recording):
            storage.record_access(function)
        self.roles: dict[StaffRole, iam.Role] = {}
        for role in StaffRole:
            routes = routes_of(role)
            statements = [
                iam.PolicyStatement(
                    actions=["execute-api:Invoke"],
                    resources=[
                        api.rest_api.arn_for_execute_api(r.method, r.iam_resource_path, STAGE) for r in routes
                    ],
                )
            ]
            if role is StaffRole.OPS:
                statements.append(
                    iam.PolicyStatement(
                        actions=["lambda:InvokeFunction"],
                        resources=[functions.all[name].function_arn for name in OPS_SCHEDULED_FUNCTIONS],
                    )
                )
            self.roles[role] = iam.Role(
                self,
                f"{role.value.capitalize()}Role",
                description=f"JAQE staff: {role.value} (jaqe.platform.staff)",
                assumed_by=iam.AccountRootPrincipal(),
                max_session_duration=Duration.hours(1),
                inline_policies={"OperatorsApi": iam.PolicyDocument(statements=statements)},
            )
            for route in routes:
                if "*" in route.iam_resource_path:
                    acknowledge(
                        self.roles[role],
                        f"IAM5[Resource::arn:aws:execute-api:{Stack.of(self).region}:<AWS::AccountId>:"
                        f"<{Stack.of(self).get_logical_id(api.rest_api.node.default_child)}>/{STAGE}/"
                        f"{route.method}{route.iam_resource_path}]",
                        "A path parameter (an id) of this role's route: any id, this method and path only.",
                    )
