"""Scale check: effective permissions of many roles that share AWS-managed-style policies.

Run directly for timings: ``python tests/graph/effective/test_aws_scale.py [roles]``.
"""

from __future__ import annotations

import sys
import time

import pytest

from overgrant.catalogs.aws import AwsCatalog, load_aws_catalog
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.model import (
    Cloud,
    Grant,
    GrantPurpose,
    Identity,
    IdentityId,
    IdentityKind,
    Inventory,
    JsonValue,
    PermissionSet,
    PermissionSetId,
    PermissionSetKind,
    Scope,
    ScopeId,
    ScopeKind,
    ScopePolicy,
    ScopePolicyKind,
)

SERVICES = [
    "s3", "ec2", "iam", "lambda", "dynamodb", "sqs", "sns", "kms", "logs", "cloudwatch",
    "rds", "ecs", "eks", "sts", "secretsmanager", "ssm", "glue", "athena", "kinesis", "ecr",
]  # fmt: skip


def _managed_document(number: int) -> JsonValue:
    service = SERVICES[number % len(SERVICES)]
    other = SERVICES[(number * 7 + 3) % len(SERVICES)]
    statements: list[JsonValue] = [
        {"Effect": "Allow", "Action": [f"{service}:Get*", f"{service}:List*"], "Resource": "*"},
        {"Effect": "Allow", "Action": f"{other}:Describe*", "Resource": "*"},
    ]
    if number % 5 == 0:
        statements.append({"Effect": "Allow", "Action": f"{service}:*", "Resource": "*"})
    if number % 8 == 0:
        statements.append(
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
        )
    if number % 6 == 0:
        statements.append({"Effect": "Deny", "Action": f"{service}:Delete*", "Resource": "*"})
    if number % 7 == 0:
        statements.append(
            {
                "Effect": "Allow",
                "Action": f"{other}:Put*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}},
            }
        )
    if number == 39:
        statements.append({"Effect": "Allow", "Action": "*", "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def _scopes() -> tuple[tuple[Scope, ...], tuple[PermissionSet, ...], tuple[ScopePolicy, ...]]:
    scopes = [
        Scope(id=ScopeId("o-example"), cloud=Cloud.AWS, kind=ScopeKind.ORGANIZATION, name="org"),
        Scope(
            id=ScopeId("r-root"),
            cloud=Cloud.AWS,
            kind=ScopeKind.ORGANIZATION_ROOT,
            name="root",
            parent=ScopeId("o-example"),
        ),
        Scope(
            id=ScopeId("ou-work"),
            cloud=Cloud.AWS,
            kind=ScopeKind.ORGANIZATIONAL_UNIT,
            name="work",
            parent=ScopeId("r-root"),
        ),
    ]
    for number in range(20):
        scopes.append(
            Scope(
                id=ScopeId(f"{100000000000 + number}"),
                cloud=Cloud.AWS,
                kind=ScopeKind.ACCOUNT,
                name=f"acct{number}",
                parent=ScopeId("ou-work"),
            )
        )
    full = PermissionSet(
        id=PermissionSetId("p-FullAWSAccess"),
        cloud=Cloud.AWS,
        kind=PermissionSetKind.SERVICE_CONTROL_POLICY,
        name="FullAWSAccess",
        document={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        },
    )
    guard = PermissionSet(
        id=PermissionSetId("p-guard"),
        cloud=Cloud.AWS,
        kind=PermissionSetKind.SERVICE_CONTROL_POLICY,
        name="guard",
        document={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Deny", "Action": ["organizations:*", "account:*"], "Resource": "*"}
            ],
        },
    )
    attached = [
        ScopePolicy(scope=s.id, permission_set=full.id, kind=ScopePolicyKind.SERVICE_CONTROL_POLICY)
        for s in scopes
        if s.kind is not ScopeKind.ORGANIZATION
    ]
    attached.append(
        ScopePolicy(
            scope=ScopeId("ou-work"),
            permission_set=guard.id,
            kind=ScopePolicyKind.SERVICE_CONTROL_POLICY,
        )
    )
    return tuple(scopes), (full, guard), tuple(attached)


def synthetic_inventory(roles: int, managed: int = 40) -> Inventory:
    """``roles`` roles in 20 accounts, each with 4 of ``managed`` shared policies and one inline."""
    policies = [
        PermissionSet(
            id=PermissionSetId(f"arn:aws:iam::aws:policy/Synthetic{n}"),
            cloud=Cloud.AWS,
            kind=PermissionSetKind.MANAGED_POLICY,
            name=f"Synthetic{n}",
            document=_managed_document(n),
            builtin=True,
        )
        for n in range(managed)
    ]
    scopes, guardrails, attached = _scopes()
    identities: list[Identity] = []
    sets: list[PermissionSet] = [*policies, *guardrails]
    grants: list[Grant] = []
    for number in range(roles):
        account = f"{100000000000 + number % 20}"
        arn = IdentityId(f"arn:aws:iam::{account}:role/app-{number}")
        tags = {"team": "data"} if number % 3 == 0 else {}
        identities.append(
            Identity(
                id=arn,
                cloud=Cloud.AWS,
                kind=IdentityKind.ROLE,
                name=f"app-{number}",
                container=ScopeId(account),
                tags=tags,
            )
        )
        for k in range(4):
            chosen = policies[(number * 13 + k * 7) % managed].id
            grants.append(Grant(identity=arn, permission_set=chosen, scope=ScopeId(account)))
        inline = PermissionSet(
            id=PermissionSetId(f"{arn}#inline/app"),
            cloud=Cloud.AWS,
            kind=PermissionSetKind.INLINE_POLICY,
            name="app",
            document={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::bucket-{number % 50}/*",
                    }
                ],
            },
        )
        sets.append(inline)
        grants.append(Grant(identity=arn, permission_set=inline.id, scope=ScopeId(account)))
        if number % 10 == 0:
            grants.append(
                Grant(
                    identity=arn,
                    permission_set=policies[0].id,
                    scope=ScopeId(account),
                    purpose=GrantPurpose.BOUNDARY,
                )
            )
    return Inventory(
        scopes=scopes,
        identities=tuple(identities),
        permission_sets=tuple(sets),
        grants=tuple(grants),
        scope_policies=attached,
    )


def measure(roles: int, catalog: AwsCatalog) -> dict[str, float]:
    """Seconds to build the evaluator and to compute every role's effective permissions."""
    inventory = synthetic_inventory(roles)
    started = time.perf_counter()
    evaluator = AwsEvaluator(inventory, catalog)
    built = time.perf_counter()
    permissions = evaluator.effective_many()
    total = sum(p.allowed.bit_count() for p in permissions.values())
    done = time.perf_counter()
    assert total > 0
    return {"build": built - started, "effective": done - built, "total": done - started}


@pytest.mark.slow
def test_ten_thousand_roles_well_under_budget() -> None:
    timings = measure(10_000, load_aws_catalog())
    # The bench budget is 60 s for 100,000 roles; 10,000 must take a small fraction of it.
    assert timings["total"] < 6.0, timings


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    loaded = time.perf_counter()
    shared = load_aws_catalog()
    print(f"catalog load: {time.perf_counter() - loaded:.2f} s")
    print({k: round(v, 3) for k, v in measure(count, shared).items()}, f"for {count} roles")
