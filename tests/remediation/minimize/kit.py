"""Hand-built AWS estates and usage evidence for the minimizer and proof tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from overgrant.model import (
    Cloud,
    Grant,
    GrantPurpose,
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
    ScopePolicy,
    ScopePolicyKind,
)
from overgrant.remediation.plan import NewPolicy
from overgrant.usage import EvidenceWindow, ServiceAccess, UsageEvidence, UsageRecord

ACCOUNT = "123456789012"
END = datetime(2026, 10, 31, tzinfo=UTC)

# Object-level calls CloudTrail shows only when the trail records the service's data events,
# and calls it never logs: the test stand-in for the evidence side's mapping.
DATA_ACTIONS = frozenset({"s3:getobject", "s3:putobject", "s3:deleteobject", "dynamodb:getitem"})
NEVER_LOGGED = frozenset({"s3:listallmybuckets", "aws-portal:viewbilling"})


class TrailObservability:
    """What a trail with the given data events could show."""

    def is_observable(self, action: str, window: EvidenceWindow) -> bool:
        lowered = action.lower()
        if lowered in NEVER_LOGGED:
            return False
        if lowered in DATA_ACTIONS:
            return lowered.partition(":")[0] in window.data_events
        return True


def doc(*statements: dict[str, JsonValue]) -> dict[str, JsonValue]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: JsonValue, resource: JsonValue = "*", **extra: JsonValue) -> dict[str, JsonValue]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: JsonValue, resource: JsonValue = "*", **extra: JsonValue) -> dict[str, JsonValue]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


ADMIN = doc(allow("*"))


@dataclass
class Estate:
    """Accumulates one account's identities and policies; ``inventory()`` freezes them."""

    account: str = ACCOUNT
    identities: list[Identity] = field(default_factory=list)
    sets: dict[str, PermissionSet] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    scp: list[dict[str, JsonValue]] = field(default_factory=list)

    def _identity(
        self, kind: IdentityKind, name: str, path: str, nature: Nature, groups: tuple[str, ...]
    ) -> str:
        arn = f"arn:aws:iam::{self.account}:{kind.value}{path}{name}"
        self.identities.append(
            Identity(
                id=IdentityId(arn),
                cloud=Cloud.AWS,
                kind=kind,
                name=name,
                container=ScopeId(self.account),
                nature=nature,
                member_of=tuple(IdentityId(g) for g in groups),
                attributes={"path": path},
            )
        )
        return arn

    def role(self, name: str, *inline: dict[str, JsonValue], path: str = "/") -> str:
        arn = self._identity(IdentityKind.ROLE, name, path, Nature.WORKLOAD, ())
        for index, document in enumerate(inline):
            self.inline(arn, f"p{index}", document)
        return arn

    def user(
        self,
        name: str,
        *inline: dict[str, JsonValue],
        nature: Nature = Nature.WORKLOAD,
        groups: tuple[str, ...] = (),
    ) -> str:
        arn = self._identity(IdentityKind.USER, name, "/", nature, groups)
        for index, document in enumerate(inline):
            self.inline(arn, f"p{index}", document)
        return arn

    def group(self, name: str, *inline: dict[str, JsonValue]) -> str:
        arn = self._identity(IdentityKind.GROUP, name, "/", Nature.UNKNOWN, ())
        for index, document in enumerate(inline):
            self.inline(arn, f"g{index}", document)
        return arn

    def inline(self, holder: str, name: str, document: dict[str, JsonValue]) -> None:
        set_id = PermissionSetId(f"{holder}#inline/{name}")
        self.sets[set_id] = PermissionSet(
            id=set_id,
            cloud=Cloud.AWS,
            kind=PermissionSetKind.INLINE_POLICY,
            name=name,
            document=document,
        )
        self.grants.append(
            Grant(identity=IdentityId(holder), permission_set=set_id, scope=ScopeId(self.account))
        )

    def managed(
        self,
        holder: str,
        name: str,
        document: dict[str, JsonValue],
        purpose: GrantPurpose = GrantPurpose.ALLOW,
        *,
        aws: bool = False,
    ) -> str:
        arn = f"arn:aws:iam::{'aws' if aws else self.account}:policy/{name}"
        self.sets[arn] = PermissionSet(
            id=PermissionSetId(arn),
            cloud=Cloud.AWS,
            kind=PermissionSetKind.MANAGED_POLICY,
            name=name,
            document=document,
            builtin=aws,
        )
        self.grants.append(
            Grant(
                identity=IdentityId(holder),
                permission_set=PermissionSetId(arn),
                scope=ScopeId(self.account),
                purpose=purpose,
            )
        )
        return arn

    def inventory(self) -> Inventory:
        scopes = [
            Scope(id=ScopeId(self.account), cloud=Cloud.AWS, kind=ScopeKind.ACCOUNT, name="a")
        ]
        policies: list[ScopePolicy] = []
        sets = dict(self.sets)
        if self.scp:
            scp_id = PermissionSetId("arn:aws:organizations::111111111111:policy/o-x/scp/p-1")
            sets[scp_id] = PermissionSet(
                id=scp_id,
                cloud=Cloud.AWS,
                kind=PermissionSetKind.SERVICE_CONTROL_POLICY,
                name="scp",
                document=doc(allow("*"), *self.scp),
            )
            scopes = [
                Scope(
                    id=ScopeId("r-root"),
                    cloud=Cloud.AWS,
                    kind=ScopeKind.ORGANIZATION_ROOT,
                    name="Root",
                ),
                Scope(
                    id=ScopeId(self.account),
                    cloud=Cloud.AWS,
                    kind=ScopeKind.ACCOUNT,
                    name="a",
                    parent=ScopeId("r-root"),
                ),
            ]
            policies = [
                ScopePolicy(
                    scope=ScopeId("r-root"),
                    permission_set=scp_id,
                    kind=ScopePolicyKind.SERVICE_CONTROL_POLICY,
                ),
                ScopePolicy(
                    scope=ScopeId(self.account),
                    permission_set=scp_id,
                    kind=ScopePolicyKind.SERVICE_CONTROL_POLICY,
                ),
            ]
        return Inventory(
            scopes=tuple(scopes),
            identities=tuple(self.identities),
            permission_sets=tuple(sets.values()),
            grants=tuple(self.grants),
            scope_policies=tuple(policies),
        )


