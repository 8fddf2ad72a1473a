"""Workload roles, one builder per kind, and the finishing touches every workload role may get.

A builder decides a role's name, path, trust and core permissions; :func:`finish_workload` then
adds what teams add at random: guardrail denies, a too-broad managed policy, an escalation-capable
grant, a permissions boundary, a dedicated customer managed policy instead of inline statements.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import awsgen_inline as inline
import awsgen_trust as trust
from awsgen_common import (
    COMPONENTS,
    FIRST_NAMES,
    HEX,
    LAST_NAMES,
    LOWER_ALNUM,
    TEAMS,
    UPPER_ALNUM,
    AccountFacts,
    Json,
    allow,
    document,
    token,
)


@dataclass(slots=True)
class AccountPolicies:
    """Customer managed policy ARNs of one account that roles can be given."""

    by_app: dict[str, list[str]]
    boundary: str
    deploy: str
    legacy_tools: str
    read_extras: str


@dataclass(slots=True)
class RoleContext:
    """What a role builder needs beyond its random generator."""

    acct: AccountFacts
    aws: dict[str, str]
    """AWS managed policy name -> ARN."""
    policies: AccountPolicies
    sso_provider: str
    eks_clusters: list[str]


@dataclass(slots=True)
class RoleSpec:
    """A role before ids, dates and usage are drawn for it."""

    name: str
    path: str
    trust: Json
    managed: list[str] = field(default_factory=list)
    inline: list[tuple[str, Json]] = field(default_factory=list)
    boundary: str | None = None
    tags: list[tuple[str, str]] = field(default_factory=list)
    instance_profile: bool = False
    usage: float = 0.75
    """Chance that the role was ever used (otherwise ``RoleLastUsed`` is ``{}``)."""
    dedicated: Json | None = None
    """A customer managed policy written for this role alone, attached as ``<name>-policy``."""


Builder = Callable[[random.Random, RoleContext], RoleSpec]

OVERGRANTS = (
    "AmazonS3FullAccess",
    "AmazonDynamoDBFullAccess",
    "SecretsManagerReadWrite",
    "AdministratorAccess",
    "PowerUserAccess",
    "IAMFullAccess",
    "AWSLambda_FullAccess",
    "AmazonEC2FullAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "CloudWatchLogsFullAccess",
    "AmazonRDSFullAccess",
)


def role_name(acct: AccountFacts, wanted: str, rng: random.Random) -> str:
    """``wanted`` cut to IAM's 64 characters, with a random tail if the account already has it.

    IAM role names are unique regardless of case, so the comparison ignores case.
    """
    name = wanted[:64]
    while name.lower() in acct.used_role_names:
        name = f"{wanted[:57]}-{token(rng, LOWER_ALNUM, 6)}"
    acct.used_role_names.add(name.lower())
    return name


def pick_context(rng: random.Random, ctx: RoleContext) -> tuple[str, str, str]:
    return rng.choice(ctx.acct.apps), rng.choice(COMPONENTS), ctx.acct.env


def _camel(text: str) -> str:
    return "".join(part.title() for part in text.split("-"))


def _cdk_name(rng: random.Random, app: str, env: str, comp: str, suffix: str) -> str:
    logical = f"{_camel(comp)}{suffix}{token(rng, HEX.upper(), 8)}"
    return f"{_camel(app)}{_camel(env)}Stack-{logical}-{token(rng, UPPER_ALNUM, 12)}"


def data_statements(
    rng: random.Random, ctx: RoleContext, app: str, env: str, low: int = 1, high: int = 4
) -> list[Json]:
    statements: list[Json] = []
    for builder in rng.sample(inline.DATA_BUILDERS, rng.randint(low, high)):
        statements += builder(rng, ctx.acct, app, env)
    return statements


def _tags(rng: random.Random, app: str, env: str) -> list[tuple[str, str]]:
    if rng.random() < 0.2:
        return []
    owner = f"{rng.choice(FIRST_NAMES)}.{rng.choice(LAST_NAMES)}@example.com"
    tags = [
        ("team", rng.choice(TEAMS)),
        ("env", env),
        ("app", app),
        ("managed-by", rng.choice(("terraform", "terraform", "cdk", "cloudformation", "console"))),
    ]
    if rng.random() < 0.6:
        tags.append(("owner", owner))
    if rng.random() < 0.4:
        tags.append(("cost-center", f"cc-{rng.randint(1000, 9999)}"))
    return tags


def finish_workload(
    rng: random.Random, ctx: RoleContext, spec: RoleSpec, app: str, env: str, statements: list[Json]
) -> RoleSpec:
    """Place the role's statements and add the variety real estates show."""
    if rng.random() < 0.12:
        statements += rng.choice(inline.GUARDRAIL_BUILDERS)(rng, ctx.acct, app, env)
    if rng.random() < 0.03:
        statements += inline.escalation(rng, ctx.acct)
    if rng.random() < 0.05:
        spec.managed.append(ctx.aws[rng.choice(OVERGRANTS)])
    if rng.random() < 0.3 and ctx.policies.by_app.get(app):
        spec.managed.append(rng.choice(ctx.policies.by_app[app]))
    if rng.random() < 0.01:
        spec.managed.append(ctx.policies.legacy_tools)
    _place_statements(rng, spec, statements)
    if not ctx.acct.is_management and rng.random() < 0.2:
        spec.boundary = ctx.policies.boundary
    elif rng.random() < 0.01:
        spec.boundary = ctx.aws["PowerUserAccess"]
    spec.tags = _tags(rng, app, env)
    return spec


