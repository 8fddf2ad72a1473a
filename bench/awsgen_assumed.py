"""Roles that principals (not services) assume: other accounts, vendors, CI, the organization.

These are where trust edges cross accounts, so they decide what the escalation engine's
``can_assume`` graph looks like.
"""

from __future__ import annotations

import random

import awsgen_inline as inline
import awsgen_trust as trust
from awsgen_common import HEX, Json, allow, deny, document, token, words
from awsgen_roles import (
    RoleContext,
    RoleSpec,
    data_statements,
    finish_workload,
    pick_context,
    role_name,
)

HUB_DEPLOYER = "cicd-deployer"
"""The role in the shared-services account that deploys into every other account."""
SECURITY_SCANNER = "security-scanner"
"""The role in the security account that audits every other account."""
VENDORS = ("observability", "cspm", "cost-insights", "backup-saas", "log-shipping", "ticketing")


def _other_account(rng: random.Random, ctx: RoleContext) -> str:
    others = [a for a in ctx.acct.org.account_ids if a != ctx.acct.id]
    return rng.choice(others) if others else ctx.acct.id


def _cross_account_principals(rng: random.Random, ctx: RoleContext, app: str) -> list[str]:
    org, roll = ctx.acct.org, rng.random()
    if roll < 0.4:
        return [f"arn:aws:iam::{_other_account(rng, ctx)}:root"]
    if roll < 0.75:
        name = (
            HUB_DEPLOYER
            if rng.random() < 0.4
            else f"{app}-{rng.choice(('api', 'worker', 'sync'))}-prod"
        )
        account = org.shared_services_id if name == HUB_DEPLOYER else _other_account(rng, ctx)
        return [f"arn:aws:iam::{account}:role/{name}"]
    if roll < 0.96:
        count = rng.randint(2, 4)
        return [f"arn:aws:iam::{_other_account(rng, ctx)}:root" for _ in range(count)]
    return [trust.dangling_principal(rng), f"arn:aws:iam::{_other_account(rng, ctx)}:root"]


def cross_account_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, _, env = pick_context(rng, ctx)
    purpose = rng.choice(("read", "deploy", "data-share", "replication", "ops"))
    if rng.random() < 0.12:
        document = trust.organization_trust(
            ctx.acct.org.org_id, None if rng.random() < 0.5 else "arn:aws:iam::*:role/ci-*"
        )
    else:
        document = trust.accounts_trust(
            _cross_account_principals(rng, ctx, app), tag_session=rng.random() < 0.1
        )
    spec = RoleSpec(
        name=role_name(ctx.acct, f"{app}-cross-account-{purpose}", rng), path="/", trust=document
    )
    if purpose == "deploy":
        spec.managed.append(ctx.policies.deploy)
        return finish_workload(rng, ctx, spec, app, env, [])
    if purpose == "ops" and rng.random() < 0.3:
        spec.managed.append(ctx.aws["ReadOnlyAccess"])
    return finish_workload(rng, ctx, spec, app, env, data_statements(rng, ctx, app, env, 1, 3))


def vendor_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    vendor = rng.choice(VENDORS)
    account = rng.choice(ctx.acct.org.vendor_ids)
    external_id = None if rng.random() < 0.12 else token(rng, HEX, 32)
    spec = RoleSpec(
        name=role_name(ctx.acct, f"{vendor}-integration-role", rng),
        path="/",
        trust=trust.accounts_trust([f"arn:aws:iam::{account}:root"], external_id=external_id),
        usage=0.95,
    )
    spec.managed.append(ctx.aws[rng.choice(("SecurityAudit", "ReadOnlyAccess", "ViewOnlyAccess"))])
    extras: list[Json] = [
        allow(
            [
                "cloudwatch:Get*",
                "cloudwatch:List*",
                "logs:FilterLogEvents",
                "tag:GetResources",
                "support:DescribeTrustedAdvisorChecks",
            ]
        )
    ]
    spec.inline.append((f"{vendor}-extras", {"Version": "2012-10-17", "Statement": extras}))
    spec.tags = [("vendor", vendor), ("managed-by", "terraform")]
    return spec


