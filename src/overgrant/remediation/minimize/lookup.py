"""The inventory indexed once per run for the lookups remediation makes per identity."""

from __future__ import annotations

from overgrant.model import (
    Cloud,
    Grant,
    GrantPurpose,
    Identity,
    IdentityId,
    Inventory,
    PermissionSet,
    PermissionSetId,
    Resource,
    ResourceId,
    Scope,
    ScopeId,
    ScopePolicy,
)


class InventoryLookup:
    """AWS identities, grants, permission sets, scopes and resources by id.

    Built once for a whole run so that per-identity work (choosing grants, building the proof's
    small inventories) costs dictionary lookups, never a scan of the estate.
    """

    def __init__(self, inventory: Inventory) -> None:
        """Index the AWS part of ``inventory``."""
        self.inventory = inventory
        self.identities: dict[IdentityId, Identity] = {
            i.id: i for i in inventory.identities if i.cloud is Cloud.AWS
        }
        self.sets: dict[PermissionSetId, PermissionSet] = {
            p.id: p for p in inventory.permission_sets if p.cloud is Cloud.AWS
        }
        self.scopes: dict[ScopeId, Scope] = {
            s.id: s for s in inventory.scopes if s.cloud is Cloud.AWS
        }
        self.resources: dict[ResourceId, Resource] = {
            r.id: r for r in inventory.resources if r.cloud is Cloud.AWS
        }
        self._grants: dict[IdentityId, list[Grant]] = {}
        for grant in inventory.grants:
            if grant.identity in self.identities:
                self._grants.setdefault(grant.identity, []).append(grant)
        self._scope_policies: dict[ScopeId, list[ScopePolicy]] = {}
        for policy in inventory.scope_policies:
            if policy.scope in self.scopes:
                self._scope_policies.setdefault(policy.scope, []).append(policy)

    def grants(self, identity: IdentityId, purpose: GrantPurpose | None = None) -> list[Grant]:
        """The identity's grants (of one purpose, or all)."""
        found = self._grants.get(identity, [])
        return [g for g in found if purpose is None or g.purpose is purpose]

    def scope_chain(self, scope: ScopeId) -> list[Scope]:
        """The scope and its ancestors, nearest first (a cycle or a missing parent ends it)."""
        chain: list[Scope] = []
        seen: set[ScopeId] = set()
        current = self.scopes.get(scope)
        while current is not None and current.id not in seen:
            chain.append(current)
            seen.add(current.id)
            current = None if current.parent is None else self.scopes.get(current.parent)
        return chain

    def scope_policies(self, scope: ScopeId) -> list[ScopePolicy]:
        """Guardrails (SCPs, RCPs) attached at a scope."""
        return self._scope_policies.get(scope, [])
