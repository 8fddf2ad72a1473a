"""Customer managed policies: shared ones (boundary, CI deploy, legacy tools), per-app ones, and
the ``Policies`` entries with every stored version (older versions tend to be broader)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import awsgen_inline as inline
from awsgen_common import (
    EARLIEST,
    EXPORTED_AT,
    AccountFacts,
    Json,
    allow,
    deny,
    document,
    iso,
    moment_between,
)
from awsgen_roles import AccountPolicies


@dataclass(slots=True)
class CustomerPolicy:
    """A customer managed policy; ``versions`` run oldest first, the last one is the default."""

    name: str
    path: str
    versions: list[Json]
    description: str = ""

    def arn(self, acct: AccountFacts) -> str:
        return acct.arn("policy", self.name, self.path)


def _boundary(rng: random.Random, acct: AccountFacts, arn: str) -> Json:
    app_roles = acct.arn("role", "*", "/app/")
    return document(
        allow(["iam:*", "organizations:*", "account:*"], not_action=True, sid="AllowServices"),
        allow(["iam:Get*", "iam:List*"], sid="ReadIam"),
        allow(
            [
                "iam:CreateRole",
                "iam:PutRolePolicy",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
                "iam:DeleteRolePolicy",
            ],
            [app_roles],
            condition={"StringEquals": {"iam:PermissionsBoundary": arn}},
            sid="CreateRolesOnlyWithBoundary",
        ),
        allow(["iam:PassRole"], [app_roles], sid="PassAppRoles"),
        deny(
            [
                "iam:DeleteRolePermissionsBoundary",
                "iam:CreatePolicyVersion",
                "iam:SetDefaultPolicyVersion",
                "iam:DeletePolicy",
            ],
            [arn, app_roles],
            sid="ProtectBoundary",
        ),
        *inline.deny_outside_regions(rng, acct, "", ""),
    )


def _ci_deploy(acct: AccountFacts) -> Json:
    return document(
        allow(
            [
                "cloudformation:*",
                "lambda:*",
                "apigateway:*",
                "events:*",
                "states:*",
                "logs:*",
                "dynamodb:CreateTable",
                "dynamodb:UpdateTable",
                "dynamodb:Describe*",
                "sqs:CreateQueue",
                "sqs:SetQueueAttributes",
                "sns:CreateTopic",
                "sns:Subscribe",
            ],
            sid="DeployStacks",
        ),
        allow(
            ["s3:*"],
            ["arn:aws:s3:::*-artifacts-*", "arn:aws:s3:::*-artifacts-*/*", "arn:aws:s3:::cdk-*"],
            sid="Artifacts",
        ),
        allow(
            ["iam:PassRole"],
            [acct.arn("role", "*")],
            sid="PassRuntimeRoles",
            condition={
                "StringEquals": {
                    "iam:PassedToService": [
                        "lambda.amazonaws.com",
                        "ecs-tasks.amazonaws.com",
                        "cloudformation.amazonaws.com",
                        "states.amazonaws.com",
                    ]
                }
            },
        ),
        allow(
            [
                "iam:CreateRole",
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:PutRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:TagRole",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
            ],
            [acct.arn("role", "*", "/app/")],
            sid="ManageAppRoles",
        ),
    )


def _legacy_tools(acct: AccountFacts) -> Json:
    return document(
        allow(
            [
                "iam:CreatePolicyVersion",
                "iam:SetDefaultPolicyVersion",
                "iam:AttachRolePolicy",
                "iam:UpdateAssumeRolePolicy",
            ],
            ["*"],
            sid="LegacyIamAutomation",
        ),
        allow(
            ["iam:PassRole", "ec2:RunInstances", "ssm:SendCommand", "ssm:StartSession"],
            sid="LegacyOps",
        ),
    )


def _read_extras(acct: AccountFacts) -> Json:
    return document(
        allow(
            [
                "ce:GetCostAndUsage",
                "health:Describe*",
                "support:Describe*",
                "trustedadvisor:Describe*",
                "tag:GetResources",
                "pricing:GetProducts",
            ]
        )
    )


def _app_policies(rng: random.Random, acct: AccountFacts, app: str) -> list[CustomerPolicy]:
    env, path = acct.env, rng.choice(("/", "/", f"/teams/{app}/"))
    data = [*inline.s3_access(rng, acct, app, env), *inline.dynamodb_access(rng, acct, app, env)]
    messaging = [*inline.sqs_access(rng, acct, app, env), *inline.sns_publish(rng, acct, app, env)]
    return [
        CustomerPolicy(
            name=f"{app}-{env}-data-access",
            path=path,
            versions=[document(*data)],
            description=f"Data stores of {app} ({env})",
        ),
        CustomerPolicy(
            name=f"{app}-{env}-secrets-read",
            path=path,
            versions=[document(*inline.secrets_read(rng, acct, app, env))],
        ),
        CustomerPolicy(name=f"{app}-{env}-messaging", path=path, versions=[document(*messaging)]),
    ]


def account_policies(
    rng: random.Random, acct: AccountFacts
) -> tuple[list[CustomerPolicy], AccountPolicies]:
    """The account's customer managed policies and, for the role builders, their ARNs."""
    boundary = CustomerPolicy(
        name="DeveloperBoundary",
        path="/boundaries/",
        versions=[],
        description="Permissions boundary for roles created by app teams",
    )
    boundary.versions.append(_boundary(rng, acct, boundary.arn(acct)))
    shared = [
        boundary,
        CustomerPolicy(
            name="ci-deploy",
            path="/",
            versions=[_ci_deploy(acct)],
            description="Deploy serverless stacks from CI",
        ),
        CustomerPolicy(name="legacy-ops-tools", path="/", versions=[_legacy_tools(acct)]),
        CustomerPolicy(name="platform-read-extras", path="/", versions=[_read_extras(acct)]),
        CustomerPolicy(
            name="EnforceMFA", path="/", versions=[document(*inline.self_service_credentials())]
        ),
        CustomerPolicy(
            name="s3-home-folders",
            path="/",
            versions=[document(*inline.own_home_prefix(acct, f"shared-home-{acct.id}"))],
        ),
    ]
    by_app: dict[str, list[str]] = {}
    policies = list(shared)
    for app in acct.apps:
        own = _app_policies(rng, acct, app)
        by_app[app] = [p.arn(acct) for p in own]
        policies += own
    for policy in policies:
        add_older_versions(rng, policy)
    arns = AccountPolicies(
        by_app=by_app,
        boundary=shared[0].arn(acct),
        deploy=shared[1].arn(acct),
        legacy_tools=shared[2].arn(acct),
        read_extras=shared[3].arn(acct),
    )
    return policies, arns


