"""An AWS organization as the evaluator needs it: account paths, SCPs and RCPs per level.

Service control policies and resource control policies attach to the organization root, to OUs
and to accounts; a request must be allowed at every level of the path from the root down to the
account (AWS Organizations User Guide: SCP evaluation; RCP evaluation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from overgrant.graph.effective.aws_context import OrgFacts
from overgrant.graph.effective.aws_match import Missing
from overgrant.model import (
    Cloud,
    PermissionSetId,
    Scope,
    ScopeId,
    ScopeKind,
    ScopePolicy,
    ScopePolicyKind,
)


@dataclass(frozen=True, slots=True)
class GuardrailLevel:
    """One level of an account's path and the guardrail policies attached there."""

    scope: ScopeId
    policies: tuple[PermissionSetId, ...]


class OrgIndex:
    """Account paths and guardrail attachments, looked up by account id."""

    def __init__(self, scopes: Iterable[Scope], scope_policies: Iterable[ScopePolicy]) -> None:
        """Index the AWS scopes and their SCP and RCP attachments."""
        self._scopes = {s.id: s for s in scopes if s.cloud is Cloud.AWS}
        self._attached: dict[tuple[ScopeId, ScopePolicyKind], list[PermissionSetId]] = {}
        for attachment in scope_policies:
            key = (attachment.scope, attachment.kind)
            self._attached.setdefault(key, []).append(attachment.permission_set)
        self._chains: dict[str, tuple[Scope, ...]] = {}
        self._facts: dict[str, OrgFacts] = {}

    def chain(self, account: str) -> tuple[Scope, ...]:
        """The account's scope and its ancestors, account first; empty if the account is unknown."""
        cached = self._chains.get(account)
        if cached is not None:
            return cached
        found: list[Scope] = []
        current = self._scopes.get(ScopeId(account))
        while current is not None and current not in found:
            found.append(current)
            current = None if current.parent is None else self._scopes.get(current.parent)
        self._chains[account] = tuple(found)
        return self._chains[account]

    def is_management(self, account: str) -> bool:
        """Whether the inventory marks the account as the organization's management account."""
        scope = self._scopes.get(ScopeId(account))
        return scope is not None and scope.attributes.get("management_account") is True

    def facts(self, account: str) -> OrgFacts:
        """``aws:PrincipalOrgID``/``aws:PrincipalOrgPaths`` values for principals of an account."""
        cached = self._facts.get(account)
        if cached is None:
            cached = self._facts[account] = self._org_facts(self.chain(account))
        return cached

    @staticmethod
    def _org_facts(chain: tuple[Scope, ...]) -> OrgFacts:
        org = next((s for s in chain if s.kind is ScopeKind.ORGANIZATION), None)
        if org is None:
            # Without the organization in the inventory the org id is not known (the account
            # may still belong to one).
            return OrgFacts(Missing.UNKNOWN, Missing.UNKNOWN)
        between = [
            s.id
            for s in reversed(chain)
            if s.kind in (ScopeKind.ORGANIZATION_ROOT, ScopeKind.ORGANIZATIONAL_UNIT)
        ]
        # aws:PrincipalOrgPaths: "o-id/r-id/ou-id/.../" (IAM User Guide: global condition keys).
        path = "/".join([org.id, *between]) + "/"
        return OrgFacts((org.id,), (path,))

    def levels(self, account: str, kind: ScopePolicyKind) -> tuple[GuardrailLevel, ...]:
        """The levels, root first, that have guardrail policies of ``kind`` attached.

        A level without any attachment in the inventory is left out: with SCPs enabled AWS
        requires at least one SCP on every root, OU and account, so a level without one means
        the inventory lacks that data, and it is not taken as a block.
        """
        found: list[GuardrailLevel] = []
        for scope in reversed(self.chain(account)):
            policies = self._attached.get((scope.id, kind))
            if policies:
                found.append(GuardrailLevel(scope.id, tuple(policies)))
        return tuple(found)
