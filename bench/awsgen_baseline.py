"""Roles every account of a landing zone carries, in the order an account acquires them.

Service-linked roles, Identity Center permission-set roles, OrganizationAccountAccessRole, the
security account's audit role, StackSets and CDK bootstrap roles, and the two hub roles that
the other accounts' trust policies name. A small account takes only the first few.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import awsgen_trust as trust
from awsgen_assumed import HUB_DEPLOYER, SECURITY_SCANNER, people_role
from awsgen_common import HEX, Json, allow, deny, document, token
from awsgen_roles import Builder, RoleContext, RoleSpec, role_name

CDK_QUALIFIER = "hnb659fds"  # the CDK's default bootstrap qualifier


def service_linked(service: str, name: str, policy: str) -> Builder:
    def build(rng: random.Random, ctx: RoleContext) -> RoleSpec:
        return RoleSpec(
            name=role_name(ctx.acct, name, rng),
            path=f"/aws-service-role/{service}.amazonaws.com/",
            trust=document(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": f"{service}.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ),
            managed=[ctx.aws[policy]],
            usage=0.95,
        )

    return build


def sso_role(
    permission_set: str, managed: tuple[str, ...], statements: tuple[Json, ...] = ()
) -> Builder:
    def build(rng: random.Random, ctx: RoleContext) -> RoleSpec:
        region = "" if rng.random() < 0.5 else f"{ctx.acct.region}/"
        spec = RoleSpec(
            name=role_name(ctx.acct, f"AWSReservedSSO_{permission_set}_{token(rng, HEX, 16)}", rng),
            path=f"/aws-reserved/sso.amazonaws.com/{region}",
            trust=trust.sso_trust(ctx.acct, ctx.sso_provider),
            managed=[ctx.aws[m] for m in managed],
            usage=0.9,
        )
        if statements:
            spec.inline.append(("AwsSSOInlinePolicy", document(*statements)))
        return spec

    return build


def org_access_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    management = f"arn:aws:iam::{ctx.acct.org.management_id}:root"
    return RoleSpec(
        name=role_name(ctx.acct, "OrganizationAccountAccessRole", rng),
        path="/",
        trust=trust.accounts_trust([management]),
        managed=[ctx.aws["AdministratorAccess"]],
        usage=0.6,
    )


def stackset_execution_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    management = f"arn:aws:iam::{ctx.acct.org.management_id}:root"
    return RoleSpec(
        name=role_name(ctx.acct, "AWSCloudFormationStackSetExecutionRole", rng),
        path="/",
        trust=trust.accounts_trust([management]),
        managed=[ctx.aws["AdministratorAccess"]],
    )


def security_audit_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    scanner = f"arn:aws:iam::{ctx.acct.org.security_id}:role/{SECURITY_SCANNER}"
    return RoleSpec(
        name=role_name(ctx.acct, "security-audit", rng),
        path="/security/",
        trust=trust.accounts_trust([scanner]),
        usage=0.98,
        managed=[ctx.aws["SecurityAudit"], ctx.aws["ViewOnlyAccess"]],
        tags=[("team", "security"), ("managed-by", "stacksets")],
    )


def break_glass_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    return RoleSpec(
        name=role_name(ctx.acct, "break-glass-admin", rng),
        path="/",
        trust=trust.accounts_trust([f"arn:aws:iam::{ctx.acct.id}:root"], mfa=True),
        managed=[ctx.aws["AdministratorAccess"]],
        usage=0.2,
        tags=[("team", "security"), ("purpose", "emergency")],
    )


def hub_deployer_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    subject = "repo:acme-platform/infrastructure:ref:refs/heads/main"
    statements = [
        allow(
            ["sts:AssumeRole", "sts:TagSession"],
            [
                "arn:aws:iam::*:role/*-cross-account-deploy",
                f"arn:aws:iam::*:role/cdk-{CDK_QUALIFIER}-*",
            ],
            condition={"StringEquals": {"aws:ResourceOrgID": ctx.acct.org.org_id}},
        )
    ]
    return RoleSpec(
        name=role_name(ctx.acct, HUB_DEPLOYER, rng),
        path="/",
        usage=1.0,
        trust=trust.github_trust(ctx.acct, subject),
        inline=[("assume-deploy-roles", document(*statements))],
        tags=[("team", "platform"), ("managed-by", "terraform")],
    )


def security_scanner_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    statements = [
        allow(["sts:AssumeRole"], ["arn:aws:iam::*:role/security/security-audit"]),
        allow(["securityhub:BatchImportFindings"]),
    ]
    return RoleSpec(
        name=role_name(ctx.acct, SECURITY_SCANNER, rng),
        path="/",
        usage=1.0,
        trust=trust.service_trust(rng, ctx.acct, ["lambda"]),
        inline=[("assume-audit-roles", document(*statements))],
        tags=[("team", "security")],
    )


def ecs_default_execution_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    return RoleSpec(
        name=role_name(ctx.acct, "ecsTaskExecutionRole", rng),
        path="/",
        trust=trust.service_trust(rng, ctx.acct, ["ecs-tasks"]),
        managed=[ctx.aws["AmazonECSTaskExecutionRolePolicy"]],
    )


def _cdk(kind: str) -> str:
    return f"cdk-{CDK_QUALIFIER}-{kind}"


def cdk_role(kind: str) -> Builder:
    """A role ``cdk bootstrap`` creates: ``cdk-<qualifier>-<kind>-<account>-<region>``."""

    def build(rng: random.Random, ctx: RoleContext) -> RoleSpec:
        acct = ctx.acct
        name = f"{_cdk(kind)}-{acct.id}-{acct.region}"
        trusted = [
            f"arn:aws:iam::{acct.id}:root",
            f"arn:aws:iam::{acct.org.shared_services_id}:root",
        ]
        spec = RoleSpec(
            name=role_name(acct, name, rng),
            path="/",
            trust=trust.accounts_trust(trusted),
            tags=[("aws-cdk:bootstrap-role", kind.removesuffix("-role"))],
        )
        if kind == "cfn-exec-role":
            spec.trust = trust.service_trust(rng, acct, ["cloudformation"])
            spec.managed.append(ctx.aws["AdministratorAccess"])
        elif kind == "lookup-role":
            spec.managed.append(ctx.aws["ReadOnlyAccess"])
            spec.inline.append(
                ("LookupRoleDefaultPolicy", document(deny(["kms:Decrypt"], sid="DontReadSecrets")))
            )
        else:
            spec.inline.append(
                (f"{kind}DefaultPolicy", document(*_cdk_statements(kind, acct.id, acct.region)))
            )
        return spec

    return build


def _cdk_statements(kind: str, account: str, region: str) -> list[Json]:
    staging = f"arn:aws:s3:::cdk-{CDK_QUALIFIER}-assets-{account}-{region}"
    if kind == "file-publishing-role":
        return [
            allow(
                [
                    "s3:GetObject*",
                    "s3:GetBucket*",
                    "s3:List*",
                    "s3:PutObject*",
                    "s3:Abort*",
                    "s3:DeleteObject*",
                ],
                [staging, f"{staging}/*"],
            )
        ]
    if kind == "image-publishing-role":
        assets = f"cdk-{CDK_QUALIFIER}-container-assets-{account}-{region}"
        repo = f"arn:aws:ecr:{region}:{account}:repository/{assets}"
        return [
            allow(
                [
                    "ecr:PutImage",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload",
                    "ecr:BatchCheckLayerAvailability",
                ],
                [repo],
            ),
            allow(["ecr:GetAuthorizationToken"]),
        ]
    return [
        allow(
            [
                "cloudformation:CreateChangeSet",
                "cloudformation:DeleteChangeSet",
                "cloudformation:DescribeChangeSet",
                "cloudformation:DescribeStacks",
                "cloudformation:ExecuteChangeSet",
                "cloudformation:CreateStack",
                "cloudformation:UpdateStack",
                "cloudformation:DeleteStack",
            ],
            sid="CloudFormationPermissions",
        ),
        allow(
            ["iam:PassRole"],
            [f"arn:aws:iam::{account}:role/{_cdk('cfn-exec-role')}-{account}-{region}"],
            sid="CliPermissions",
        ),
        allow(["s3:GetObject*", "s3:GetBucket*", "s3:List*"], [staging, f"{staging}/*"]),
        allow(
            ["ssm:GetParameter", "ssm:GetParameters"],
            [f"arn:aws:ssm:{region}:{account}:parameter/cdk-bootstrap/{CDK_QUALIFIER}/version"],
        ),
    ]


_DATA_ENGINEER = (
    allow(["athena:*", "glue:Get*", "glue:BatchGet*", "glue:StartJobRun", "glue:StartCrawler"]),
    allow(
        ["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
        ["arn:aws:s3:::*-raw-*", "arn:aws:s3:::*-raw-*/*"],
    ),
    deny(["s3:DeleteBucket", "s3:PutBucketPolicy"]),
)

_COMMON_TAIL: tuple[Builder, ...] = (
    service_linked(
        "elasticloadbalancing",
        "AWSServiceRoleForElasticLoadBalancing",
        "AWSElasticLoadBalancingServiceRolePolicy",
    ),
    service_linked("autoscaling", "AWSServiceRoleForAutoScaling", "AutoScalingServiceRolePolicy"),
    service_linked("ecs", "AWSServiceRoleForECS", "AmazonECSServiceRolePolicy"),
    *(
        cdk_role(kind)
        for kind in (
            "cfn-exec-role",
            "deploy-role",
            "file-publishing-role",
            "image-publishing-role",
            "lookup-role",
        )
    ),
    ecs_default_execution_role,
)


def baseline_builders(ctx: RoleContext) -> list[Callable[[random.Random, RoleContext], RoleSpec]]:
    """The account's baseline roles, most essential first."""
    acct = ctx.acct
    support = service_linked("support", "AWSServiceRoleForSupport", "AWSSupportServiceRolePolicy")
    advisor = service_linked(
        "trustedadvisor", "AWSServiceRoleForTrustedAdvisor", "AWSTrustedAdvisorServiceRolePolicy"
    )
    sso = service_linked("sso", "AWSServiceRoleForSSO", "AWSSSOServiceRolePolicy")
    config = service_linked("config", "AWSServiceRoleForConfig", "AWSConfigServiceRolePolicy")
    admin = sso_role("AdministratorAccess", ("AdministratorAccess",))
    read = sso_role("ReadOnlyAccess", ("ReadOnlyAccess",))
    if acct.is_management:
        orgs = service_linked(
            "organizations", "AWSServiceRoleForOrganizations", "AWSOrganizationsServiceTrustPolicy"
        )
        return [
            orgs,
            sso,
            support,
            advisor,
            admin,
            read,
            sso_role("Billing", ("Billing",)),
            people_role,
            break_glass_role,
            config,
            people_role,
            *_COMMON_TAIL,
        ]
    first: list[Builder] = [org_access_role]
    if acct.id == acct.org.shared_services_id:
        first.append(hub_deployer_role)
    if acct.id == acct.org.security_id:
        first.append(security_scanner_role)
    guardduty = service_linked(
        "guardduty", "AWSServiceRoleForAmazonGuardDuty", "AmazonGuardDutyServiceRolePolicy"
    )
    return [
        *first,
        sso,
        support,
        advisor,
        admin,
        read,
        sso_role("PowerUserAccess", ("PowerUserAccess",)),
        security_audit_role,
        guardduty,
        config,
        stackset_execution_role,
        sso_role("DataEngineer", ("AmazonS3ReadOnlyAccess",), _DATA_ENGINEER),
        sso_role("ViewOnlyAccess", ("ViewOnlyAccess",)),
        *_COMMON_TAIL,
    ]