def add_older_versions(rng: random.Random, policy: CustomerPolicy) -> None:
    """Give some policies earlier versions; older ones often said ``"Resource": "*"``."""
    roll = rng.random()
    older = 0 if roll < 0.55 else rng.randint(1, 4)
    current = policy.versions[-1]
    history = [_broadened(rng, current) for _ in range(older)]
    policy.versions[:0] = history


def _broadened(rng: random.Random, current: Json) -> Json:
    statements = []
    for stmt in current["Statement"]:
        copy = dict(stmt)
        if "Resource" in copy and rng.random() < 0.5:
            copy["Resource"] = "*"
        statements.append(copy)
    if len(statements) > 1 and rng.random() < 0.3:
        statements.pop()
    return {"Version": current["Version"], "Statement": statements}


def policy_detail(
    rng: random.Random,
    acct: AccountFacts,
    policy: CustomerPolicy,
    policy_id: str,
    usage: tuple[int, int],
) -> Json:
    """The ``Policies`` entry: all stored versions, newest first, with their own dates.

    ``usage`` is (attachment count, permissions-boundary use count).
    """
    attachments, boundary_uses = usage
    count = len(policy.versions)
    last = count + (0 if rng.random() < 0.6 else rng.randint(1, 8))  # some versions were deleted
    created = moment_between(rng, EARLIEST, EXPORTED_AT - timedelta(days=30))
    dates = _version_dates(rng, created, count)
    versions = [
        {
            "Document": doc,
            "VersionId": f"v{last - count + 1 + i}",
            "IsDefaultVersion": i == count - 1,
            "CreateDate": iso(dates[i]),
        }
        for i, doc in enumerate(policy.versions)
    ]
    versions.reverse()
    detail: Json = {
        "PolicyName": policy.name,
        "PolicyId": policy_id,
        "Arn": policy.arn(acct),
        "Path": policy.path,
        "DefaultVersionId": f"v{last}",
        "AttachmentCount": attachments,
        "PermissionsBoundaryUsageCount": boundary_uses,
        "IsAttachable": True,
    }
    if policy.description:
        detail["Description"] = policy.description
    detail.update(
        {"CreateDate": iso(created), "UpdateDate": iso(dates[-1]), "PolicyVersionList": versions}
    )
    return detail


def _version_dates(rng: random.Random, created: datetime, count: int) -> list[datetime]:
    dates, moment = [], created
    for _ in range(count):
        dates.append(moment)
        moment = moment_between(rng, moment, min(EXPORTED_AT, moment + timedelta(days=400)))
    return dates
