"""Staff roles and the access trail on the synthesised template: each role reaches exactly its routes
(jaqe.platform.staff), and no function can change or delete an access-trail entry."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

import pytest
from jaqe.platform.staff import OPS_SCHEDULED_FUNCTIONS, ROUTES, StaffRole, routes_of

pytestmark = pytest.mark.infra

TRAIL_TABLE_ARN_END = ":table/jaqe-access-trail"


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def our_functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The functions of functions/ (CDK's own custom-resource handlers aside), by logical id."""
    return {
        logical_id: f["Properties"]
        for logical_id, f in of_type(template, "AWS::Lambda::Function").items()
        if "POWERTOOLS_SERVICE_NAME" in f["Properties"].get("Environment", {}).get("Variables", {})
    }


def staff_roles(template: dict[str, Any]) -> dict[StaffRole, list[dict[str, Any]]]:
    """Each staff role's inline statements."""
    found = {}
    for role in of_type(template, "AWS::IAM::Role").values():
        description = role["Properties"].get("Description", "")
        if description.startswith("JAQE staff: "):
            name = StaffRole(description.removeprefix("JAQE staff: ").split(" ")[0])
            found[name] = [
                s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]
            ]
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def invocable(statements: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(method, path pattern) of every `execute-api:Invoke` resource (`.../prod/GET/v1/admin/...`)."""
    patterns = set()
    for statement in statements:
        if statement["Action"] != "execute-api:Invoke":
            continue
        for resource in as_list(statement["Resource"]):
            tail = resource["Fn::Join"][1][-1]
            stage, method, path = tail.split("/", 3)[1:]
            assert stage == "prod"
            patterns.add((method, "/" + path))
    return patterns


def template_operator_routes(template: dict[str, Any]) -> set[tuple[str, str]]:
    resources = of_type(template, "AWS::ApiGateway::Resource")

    def path(ref: Any) -> str:
        if isinstance(ref, dict) and "Ref" in ref:
            parent = resources[ref["Ref"]]["Properties"]
            return path(parent["ParentId"]) + "/" + parent["PathPart"]
        return ""

    return {
        (m["Properties"]["HttpMethod"], path(m["Properties"]["ResourceId"]))
        for m in of_type(template, "AWS::ApiGateway::Method").values()
        if m["Properties"].get("AuthorizationType") == "AWS_IAM"
    }


def concrete(path: str) -> str:
    return path.replace("{", "x_").replace("}", "")


def test_every_operator_route_of_the_template_is_in_the_staff_map_and_no_other(template):
    assert template_operator_routes(template) == {(r.method, r.path) for r in ROUTES}


def test_c4_01_each_staff_role_may_invoke_exactly_its_routes(template):
    roles = staff_roles(template)
    assert set(roles) == set(StaffRole)
    for role, statements in roles.items():
        assert invocable(statements) == {(r.method, r.iam_resource_path) for r in routes_of(role)}, role


def test_c4_01_no_role_reaches_a_route_outside_its_own_through_a_wildcard(template):
    """An id wildcard matches any characters, `/` included: none may cover another role's route."""
    for role, statements in staff_roles(template).items():
        patterns = invocable(statements)
        for route in ROUTES:
            reached = any(
                method == route.method and fnmatchcase(concrete(route.path), pattern)
                for method, pattern in patterns
            )
            assert reached == (role in route.roles), (role, route.method, route.path)


def test_c4_01_support_cannot_scan_or_export_and_ops_reads_no_rights_request(template):
    roles = {role: invocable(statements) for role, statements in staff_roles(template).items()}
    assert ("POST", "/v1/admin/privacy-scans") not in roles[StaffRole.SUPPORT]
    assert ("POST", "/v1/admin/commercial-partners/exports") not in roles[StaffRole.SUPPORT]
    assert ("GET", "/v1/admin/rights-requests/*") in roles[StaffRole.SUPPORT]
    assert roles[StaffRole.OPS] == {("GET", "/v1/admin/retention-report")}
    assert ("POST", "/v1/admin/access-trail/search") in roles[StaffRole.DPO]


def test_ops_may_run_the_scheduled_jobs_and_only_those(template):
    functions = {
        logical_id: props["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        for logical_id, props in our_functions(template).items()
    }
    [invoke] = [s for s in staff_roles(template)[StaffRole.OPS] if s["Action"] == "lambda:InvokeFunction"]
    assert {functions[r["Fn::GetAtt"][0]] for r in as_list(invoke["Resource"])} == set(
        OPS_SCHEDULED_FUNCTIONS
    )
    for role in (StaffRole.SUPPORT, StaffRole.DPO):
        assert all(s["Action"] == "execute-api:Invoke" for s in staff_roles(template)[role])


def test_the_access_trail_is_kept_five_years_encrypted_and_queried_by_index(template):
    [trail] = [
        t["Properties"]
        for t in of_type(template, "AWS::DynamoDB::Table").values()
        if t["Properties"].get("TableName") == "jaqe-access-trail"
    ]
    assert trail["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert trail["SSESpecification"]["SSEType"] == "KMS"
    assert trail["DeletionProtectionEnabled"] is True
    assert {i["IndexName"] for i in trail["GlobalSecondaryIndexes"]} == {
        "by_subject",
        "by_operator",
        "by_month",
    }


def _statements_by_role(template: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each role's statements: its inline policies and the managed policies attached to it."""
    found: dict[str, list[dict[str, Any]]] = {}
    for policy in of_type(template, "AWS::IAM::Policy").values():
        for role in policy["Properties"]["Roles"]:
            found.setdefault(role["Ref"], []).extend(policy["Properties"]["PolicyDocument"]["Statement"])
    managed = of_type(template, "AWS::IAM::ManagedPolicy")
    for logical_id, role in of_type(template, "AWS::IAM::Role").items():
        for arn in role["Properties"].get("ManagedPolicyArns", []):
            if isinstance(arn, dict) and arn.get("Ref") in managed:
                document = managed[arn["Ref"]]["Properties"]["PolicyDocument"]
                found.setdefault(logical_id, []).extend(document["Statement"])
    return found


def _on_trail_table(statement: dict[str, Any]) -> bool:
    text = json.dumps(statement["Resource"])
    return TRAIL_TABLE_ARN_END in text or "AccessTrailTable" in text


def test_every_function_role_is_denied_changing_or_deleting_an_entry_and_only_operators_functions_append(
    template,
):
    statements = _statements_by_role(template)
    # The functions serving trailed routes (admin_retention serves the retention report's counts only).
    recording = {"admin_rights", "admin_professionals", "admin_exports", "admin_incidents"}
    for props in our_functions(template).values():
        service = props["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        role_statements = statements[props["Role"]["Fn::GetAtt"][0]]
        denials = [s for s in role_statements if s["Effect"] == "Deny" and _on_trail_table(s)]
        assert len(denials) == 1, service
        assert {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} <= set(
            as_list(denials[0]["Action"])
        )
        allowed = {
            action
            for s in role_statements
            if s["Effect"] == "Allow" and _on_trail_table(s)
            for action in as_list(s["Action"])
        }
        assert allowed == ({"dynamodb:PutItem"} if service in recording else set()) | (
            {"dynamodb:Query"} if service == "admin_rights" else set()  # the DPO's search, by index
        ), service