def github_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, comp, env = pick_context(rng, ctx)
    repo = f"{app}-{comp}" if rng.random() < 0.6 else app
    name = f"github-actions-{repo}-{env}" if rng.random() < 0.5 else f"gha-{app}-deploy"
    spec = RoleSpec(
        name=role_name(ctx.acct, name, rng),
        path="/",
        trust=trust.github_trust(ctx.acct, trust.github_subject(rng, repo, env)),
    )
    roll, statements = rng.random(), []
    if roll < 0.45:
        spec.managed.append(ctx.policies.deploy)
    elif roll < 0.6:
        spec.managed.append(ctx.aws["AdministratorAccess"])
    elif roll < 0.7:
        spec.managed.append(ctx.aws["PowerUserAccess"])
    else:
        statements = _github_deploy_statements(rng, ctx, app, env)
    return finish_workload(rng, ctx, spec, app, env, statements)


def _github_deploy_statements(
    rng: random.Random, ctx: RoleContext, app: str, env: str
) -> list[Json]:
    acct = ctx.acct
    site = inline.bucket(acct, app, env, "site")
    return [
        allow(
            ["s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
            [f"arn:aws:s3:::{site}", f"arn:aws:s3:::{site}/*"],
            sid="SyncSite",
        ),
        allow(
            ["cloudfront:CreateInvalidation"],
            [f"arn:aws:cloudfront::{acct.id}:distribution/E{token(rng, HEX.upper(), 13)}"],
        ),
        allow(["ecr:GetAuthorizationToken"]),
        allow(
            [
                "ecr:PutImage",
                "ecr:InitiateLayerUpload",
                "ecr:UploadLayerPart",
                "ecr:CompleteLayerUpload",
                "ecr:BatchCheckLayerAvailability",
            ],
            [acct.regional("ecr", f"repository/{app}")],
        ),
        allow(["ecs:UpdateService", "ecs:RegisterTaskDefinition", "ecs:DescribeServices"]),
        inline.pass_role_scoped(acct, f"{app}-*", "ecs-tasks"),
    ]


def app_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    app, comp, env = pick_context(rng, ctx)
    acct, roll = ctx.acct, rng.random()
    if roll < 0.3:
        document = trust.accounts_trust([f"arn:aws:iam::{acct.id}:root"])
    elif roll < 0.85:
        callers = [
            acct.arn("role", f"{app}-{c}-task-{env}")
            for c in rng.sample(("api", "worker", "sync"), rng.randint(1, 2))
        ]
        document = trust.accounts_trust(callers, tag_session=rng.random() < 0.2)
    else:
        document = trust.accounts_trust([f"arn:aws:iam::{acct.id}:root"], mfa=True)
    spec = RoleSpec(name=role_name(acct, f"{app}-{comp}-app-{env}", rng), path="/", trust=document)
    return finish_workload(rng, ctx, spec, app, env, data_statements(rng, ctx, app, env))


def people_role(rng: random.Random, ctx: RoleContext) -> RoleSpec:
    """A role people reach through a directly federated SAML provider (before Identity Center)."""
    job = rng.choice(("developers", "operators", "analysts", "admins", "oncall"))
    spec = RoleSpec(
        name=role_name(ctx.acct, f"okta-{job}", rng),
        path="/people/",
        trust=trust.saml_idp_trust(ctx.acct, "okta"),
        usage=0.9,
    )
    managed = {
        "developers": "PowerUserAccess",
        "operators": "AmazonEC2FullAccess",
        "analysts": "ReadOnlyAccess",
        "admins": "AdministratorAccess",
        "oncall": "ViewOnlyAccess",
    }[job]
    spec.managed.append(ctx.aws[managed])
    if job == "developers":
        no_iam = deny(words("iam:Create* iam:Delete* iam:Put* iam:Attach* iam:Update*"))
        spec.inline.append(("DenyIamWrites", document(no_iam)))
    return spec
