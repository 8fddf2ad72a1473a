"""The small inventories the proof evaluates: one identity as it is today, and as it would be.

Rebuilding an evaluator over the whole estate for each identity would cost the whole estate's
indexing per identity. The proof needs only what decides the identity's own requests: the
identity, its groups and their policies, its permissions boundary, the SCPs and RCPs on its
account's path, and the resources (with their policies) and roles its calls and new statements
name. Both sides of each comparison are built alike, so they differ only in the swap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from overgrant.graph.effective.aws_match import parse_arn
from overgrant.model import (
    Cloud,
    Grant,
    GrantPurpose,
    Identity,
    IdentityId,
    Inventory,
    PermissionSet,
    PermissionSetId,
    PermissionSetKind,
    Resource,
    ResourceId,
    Scope,
    ScopeId,
    ScopePolicy,
)
from overgrant.remediation.minimize.lookup import InventoryLookup
from overgrant.remediation.plan import NewPolicy


def new_policy_arn(account: str, name: str) -> str:
    """The ARN a new customer managed policy will have (path ``/``)."""
    return f"arn:aws:iam::{account}:policy/{name}"


class _Builder:
    def __init__(self, lookup: InventoryLookup) -> None:
        self.lookup = lookup
        self.identities: dict[IdentityId, Identity] = {}
        self.sets: dict[PermissionSetId, PermissionSet] = {}
        self.grants: list[Grant] = []
        self.scopes: dict[ScopeId, Scope] = {}
        self.scope_policies: list[ScopePolicy] = []
        self.resources: dict[ResourceId, Resource] = {}

    def add_set(self, set_id: PermissionSetId | None) -> None:
        if set_id is not None and set_id in self.lookup.sets:
            self.sets[set_id] = self.lookup.sets[set_id]

    def add_account(self, account: str) -> None:
        for scope in self.lookup.scope_chain(ScopeId(account)):
            if scope.id in self.scopes:
                return
            self.scopes[scope.id] = scope
            for policy in self.lookup.scope_policies(scope.id):
                self.scope_policies.append(policy)
                self.add_set(policy.permission_set)

    def add_grants(self, identity: IdentityId, skip: frozenset[PermissionSetId]) -> None:
        for grant in self.lookup.grants(identity):
            if grant.permission_set not in skip:
                self.grants.append(grant)
                self.add_set(grant.permission_set)

    def add_target(self, arn: str) -> None:
        """A resource or role a request names, with its policy and its account's guardrails."""
        parsed = parse_arn(arn)
        if parsed is None:
            return
        candidates = [arn]
        if parsed.service == "s3" and "/" in arn:
            candidates.append(arn.split("/", 1)[0])  # an object is governed by its bucket
        for candidate in candidates:
            resource = self.lookup.resources.get(ResourceId(candidate))
            if resource is not None and resource.id not in self.resources:
                self.resources[resource.id] = resource
                self.add_set(resource.policy)
                self.add_account(str(resource.container))
        role = self.lookup.identities.get(IdentityId(arn))
        if role is not None and role.id not in self.identities:
            self.identities[role.id] = role
            self.add_set(role.trust_policy)
            self.add_account(str(role.container))
        if parsed.account:
            self.add_account(parsed.account)


def proof_inventory(
    lookup: InventoryLookup,
    identity: Identity,
    *,
    targets: Iterable[str] = (),
    replaced: frozenset[PermissionSetId] = frozenset(),
    new_policies: Sequence[NewPolicy] = (),
) -> Inventory:
    """The identity's small world, its ``replaced`` grants swapped for ``new_policies``."""
    builder = _Builder(lookup)
    builder.identities[identity.id] = identity
    builder.add_account(str(identity.container))
    builder.add_grants(identity.id, replaced)
    for group in identity.member_of:
        found = lookup.identities.get(group)
        if found is not None:
            builder.identities[found.id] = found
            builder.add_grants(found.id, frozenset())
    for target in targets:
        builder.add_target(target)
    account = str(identity.container)
    for policy in new_policies:
        set_id = PermissionSetId(new_policy_arn(account, policy.name))
        builder.sets[set_id] = PermissionSet(
            id=set_id,
            cloud=Cloud.AWS,
            kind=PermissionSetKind.MANAGED_POLICY,
            name=policy.name,
            document=policy.document,
            container=ScopeId(account),
        )
        builder.grants.append(
            Grant(
                identity=identity.id,
                permission_set=set_id,
                scope=ScopeId(account),
                purpose=GrantPurpose.ALLOW,
            )
        )
    return Inventory(
        scopes=tuple(builder.scopes.values()),
        identities=tuple(builder.identities.values()),
        permission_sets=tuple(builder.sets.values()),
        grants=tuple(builder.grants),
        scope_policies=tuple(builder.scope_policies),
        resources=tuple(builder.resources.values()),
    )
