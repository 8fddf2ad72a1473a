"""Per-account facts the escalation search reads: users' credentials, resource control policies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from overgrant.graph.escalation.aws_trust import covers_every_resource, names_action, statements
from overgrant.model import (
    Cloud,
    CredentialKind,
    Identity,
    IdentityId,
    Inventory,
    PermissionSet,
    PermissionSetId,
    ScopeId,
    ScopePolicyKind,
)


class ResourceGuardrails:
    """Resource control policies over each account."""

    def __init__(self, inventory: Inventory, sets: Mapping[PermissionSetId, PermissionSet]) -> None:
        """Index the RCP attachments of the AWS scopes."""
        self.sets = sets
        self._parents = {s.id: s.parent for s in inventory.scopes if s.cloud is Cloud.AWS}
        self._rcps: dict[ScopeId, list[PermissionSetId]] = {}
        for attached in inventory.scope_policies:
            if attached.kind is ScopePolicyKind.RESOURCE_CONTROL_POLICY:
                self._rcps.setdefault(attached.scope, []).append(attached.permission_set)
        self._rcp_specific: dict[ScopeId, bool] = {}

    def name_roles(self, account: ScopeId) -> bool:
        """Whether an RCP over the account could treat its roles differently for assuming.

        RCPs govern ``sts:AssumeRole`` on the roles of the accounts they are attached above
        (AWS Organizations User Guide: Resource control policies). When every RCP statement
        that can apply to it covers every resource, they treat all roles of one account alike.
        """
        found = self._rcp_specific.get(account)
        if found is None:
            found = self._rcp_specific[account] = any(
                names_action(statement, ("sts:assumerole",))
                and not covers_every_resource(statement)
                for set_id in self._rcp_chain(account)
                if (policy := self.sets.get(set_id)) is not None
                for _, statement in statements(policy.document)
            )
        return found

    def _rcp_chain(self, account: ScopeId) -> list[PermissionSetId]:
        found: list[PermissionSetId] = []
        seen: set[ScopeId] = set()
        scope: ScopeId | None = account
        while scope is not None and scope not in seen:
            seen.add(scope)
            found += self._rcps.get(scope, [])
            scope = self._parents.get(scope)
        return found


class Credentials:
    """Access keys, console passwords and MFA devices of users."""

    def __init__(self, inventory: Inventory, identities: Mapping[IdentityId, Identity]) -> None:
        """Index the AWS credentials of known identities."""
        self.identities = identities
        self._keys: Counter[IdentityId] = Counter()
        self._passwords: set[IdentityId] = set()
        self._mfa: set[IdentityId] = set()
        self._credential_accounts: set[ScopeId] = set()
        for credential in inventory.credentials:
            holder = self.identities.get(credential.identity)
            if credential.cloud is not Cloud.AWS or holder is None:
                continue
            self._credential_accounts.add(holder.container)
            if credential.kind is CredentialKind.ACCESS_KEY:
                self._keys[credential.identity] += 1
            elif credential.kind is CredentialKind.PASSWORD:
                self._passwords.add(credential.identity)
            elif credential.kind is CredentialKind.MFA_DEVICE:
                self._mfa.add(credential.identity)

    def known(self, account: ScopeId) -> bool:
        """Whether the inventory holds the account's credential facts.

        Authorization-details exports carry no credentials; the credential report or a live
        collection does, for every user of the account (the root user included). An account
        with no credential at all in the inventory is taken as not collected, so that a
        prerequisite about keys or passwords there is reported as unknown, never as met.
        """
        return account in self._credential_accounts

    def key_count(self, user: IdentityId) -> int:
        """Access keys of a user, active or not (both count against the quota of two)."""
        return self._keys[user]

    def has_password(self, user: IdentityId) -> bool:
        """Whether the user has a console password (login profile)."""
        return user in self._passwords

    def has_mfa(self, user: IdentityId) -> bool:
        """Whether the user has an MFA device."""
        return user in self._mfa