def _place_statements(rng: random.Random, spec: RoleSpec, statements: list[Json]) -> None:
    if not statements:
        return
    roll = rng.random()
    if roll < 0.15:
        spec.dedicated = document(*statements)
    elif roll < 0.3 and len(statements) > 2:
        half = len(statements) // 2
        spec.inline += [
            ("data-access", document(*statements[:half])),
            ("runtime", document(*statements[half:])),
        ]
    else:
        name = rng.choice((f"{spec.name[:100]}-policy", "inline", "default", "permissions", "root"))
        spec.inline.append((name, document(*statements)))


def lambda_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, comp, env = pick_context(rng, ctx)
    acct, style = ctx.acct, rng.random()
    path = "/"
    if style < 0.4:
        wanted = f"{app}-{comp}-{env}-lambda"
    elif style < 0.6:
        path, wanted = "/service-role/", f"{app}-{comp}-role-{token(rng, LOWER_ALNUM, 8)}"
    elif style < 0.85:
        wanted = _cdk_name(rng, app, env, comp, "FunctionServiceRole")
    else:
        wanted = f"{app}-{env}-{acct.region}-lambdaRole"
    spec = RoleSpec(
        name=role_name(acct, wanted, rng),
        path=path,
        trust=trust.service_trust(rng, acct, ["lambda"]),
    )
    vpc = rng.random() < 0.25
    spec.managed.append(
        ctx.aws["AWSLambdaVPCAccessExecutionRole" if vpc else "AWSLambdaBasicExecutionRole"]
    )
    if rng.random() < 0.15:
        spec.managed.append(ctx.aws["AWSXRayDaemonWriteAccess"])
    return finish_workload(rng, ctx, spec, app, env, data_statements(rng, ctx, app, env))


def ecs_task_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, comp, env = pick_context(rng, ctx)
    wanted = (
        f"{app}-{comp}-task-{env}"
        if rng.random() < 0.7
        else _cdk_name(rng, app, env, comp, "TaskRole")
    )
    spec = RoleSpec(
        name=role_name(ctx.acct, wanted, rng),
        path="/",
        trust=trust.service_trust(rng, ctx.acct, ["ecs-tasks"], confused_deputy=rng.random() < 0.3),
    )
    return finish_workload(rng, ctx, spec, app, env, data_statements(rng, ctx, app, env))


def ecs_execution_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, comp, env = pick_context(rng, ctx)
    spec = RoleSpec(
        name=role_name(ctx.acct, f"{app}-{comp}-exec-{env}", rng),
        path="/",
        trust=trust.service_trust(rng, ctx.acct, ["ecs-tasks"]),
        managed=[ctx.aws["AmazonECSTaskExecutionRolePolicy"]],
    )
    statements = inline.secrets_read(rng, ctx.acct, app, env)
    if rng.random() < 0.5:
        statements += inline.ssm_parameters(rng, ctx.acct, app, env)
    return finish_workload(rng, ctx, spec, app, env, statements)


def ec2_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, comp, env = pick_context(rng, ctx)
    spec = RoleSpec(
        name=role_name(ctx.acct, f"{app}-{comp}-ec2-{env}", rng),
        path="/",
        trust=trust.service_trust(rng, ctx.acct, ["ec2"]),
        instance_profile=True,
        managed=[ctx.aws["AmazonSSMManagedInstanceCore"]],
    )
    if rng.random() < 0.6:
        spec.managed.append(ctx.aws["CloudWatchAgentServerPolicy"])
    if rng.random() < 0.3:
        spec.managed.append(ctx.aws["AmazonEC2ContainerRegistryReadOnly"])
    return finish_workload(rng, ctx, spec, app, env, data_statements(rng, ctx, app, env, 0, 3))


