"""A small builder for the hand-made AWS estates of the rule cases (``cases/OG###/case.py``).

Each case builds one account with a positive and a negative identity; the builder fills in what
an AWS import would (trust policies, inline and managed policies, credentials, workloads, the
sources that say which last-used evidence the inventory holds) with dates relative to ``NOW``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from overgrant.model import (
    Cloud,
    Credential,
    CredentialId,
    CredentialKind,
    FederationProvider,
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
    ProviderId,
    ProviderKind,
    Scope,
    ScopeId,
    ScopeKind,
    Source,
    Workload,
    WorkloadId,
    WorkloadKind,
)

ACCOUNT = "123456789012"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
"""The time every case is scanned at."""

ADMIN: dict[str, JsonValue] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def doc(*statements: dict[str, JsonValue]) -> dict[str, JsonValue]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: JsonValue, resource: JsonValue = "*", **extra: JsonValue) -> dict[str, JsonValue]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def trust_service(service: str) -> dict[str, JsonValue]:
    return doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})


def trust_aws(principal: JsonValue, condition: JsonValue = None) -> dict[str, JsonValue]:
    statement: dict[str, JsonValue] = {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
    }
    if condition is not None:
        statement["Condition"] = condition
    return doc(statement)


def trust_oidc(provider: str, condition: JsonValue) -> dict[str, JsonValue]:
    return doc(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }
    )


class CaseEstate:
    """One AWS account, built up call by call; :meth:`inventory` freezes it."""

    def __init__(self, account: str = ACCOUNT) -> None:
        self.account = account
        self.identities: list[Identity] = []
        self.permission_sets: list[PermissionSet] = []
        self.grants: list[Grant] = []
        self.credentials: list[Credential] = []
        self.workloads: list[Workload] = []
        self.providers: list[FederationProvider] = []

    def arn(self, kind: str, name: str) -> str:
        return f"arn:aws:iam::{self.account}:{kind}/{name}"

    def _inline(self, holder: str, policies: tuple[dict[str, JsonValue], ...]) -> None:
        for index, policy in enumerate(policies):
            pid = PermissionSetId(f"{holder}#inline/p{index}")
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
                Grant(identity=IdentityId(holder), permission_set=pid, scope=ScopeId(self.account))
            )

    def role(
        self,
        name: str,
        *policies: dict[str, JsonValue],
        trust: dict[str, JsonValue] | None = None,
        nature: Nature = Nature.WORKLOAD,
        tags: dict[str, str] | None = None,
        created: datetime | None = None,
        last_used: datetime | None = None,
        attributes: dict[str, JsonValue] | None = None,
    ) -> str:
        arn = self.arn("role", name)
        trust_id = PermissionSetId(f"{arn}#trust")
        self.permission_sets.append(
            PermissionSet(
                id=trust_id,
                cloud=Cloud.AWS,
                kind=PermissionSetKind.TRUST_POLICY,
                name="trust",
                document=trust or trust_service("lambda.amazonaws.com"),
            )
        )
        self.identities.append(
            Identity(
                id=IdentityId(arn),
                cloud=Cloud.AWS,
                kind=IdentityKind.ROLE,
                name=name,
                container=ScopeId(self.account),
                nature=nature,
                nature_reason="set by the test case",
                created=created or days_ago(500),
                last_used=last_used if last_used is not None else days_ago(1),
                tags=tags if tags is not None else {"owner": "tests"},
                trust_policy=trust_id,
                attributes=attributes or {},
            )
        )
        self._inline(arn, policies)
        return arn

    def user(
        self,
        name: str,
        *policies: dict[str, JsonValue],
        nature: Nature = Nature.WORKLOAD,
        tags: dict[str, str] | None = None,
        created: datetime | None = None,
        groups: tuple[str, ...] = (),
    ) -> str:
        arn = self.arn("user", name)
        self.identities.append(
            Identity(
                id=IdentityId(arn),
                cloud=Cloud.AWS,
                kind=IdentityKind.USER,
                name=name,
                container=ScopeId(self.account),
                nature=nature,
                nature_reason="set by the test case",
                created=created or days_ago(500),
                tags=tags if tags is not None else {"owner": "tests"},
                member_of=tuple(IdentityId(g) for g in groups),
            )
        )
        self._inline(arn, policies)
        return arn

    def group(self, name: str, *policies: dict[str, JsonValue]) -> str:
        arn = self.arn("group", name)
        self.identities.append(
            Identity(
                id=IdentityId(arn),
                cloud=Cloud.AWS,
                kind=IdentityKind.GROUP,
                name=name,
                container=ScopeId(self.account),
            )
        )
        self._inline(arn, policies)
        return arn

    def managed(self, name: str, document: dict[str, JsonValue], *holders: str) -> str:
        arn = f"arn:aws:iam::{self.account}:policy/{name}"
        self.permission_sets.append(
            PermissionSet(
                id=PermissionSetId(arn),
                cloud=Cloud.AWS,
                kind=PermissionSetKind.MANAGED_POLICY,
                name=name,
                document=document,
                container=ScopeId(self.account),
            )
        )
        for holder in holders:
            self.grants.append(
                Grant(
                    identity=IdentityId(holder),
                    permission_set=PermissionSetId(arn),
                    scope=ScopeId(self.account),
                )
            )
        return arn

    def credential(
        self,
        user: str,
        label: str,
        *,
        kind: CredentialKind = CredentialKind.ACCESS_KEY,
        created: datetime | None = None,
        last_used: datetime | None = None,
        active: bool = True,
        service: str | None = None,
        region: str | None = None,
        attributes: dict[str, JsonValue] | None = None,
    ) -> str:
        cid = f"{user}#{label}"
        self.credentials.append(
            Credential(
                id=CredentialId(cid),
                cloud=Cloud.AWS,
                kind=kind,
                identity=IdentityId(user),
                active=active,
                created=created or days_ago(30),
                last_used=last_used,
                last_used_service=service,
                last_used_region=region,
                attributes=attributes or {},
            )
        )
        return cid

    def lambda_function(self, name: str, role: str) -> str:
        wid = f"arn:aws:lambda:eu-west-1:{self.account}:function:{name}"
        self.workloads.append(
            Workload(
                id=WorkloadId(wid),
                cloud=Cloud.AWS,
                kind=WorkloadKind.LAMBDA_FUNCTION,
                name=name,
                container=ScopeId(self.account),
                identities=(IdentityId(role),),
            )
        )
        return wid

    def oidc_provider(self, issuer: str) -> str:
        pid = f"arn:aws:iam::{self.account}:oidc-provider/{issuer}"
        self.providers.append(
            FederationProvider(
                id=ProviderId(pid),
                cloud=Cloud.AWS,
                kind=ProviderKind.OIDC,
                container=ScopeId(self.account),
                url=issuer,
            )
        )
        return pid

    def inventory(self) -> Inventory:
        return Inventory(
            scopes=(
                Scope(
                    id=ScopeId(self.account),
                    cloud=Cloud.AWS,
                    kind=ScopeKind.ACCOUNT,
                    name="case",
                ),
            ),
            identities=tuple(self.identities),
            credentials=tuple(self.credentials),
            permission_sets=tuple(self.permission_sets),
            grants=tuple(self.grants),
            workloads=tuple(self.workloads),
            federation_providers=tuple(self.providers),
            sources=(
                Source(kind="aws-authz-export", cloud=Cloud.AWS, collected_at=NOW),
                Source(kind="aws-credential-report", cloud=Cloud.AWS, collected_at=NOW),
            ),
        )


class Case:
    """A rule case: the estate, the identity the rule must report, and one it must not."""

    def __init__(self, inventory: Inventory, positive: str, negative: str) -> None:
        self.inventory = inventory
        self.positive = positive
        self.negative = negative
