"""One account's ``aws iam get-account-authorization-details`` output, assembled from the parts.

Key order follows the IAM API's response shapes, as the AWS CLI prints them; attachment and
boundary counts in ``Policies`` are counted from the generated principals so they agree.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

import awsgen_trust as trust
from awsgen_assumed import app_role, cross_account_role, github_role, vendor_role
from awsgen_baseline import baseline_builders
from awsgen_common import (
    EARLIEST,
    EXPORTED_AT,
    REGIONS,
    AccountFacts,
    Json,
    iso,
    moment_between,
    unique_id,
)
from awsgen_customer import CustomerPolicy, account_policies, add_older_versions, policy_detail
from awsgen_managed import ManagedPolicy, aws_policy_detail
from awsgen_people import PrincipalSpec, account_groups, account_users
from awsgen_roles import (
    Builder,
    RoleContext,
    RoleSpec,
    cloudformation_role,
    codebuild_role,
    ec2_role,
    ecs_execution_role,
    ecs_task_role,
    eks_irsa_role,
    glue_role,
    lambda_role,
    misc_service_role,
    sagemaker_role,
)

# Workload kinds and how common each is among an account's non-baseline roles.
WORKLOAD_KINDS: tuple[tuple[Builder, int], ...] = (
    (lambda_role, 26), (ecs_task_role, 10), (ecs_execution_role, 5), (ec2_role, 9),
    (eks_irsa_role, 7), (glue_role, 3), (codebuild_role, 3), (sagemaker_role, 2),
    (cloudformation_role, 2), (cross_account_role, 8), (vendor_role, 2), (github_role, 6),
    (app_role, 8), (misc_service_role, 5),
)  # fmt: skip


class IdPool:
    """Hands out IAM unique ids that no other principal in the organization holds."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def new(self, rng: random.Random, prefix: str) -> str:
        value = unique_id(rng, prefix)
        while value in self._taken:
            value = unique_id(rng, prefix)
        self._taken.add(value)
        return value


def role_specs(rng: random.Random, ctx: RoleContext, count: int) -> list[RoleSpec]:
    """The baseline roles first (as many as fit), then workload roles drawn by weight."""
    baseline = baseline_builders(ctx)[:count]
    specs = [build(rng, ctx) for build in baseline]
    builders = [kind for kind, _ in WORKLOAD_KINDS]
    weights = [weight for _, weight in WORKLOAD_KINDS]
    for build in rng.choices(builders, weights=weights, k=count - len(specs)):
        specs.append(build(rng, ctx))
    return specs


def _attached(arns: list[str]) -> list[Json]:
    return [{"PolicyName": arn.rsplit("/", 1)[1], "PolicyArn": arn} for arn in arns]


def _inline(policies: list[tuple[str, Json]]) -> list[Json]:
    return [{"PolicyName": name, "PolicyDocument": doc} for name, doc in policies]


def _boundary(arn: str) -> Json:
    return {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}


def _tags(tags: list[tuple[str, str]]) -> list[Json]:
    return [{"Key": key, "Value": value} for key, value in tags]


def _last_used(rng: random.Random, acct: AccountFacts, created: datetime, usage: float) -> Json:
    if rng.random() >= usage:
        return {}
    recent = max(created, EXPORTED_AT - timedelta(days=30))
    start = recent if rng.random() < 0.7 else created
    region = acct.region if rng.random() < 0.85 else rng.choice(REGIONS)
    return {"LastUsedDate": iso(moment_between(rng, start, EXPORTED_AT)), "Region": region}


def role_detail(rng: random.Random, acct: AccountFacts, spec: RoleSpec, ids: IdPool) -> Json:
    created = moment_between(rng, EARLIEST, EXPORTED_AT - timedelta(days=1))
    core: Json = {
        "Path": spec.path,
        "RoleName": spec.name,
        "RoleId": ids.new(rng, "AROA"),
        "Arn": acct.arn("role", spec.name, spec.path),
        "CreateDate": iso(created),
        "AssumeRolePolicyDocument": spec.trust,
    }
    detail = dict(core)
    detail["InstanceProfileList"] = _instance_profiles(rng, acct, spec, core, ids)
    detail["RolePolicyList"] = _inline(spec.inline)
    detail["AttachedManagedPolicies"] = _attached(spec.managed)
    if spec.boundary is not None:
        detail["PermissionsBoundary"] = _boundary(spec.boundary)
    if spec.tags:
        detail["Tags"] = _tags(spec.tags)
    detail["RoleLastUsed"] = _last_used(rng, acct, created, spec.usage)
    return detail


