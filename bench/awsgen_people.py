"""IAM users (people from before single sign-on, and CI/service users) and the groups they join."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import awsgen_inline as inline
from awsgen_common import FIRST_NAMES, LAST_NAMES, TEAMS, Json, allow, deny, document
from awsgen_roles import RoleContext


@dataclass(slots=True)
class PrincipalSpec:
    """A user or group before ids and dates are drawn for it."""

    name: str
    path: str = "/"
    managed: list[str] = field(default_factory=list)
    inline: list[tuple[str, Json]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    boundary: str | None = None
    tags: list[tuple[str, str]] = field(default_factory=list)


def account_groups(ctx: RoleContext) -> list[PrincipalSpec]:
    aws, own = ctx.aws, ctx.policies
    no_iam = deny(
        ["iam:Create*", "iam:Delete*", "iam:Put*", "iam:Attach*", "iam:Update*"], sid="NoIamWrites"
    )
    return [
        PrincipalSpec(name="Administrators", managed=[aws["AdministratorAccess"]]),
        PrincipalSpec(
            name="Developers",
            managed=[aws["PowerUserAccess"]],
            inline=[("DenyIamWrites", document(no_iam))],
        ),
        PrincipalSpec(name="ReadOnly", managed=[aws["ReadOnlyAccess"], own.read_extras]),
        PrincipalSpec(name="Billing", path="/finance/", managed=[aws["Billing"]]),
        PrincipalSpec(
            name="AllUsers",
            inline=[("SelfServiceCredentials", document(*inline.self_service_credentials()))],
        ),
        PrincipalSpec(name="CIUsers", path="/ci/", managed=[own.deploy]),
    ]


def person(rng: random.Random, ctx: RoleContext, taken: set[str]) -> PrincipalSpec:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    name = _unique(f"{first}.{last}", taken, rng)
    groups = [
        "AllUsers",
        *rng.sample(("Administrators", "Developers", "ReadOnly", "Billing"), rng.randint(1, 2)),
    ]
    spec = PrincipalSpec(
        name=name,
        path=rng.choice(("/", "/people/")),
        groups=groups,
        tags=[("email", f"{name}@example.com"), ("team", rng.choice(TEAMS))],
    )
    if rng.random() < 0.15:
        home = inline.own_home_prefix(ctx.acct, f"shared-home-{ctx.acct.id}")
        spec.inline.append(("home-folder", document(*home)))
    return spec


def _unique(name: str, taken: set[str], rng: random.Random) -> str:
    candidate = name
    while candidate in taken:
        candidate = f"{name}{rng.randint(2, 99)}"
    taken.add(candidate)
    return candidate


def _terraform(rng: random.Random, ctx: RoleContext, spec: PrincipalSpec) -> None:
    spec.managed.append(ctx.aws["AdministratorAccess"])
    spec.groups.append("CIUsers")


def _jenkins(rng: random.Random, ctx: RoleContext, spec: PrincipalSpec) -> None:
    spec.managed.append(ctx.policies.deploy)
    spec.inline.append(("jenkins-extra", document(*inline.escalation(rng, ctx.acct))))


def _uploader(rng: random.Random, ctx: RoleContext, spec: PrincipalSpec) -> None:
    app = rng.choice(ctx.acct.apps)
    spec.inline.append(("upload", document(*inline.s3_access(rng, ctx.acct, app, ctx.acct.env))))


def _legacy(rng: random.Random, ctx: RoleContext, spec: PrincipalSpec) -> None:
    spec.managed += [ctx.policies.legacy_tools, ctx.aws["IAMFullAccess"]]


def _smtp(rng: random.Random, ctx: RoleContext, spec: PrincipalSpec) -> None:
    spec.inline.append(
        (
            "ses-send",
            document(
                allow(
                    ["ses:SendRawEmail", "ses:SendEmail"],
                    condition={"StringLike": {"ses:FromAddress": "*@example.com"}},
                )
            ),
        )
    )


def _backup(rng: random.Random, ctx: RoleContext, spec: PrincipalSpec) -> None:
    acct = ctx.acct
    spec.inline.append(
        (
            "backup",
            document(
                allow(["dynamodb:CreateBackup", "dynamodb:ListBackups", "dynamodb:DescribeTable"]),
                *inline.s3_access(rng, acct, rng.choice(acct.apps), acct.env),
            ),
        )
    )


def _monitoring(rng: random.Random, ctx: RoleContext, spec: PrincipalSpec) -> None:
    spec.managed.append(ctx.aws["ReadOnlyAccess"])
    spec.inline.append(("office-only", document(*inline.deny_off_network(rng, ctx.acct, "", ""))))


def _github_legacy(rng: random.Random, ctx: RoleContext, spec: PrincipalSpec) -> None:
    if rng.random() < 0.3:
        spec.managed.append(ctx.aws["AdministratorAccess"])
    else:
        spec.managed.append(ctx.policies.deploy)
        spec.boundary = ctx.policies.boundary


SERVICE_USERS: tuple[
    tuple[str, str, Callable[[random.Random, RoleContext, PrincipalSpec], None]], ...
] = (
    ("terraform-ci", "/service-accounts/", _terraform),
    ("jenkins", "/service-accounts/", _jenkins),
    ("s3-uploader", "/service-accounts/", _uploader),
    ("legacy-deployer", "/", _legacy),
    ("smtp-sender", "/system/", _smtp),
    ("backup-agent", "/system/", _backup),
    ("monitoring-readonly", "/service-accounts/", _monitoring),
    ("github-actions-legacy", "/service-accounts/", _github_legacy),
)


def service_user(rng: random.Random, ctx: RoleContext, taken: set[str]) -> PrincipalSpec:
    base, path, configure = rng.choice(SERVICE_USERS)
    spec = PrincipalSpec(
        name=_unique(base, taken, rng),
        path=path,
        tags=[("purpose", base), ("owner-team", rng.choice(TEAMS))],
    )
    configure(rng, ctx, spec)
    return spec


def account_users(rng: random.Random, ctx: RoleContext, role_count: int) -> list[PrincipalSpec]:
    """People live mostly in the management account; CI users anywhere, more in big accounts."""
    taken: set[str] = set()
    if ctx.acct.is_management:
        people = min(30, 4 + role_count // 400)
    else:
        people = rng.randint(0, 2) if rng.random() < 0.3 else 0
    services = min(12, rng.randint(0, 2) + role_count // 1000)
    users = [person(rng, ctx, taken) for _ in range(people)]
    return users + [service_user(rng, ctx, taken) for _ in range(services)]
