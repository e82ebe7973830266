"""The public REST API: stage throttling, access logs without query strings, bodies or IPs; its
custom domain when one is given, and its public URL in an SSM parameter for the links in emails."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra import names
from infra.constructs.checkov import skip
from infra.constructs.functions import Functions, allow
from infra.constructs.nag import acknowledge

# Access log fields: tokens live in query strings and personal data in bodies, so neither is
# logged; the caller's IP is not logged either (C2-04).
ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","time":"$context.requestTime","method":"$context.httpMethod",'
    '"resource":"$context.resourcePath","status":"$context.status","latencyMs":"$context.responseLatency",'
    '"integrationStatus":"$context.integrationStatus","errorType":"$context.error.responseType"}'
)


class PublicApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Functions,
        site_url: str,
        partner_origins: tuple[str, ...] = (),
        domain_name: str | None = None,
        hosted_zone_id: str | None = None,
        public_url: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.partner_origins = partner_origins
        # The operators' routes (method, path, function): StaffRoles grants and trails from them.
        self.operator_routes: list[tuple[str, str, lambda_.Function]] = []
        self.functions = functions
        access_logs = functions.log_group("AccessLogs")
        self.rest_api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name="jaqe-public",
            description="JAQE public site, professionals' app and operators' API",
            cloud_watch_role=True,
            deploy_options=apigw.StageOptions(
                stage_name="prod",
                throttling_rate_limit=50,
                throttling_burst_limit=100,
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
            ),
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=[site_url, *partner_origins],
                allow_methods=["GET", "POST", "PATCH", "OPTIONS"],
                allow_headers=["Content-Type", "Idempotency-Key", "Authorization"],
            ),
        )
        self.request_validator = self.rest_api.add_request_validator(
            "ValidateRequests", validate_request_parameters=True, validate_request_body=True
        )
        self._add_problem_responses()
        self._add_web_acl()
        skip(
            self.rest_api.deployment_stage,
            "CKV_AWS_120",
            "No stage cache: answers are per person or per token (personal data) and statuses must be fresh.",
        )
        acknowledge(
            self.rest_api.node.find_child("CloudWatchRole"),
            "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "AmazonAPIGatewayPushToCloudWatchLogs is the account-level role API Gateway requires for logs.",
        )
        if domain_name and hosted_zone_id:
            self._add_custom_domain(domain_name, hosted_zone_id)
        self.public_url = public_url or self.rest_api.url
        ssm.StringParameter(
            self,
            "PublicUrl",
            parameter_name=names.PUBLIC_API_URL_PARAMETER,
            string_value=self.public_url,
            description="The API's public URL: links in emails start with it (jaqe.platform.public_url)",
        )
        CfnOutput(
            Stack.of(self),
            "OperatorsApiUrl",
            value=self.public_url,
            description="jaqe-ops --api <this> (or JAQE_API): the operators' routes, IAM SigV4",
        )

    def _add_custom_domain(self, domain_name: str, hosted_zone_id: str) -> None:
        """`domain_name` served by this API: its certificate (DNS-validated in the hosted zone), a
        custom domain and the zone's alias record. Regional, so that the certificate lives in the
        stack's EU region (an edge-optimized domain needs one in us-east-1); a regional domain maps
        REST APIs of either endpoint type."""
        zone = route53.HostedZone.from_hosted_zone_id(self, "Zone", hosted_zone_id)
        certificate = acm.Certificate(
            self,
            "Certificate",
            domain_name=domain_name,
            validation=acm.CertificateValidation.from_dns(zone),
        )
        domain = apigw.DomainName(
            self,
            "Domain",
            domain_name=domain_name,
            certificate=certificate,
            endpoint_type=apigw.EndpointType.REGIONAL,
            security_policy=apigw.SecurityPolicy.TLS_1_2,
            mapping=self.rest_api,
        )
        route53.ARecord(
            self,
            "DomainAlias",
            zone=zone,
            record_name=f"{domain_name}.",  # fully qualified: the zone's name is not known here
            target=route53.RecordTarget.from_alias(route53_targets.ApiGatewayDomain(domain)),
        )

    def let_read_public_url(self, function: lambda_.Function) -> None:
        """`function` reads the API's public URL from its parameter at run time (LinkSettings). Named,
        not referenced: a reference would make the function depend on the deployment that depends on it."""
        function.add_environment("PUBLIC_API_URL_PARAMETER", names.PUBLIC_API_URL_PARAMETER)
        parameter_arn = Stack.of(self).format_arn(
            service="ssm", resource="parameter", resource_name=names.PUBLIC_API_URL_PARAMETER.lstrip("/")
        )
        allow(function, ["ssm:GetParameter"], [parameter_arn])

    def serves(self, function: lambda_.Function) -> None:
        """A function behind this API answers CORS for the partner sites too
        (PARTNER_ORIGINS, jaqe.platform.settings.ApiSettings; empty when there is none)."""
        function.add_environment("PARTNER_ORIGINS", ",".join(self.partner_origins))

    def route(self, method: str, path: str, function: lambda_.Function, **options: Any) -> apigw.Method:
        """Any route (`options` as for `add_method`: authoriser, ...), validated by the stage's validator,
        integrated on the function's `live` alias (SnapStart, `Functions.live_alias`)."""
        self.serves(function)
        integration = apigw.Integration(
            type=apigw.IntegrationType.AWS_PROXY,
            integration_http_method="POST",
            uri=f"arn:{Aws.PARTITION}:apigateway:{Aws.REGION}:lambda:path/2015-03-31/functions/"
            f"{self._invocable(function).function_arn}/invocations",
        )
        return self.rest_api.root.resource_for_path(path).add_method(
            method, integration, request_validator=self.request_validator, **options
        )

    def _invocable(self, function: lambda_.Function) -> lambda_.Alias:
        """The alias, with one permission for the stage's methods: a permission per route (what
        `LambdaIntegration` adds) took the stack past CloudFormation's 500 resources. No console
        test-invoke permission either; operators test through jaqe-ops and the stage."""
        alias = self.functions.live_alias(function)
        if alias.node.try_find_child("ApiInvoke") is None:
            alias.add_permission(
                "ApiInvoke",
                principal=iam.ServicePrincipal("apigateway.amazonaws.com"),
                source_arn=self.rest_api.arn_for_execute_api(
                    method="*", path="/*", stage=self.rest_api.deployment_stage.stage_name
                ),
            )
        return alias

    def operator_route(self, method: str, path: str, function: lambda_.Function) -> apigw.Method:
        """A route of the operators' API: IAM-signed requests only (authorised staff, C4-01)."""
        method_construct = self.route(method, path, function, authorization_type=apigw.AuthorizationType.IAM)
        self.operator_routes.append((method, path, function))
        acknowledge(method_construct, "COG4", "Operators' API: IAM-authorised (SigV4), not Cognito.")
        return method_construct

    def public_route(self, method: str, path: str, function: lambda_.Function) -> apigw.Method:
        """A route the site's forms call without login (bodies are validated by the function's models)."""
        method_construct = self.route(method, path, function)
        acknowledge(
            method_construct, "APIG4", "Public form endpoint of the consumer site: anonymous by design."
        )
        acknowledge(
            method_construct, "COG4", "Public form endpoint of the consumer site: anonymous by design."
        )
        skip(
            method_construct,
            "CKV_AWS_59",
            "Public form endpoint of the consumer site: anonymous by design (validated body, WAF, throttle).",
        )
        return method_construct

    def _add_problem_responses(self) -> None:
        """Answers API Gateway gives itself (authorizers, WAF, throttling) are problem documents too."""
        for response_type, status, slug, title in (
            (apigw.ResponseType.UNAUTHORIZED, "401", "unauthorized", "Connexion requise"),
            (apigw.ResponseType.ACCESS_DENIED, "403", "forbidden", "Accès refusé"),
            (apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, "404", "not-found", "Ressource introuvable"),
            (apigw.ResponseType.THROTTLED, "429", "throttled", "Trop de requêtes"),
            # WAF's managed rules (e.g. a body over 8 KB) and the gateway's own limits: refused before
            # any function runs, so the functions' problem documents cannot answer them.
            (apigw.ResponseType.WAF_FILTERED, "403", "request-blocked", "Requête refusée"),
            (apigw.ResponseType.REQUEST_TOO_LARGE, "413", "payload-too-large", "Requête trop volumineuse"),
            (
                apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE,
                "415",
                "unsupported-media-type",
                "Type de contenu non pris en charge",
            ),
            (
                apigw.ResponseType.DEFAULT_5_XX,
                "503",
                "temporarily-unavailable",
                "Service momentanément indisponible",
            ),
        ):
            document = (
                f'{{"type": "https://jaqe.fr/problems/{slug}", "title": "{title}", "status": {status}, '
                '"detail": $context.error.messageString}'
            )
            self.rest_api.add_gateway_response(
                f"Problem{status}{slug.title().replace('-', '')}",
                type=response_type,
                status_code=status,
                response_headers={"Content-Type": "'application/problem+json'"},
                templates={"application/json": document},
            )

    def _add_web_acl(self) -> None:
        """WAF in front of the stage: a per-IP rate limit and AWS managed rule groups."""

        def managed(name: str, priority: int, *counted: str) -> wafv2.CfnWebACL.RuleProperty:
            """An AWS rule group; the rules named in `counted` only count (CloudWatch) instead of blocking."""
            overrides = [
                wafv2.CfnWebACL.RuleActionOverrideProperty(
                    name=rule, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
                )
                for rule in counted
            ]
            return wafv2.CfnWebACL.RuleProperty(
                name=name,
                priority=priority,
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=name, rule_action_overrides=overrides or None
                    )
                ),
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                visibility_config=_visibility(name),
            )

        rate_limit = wafv2.CfnWebACL.RuleProperty(
            name="RatePerIp",
            priority=0,
            statement=wafv2.CfnWebACL.StatementProperty(
                rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                    limit=500, aggregate_key_type="IP"
                )
            ),
            action=wafv2.CfnWebACL.RuleActionProperty(block={}),
            visibility_config=_visibility("RatePerIp"),
        )
        web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility("JaqeApi"),
            rules=[
                rate_limit,
                # Its body-size rule blocks every body over 8 KB, yet a breach declaration may hold
                # 14,000 characters: the functions refuse bodies over 64 KB themselves (a problem
                # document, jaqe.platform.api.MAX_BODY_BYTES), so that rule only counts.
                managed("AWSManagedRulesCommonRuleSet", 1, "SizeRestrictions_BODY"),
                managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
                managed("AWSManagedRulesAmazonIpReputationList", 3),
            ],
        )
        wafv2.CfnWebACLAssociation(
            self,
            "WebAclAssociation",
            resource_arn=self.rest_api.deployment_stage.stage_arn,
            web_acl_arn=web_acl.attr_arn,
        )


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=False
    )