def _instance_profiles(
    rng: random.Random, acct: AccountFacts, spec: RoleSpec, core: Json, ids: IdPool
) -> list[Json]:
    if not spec.instance_profile:
        return []
    created = moment_between(rng, datetime.fromisoformat(core["CreateDate"]), EXPORTED_AT)
    return [{
        "Path": "/",
        "InstanceProfileName": spec.name,
        "InstanceProfileId": ids.new(rng, "AIPA"),
        "Arn": acct.arn("instance-profile", spec.name),
        "CreateDate": iso(created),
        "Roles": [core],
    }]  # fmt: skip


def principal_detail(
    rng: random.Random, acct: AccountFacts, spec: PrincipalSpec, ids: IdPool, *, group: bool
) -> Json:
    kind = "group" if group else "user"
    created = moment_between(rng, EARLIEST, EXPORTED_AT - timedelta(days=1))
    detail: Json = {
        "Path": spec.path,
        "GroupName" if group else "UserName": spec.name,
        "GroupId" if group else "UserId": ids.new(rng, "AGPA" if group else "AIDA"),
        "Arn": acct.arn(kind, spec.name, spec.path),
        "CreateDate": iso(created),
        "GroupPolicyList" if group else "UserPolicyList": _inline(spec.inline),
    }
    if not group:
        detail["GroupList"] = list(spec.groups)
    detail["AttachedManagedPolicies"] = _attached(spec.managed)
    if spec.boundary is not None:
        detail["PermissionsBoundary"] = _boundary(spec.boundary)
    if spec.tags and not group:
        detail["Tags"] = _tags(spec.tags)
    return detail


def _dedicated_policies(
    rng: random.Random, acct: AccountFacts, specs: list[RoleSpec]
) -> list[CustomerPolicy]:
    """Turn each role's dedicated document into a customer managed policy attached to it."""
    policies = []
    for spec in specs:
        if spec.dedicated is None:
            continue
        policy = CustomerPolicy(name=f"{spec.name}-policy", path="/", versions=[spec.dedicated])
        add_older_versions(rng, policy)
        spec.managed.append(policy.arn(acct))
        policies.append(policy)
    return policies


def _usage_counts(principals: list[Json]) -> tuple[Counter[str], Counter[str]]:
    attached: Counter[str] = Counter()
    boundaries: Counter[str] = Counter()
    for principal in principals:
        attached.update(p["PolicyArn"] for p in principal["AttachedManagedPolicies"])
        if "PermissionsBoundary" in principal:
            boundaries[principal["PermissionsBoundary"]["PermissionsBoundaryArn"]] += 1
    return attached, boundaries


def generate_account(
    rng: random.Random,
    acct: AccountFacts,
    role_count: int,
    aws_pool: dict[str, ManagedPolicy],
    ids: IdPool,
) -> Json:
    """The whole authorization-details export of one account."""
    customer, arns = account_policies(rng, acct)
    ctx = RoleContext(
        acct=acct,
        aws={name: p.arn for name, p in aws_pool.items()},
        policies=arns,
        sso_provider=trust.sso_provider_name(rng),
        eks_clusters=[trust.eks_cluster_id(rng) for _ in range(rng.randint(1, 3))],
    )
    specs = role_specs(rng, ctx, role_count)
    customer += _dedicated_policies(rng, acct, specs)
    user_specs = account_users(rng, ctx, role_count)
    group_specs = account_groups(ctx) if user_specs else []
    roles = sorted(
        (role_detail(rng, acct, s, ids) for s in specs), key=lambda r: r["RoleName"].lower()
    )
    users = [principal_detail(rng, acct, s, ids, group=False) for s in user_specs]
    groups = [principal_detail(rng, acct, s, ids, group=True) for s in group_specs]
    attached, boundaries = _usage_counts(roles + users + groups)
    policies = [
        aws_policy_detail(p, attached[p.arn], boundaries[p.arn])
        for p in aws_pool.values()
        if attached[p.arn] or boundaries[p.arn]
    ]
    for policy in customer:
        arn = policy.arn(acct)
        usage = (attached[arn], boundaries[arn])
        policies.append(policy_detail(rng, acct, policy, ids.new(rng, "ANPA"), usage))
    return {
        "UserDetailList": users,
        "GroupDetailList": groups,
        "RoleDetailList": roles,
        "Policies": policies,
        "IsTruncated": False,
    }
