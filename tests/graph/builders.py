"""Small helpers to build AWS inventories by hand in graph tests."""

from __future__ import annotations

from overgrant.model import (
    Cloud,
    Grant,
    Identity,
    IdentityId,
    IdentityKind,
    Inventory,
    JsonValue,
    Nature,
    PermissionSet,
    PermissionSetId,
    PermissionSetKind,
    Scope,
    ScopeId,
    ScopeKind,
)


def doc(*statements: dict[str, JsonValue]) -> dict[str, JsonValue]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: JsonValue, resource: JsonValue = "*", **extra: JsonValue) -> dict[str, JsonValue]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


class Estate:
    """Accumulates roles and policies; ``inventory()`` freezes them."""

    def __init__(self) -> None:
        self.identities: list[Identity] = []
        self.permission_sets: list[PermissionSet] = []
        self.grants: list[Grant] = []
        self.accounts: set[str] = set()

    def role(
        self,
        account: str,
        name: str,
        trust: dict[str, JsonValue],
        *policies: dict[str, JsonValue],
        nature: Nature = Nature.WORKLOAD,
        tags: dict[str, str] | None = None,
    ) -> str:
        arn = f"arn:aws:iam::{account}:role/{name}"
        self.accounts.add(account)
        trust_id = PermissionSetId(f"{arn}#trust")
        self.permission_sets.append(
            PermissionSet(
                id=trust_id,
                cloud=Cloud.AWS,
                kind=PermissionSetKind.TRUST_POLICY,
                name="trust",
                document=trust,
            )
        )
        self.identities.append(
            Identity(
                id=IdentityId(arn),
                cloud=Cloud.AWS,
                kind=IdentityKind.ROLE,
                name=name,
                container=ScopeId(account),
                nature=nature,
                trust_policy=trust_id,
                tags=tags or {},
            )
        )
        for index, policy in enumerate(policies):
            pid = PermissionSetId(f"{arn}#inline/p{index}")
            self.permission_sets.append(
                PermissionSet(
                    id=pid,
                    cloud=Cloud.AWS,
                    kind=PermissionSetKind.INLINE_POLICY,
                    name=f"p{index}",
                    document=policy,
                )
            )
            self.grants.append(
                Grant(identity=IdentityId(arn), permission_set=pid, scope=ScopeId(account))
            )
        return arn

    def inventory(self) -> Inventory:
        return Inventory(
            scopes=tuple(
                Scope(id=ScopeId(a), cloud=Cloud.AWS, kind=ScopeKind.ACCOUNT, name=a)
                for a in sorted(self.accounts)
            ),
            identities=tuple(self.identities),
            permission_sets=tuple(self.permission_sets),
            grants=tuple(self.grants),
        )


def trust_aws(principal: JsonValue, condition: JsonValue = None) -> dict[str, JsonValue]:
    statement: dict[str, JsonValue] = {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
    }
    if condition is not None:
        statement["Condition"] = condition
    return doc(statement)


def trust_service(service: str) -> dict[str, JsonValue]:
    return doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})