def window(
    days: int = 90,
    *,
    account: str = ACCOUNT,
    data_events: tuple[str, ...] = ("s3",),
    regions: tuple[str, ...] = (),
) -> EvidenceWindow:
    return EvidenceWindow(
        cloud=Cloud.AWS,
        source="cloudtrail-files",
        scope=ScopeId(account),
        start=END - timedelta(days=days),
        end=END,
        regions=regions,
        data_events=data_events,
    )


def used(identity: str, action: str, resource: str = "*") -> UsageRecord:
    return UsageRecord(
        cloud=Cloud.AWS,
        identity=IdentityId(identity),
        action=action,
        resource=resource,
        first_seen=END - timedelta(days=20),
        last_seen=END - timedelta(days=1),
        count=4,
        source="cloudtrail-files",
    )


def advisor(identity: str, service: str, days_ago: int | None) -> ServiceAccess:
    return ServiceAccess(
        cloud=Cloud.AWS,
        identity=IdentityId(identity),
        service=service,
        last_accessed=None if days_ago is None else END - timedelta(days=days_ago),
    )


def evidence(
    *records: UsageRecord,
    windows: tuple[EvidenceWindow, ...] | None = None,
    services: tuple[ServiceAccess, ...] = (),
    blind_spots: tuple[str, ...] = (),
) -> UsageEvidence:
    return UsageEvidence(
        records=records,
        windows=(window(),) if windows is None else windows,
        services=services,
        blind_spots=blind_spots,
    )


def statements(policies: Iterable[NewPolicy]) -> list[dict[str, JsonValue]]:
    """Every statement of a plan's new policies."""
    found: list[dict[str, JsonValue]] = []
    for policy in policies:
        document = policy.document
        assert isinstance(document, dict)
        listed = document["Statement"]
        assert isinstance(listed, list)
        found.extend(s for s in listed if isinstance(s, dict))
    return found