def eks_irsa_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, comp, env = pick_context(rng, ctx)
    wildcard = rng.random() < 0.08
    spec = RoleSpec(
        name=role_name(ctx.acct, f"{app}-{comp}-irsa-{env}", rng),
        path="/",
        trust=trust.eks_trust(
            ctx.acct, rng.choice(ctx.eks_clusters), app, f"{app}-{comp}", wildcard=wildcard
        ),
    )
    return finish_workload(rng, ctx, spec, app, env, data_statements(rng, ctx, app, env))


def glue_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, comp, env = pick_context(rng, ctx)
    wanted = (
        f"AWSGlueServiceRole-{_camel(app)}{_camel(comp)}"
        if rng.random() < 0.5
        else f"{app}-glue-{env}"
    )
    path = "/service-role/" if wanted.startswith("AWSGlue") else "/"
    spec = RoleSpec(
        name=role_name(ctx.acct, wanted, rng),
        path=path,
        trust=trust.service_trust(rng, ctx.acct, ["glue"]),
        managed=[ctx.aws["AWSGlueServiceRole"]],
    )
    statements = inline.s3_access(rng, ctx.acct, app, env) + inline.s3_access(
        rng, ctx.acct, app, env
    )
    return finish_workload(rng, ctx, spec, app, env, statements)


def codebuild_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, comp, env = pick_context(rng, ctx)
    acct = ctx.acct
    spec = RoleSpec(
        name=role_name(acct, f"codebuild-{app}-{comp}-service-role", rng),
        path="/service-role/",
        trust=trust.service_trust(rng, acct, ["codebuild"]),
    )
    project = acct.regional("codebuild", f"report-group/{app}-{comp}-*")
    statements = [
        allow(
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            [
                acct.regional("logs", f"log-group:/aws/codebuild/{app}-{comp}"),
                acct.regional("logs", f"log-group:/aws/codebuild/{app}-{comp}:*"),
            ],
        ),
        allow(
            [
                "codebuild:CreateReportGroup",
                "codebuild:CreateReport",
                "codebuild:UpdateReport",
                "codebuild:BatchPutTestCases",
            ],
            [project],
        ),
        *inline.s3_access(rng, acct, app, env),
    ]
    roll = rng.random()
    if roll < 0.1:
        spec.managed.append(ctx.aws["AdministratorAccess"])
    elif roll < 0.2:
        statements += inline.escalation(rng, acct)
    elif roll < 0.6:
        spec.managed.append(ctx.aws["AmazonEC2ContainerRegistryPowerUser"])
        statements.append(inline.pass_role_scoped(acct, f"{app}-*", "ecs-tasks"))
    return finish_workload(rng, ctx, spec, app, env, statements)


def sagemaker_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, _, env = pick_context(rng, ctx)
    day = f"20{rng.randint(19, 25)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    stamp = f"{day}T{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}"
    spec = RoleSpec(
        name=role_name(ctx.acct, f"AmazonSageMaker-ExecutionRole-{stamp}", rng),
        path="/service-role/",
        trust=trust.service_trust(rng, ctx.acct, ["sagemaker"]),
        managed=[ctx.aws["AmazonSageMakerFullAccess"]],
    )
    return finish_workload(rng, ctx, spec, app, env, inline.s3_access(rng, ctx.acct, app, env))


def cloudformation_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, _, env = pick_context(rng, ctx)
    spec = RoleSpec(
        name=role_name(ctx.acct, f"{app}-cfn-exec-{env}", rng),
        path="/",
        trust=trust.service_trust(rng, ctx.acct, ["cloudformation"]),
    )
    if rng.random() < 0.6:
        spec.managed.append(ctx.aws["AdministratorAccess"])
    else:
        spec.managed += [ctx.aws["PowerUserAccess"], ctx.aws["IAMFullAccess"]]
    return finish_workload(rng, ctx, spec, app, env, [])


def misc_service_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, comp, env = pick_context(rng, ctx)
    service = rng.choice(
        (
            "states",
            "events",
            "apigateway",
            "firehose",
            "backup",
            "datasync",
            "scheduler",
            "pipes",
            "batch",
            "appsync",
            "transfer",
            "dms",
        )
    )
    services = [service, "lambda"] if rng.random() < 0.05 else [service]
    spec = RoleSpec(
        name=role_name(ctx.acct, f"{app}-{comp}-{service}-{env}", rng),
        path="/",
        trust=trust.service_trust(rng, ctx.acct, services, confused_deputy=rng.random() < 0.2),
    )
    return finish_workload(rng, ctx, spec, app, env, data_statements(rng, ctx, app, env, 1, 3))
