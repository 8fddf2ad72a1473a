"""The inventory indexed for AWS evaluation: policies per identity, targets, compiled documents.

Each distinct policy document is compiled once: by permission-set id, and across ids by a hash
of its content (the same inline document on a thousand roles is compiled once).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson

from overgrant.catalogs.aws import AwsCatalog
from overgrant.graph.effective.aws_context import (
    OrgFacts,
    PrincipalFacts,
    ResourceFacts,
    principal_facts,
)
from overgrant.graph.effective.aws_match import parse_arn
from overgrant.graph.effective.aws_org import OrgIndex
from overgrant.graph.effective.aws_policy import (
    CompiledPolicy,
    StatementCache,
    compile_policy,
    literal_actions,
)
from overgrant.model import (
    Cloud,
    GrantPurpose,
    Identity,
    IdentityId,
    IdentityKind,
    Inventory,
    PermissionSetId,
    Resource,
    ResourceId,
    ScopeId,
    ScopePolicyKind,
)

PolicyRef = tuple[PermissionSetId, CompiledPolicy]
"""A permission set's id with its compiled document."""

GuardrailRefs = tuple[tuple[ScopeId, tuple[PolicyRef, ...]], ...]
"""Guardrail levels (SCP or RCP), root first, each with its compiled policies."""

# Services whose resources RCPs govern (AWS Organizations User Guide: Resource control policies
# — "List of AWS services that support RCPs").
RCP_SERVICES = frozenset(
    {
        "s3",
        "sts",
        "kms",
        "sqs",
        "secretsmanager",
        "cognito-identity",
        "logs",
        "dynamodb",
        "ecr",
        "aoss",
    }
)


@dataclass(frozen=True, slots=True)
class Principal:
    """An identity with the policies that apply to its requests."""

    facts: PrincipalFacts
    policies: tuple[PolicyRef, ...]
    """Identity-based policies: its own (managed and inline) and its groups'."""
    boundary: tuple[PolicyRef, ...]
    scp_levels: GuardrailRefs
    """SCP levels of its account, root first; empty where SCPs do not apply."""


@dataclass(frozen=True, slots=True)
class Target:
    """A request's resource as the inventory knows it."""

    resource: str
    account: str | None
    """The resource's account; ``None`` when not known (``"*"``, or an ARN without an account
    for a resource the inventory lacks): the caller's account is then assumed, as AWS uses the
    caller's account for RCPs when a request names no resource."""
    facts: ResourceFacts | None
    policy: PolicyRef | None
    """The resource-based policy (for ``sts:`` actions on a role: its trust policy)."""
    mandatory: bool
    """Whether the resource policy must allow (role trust policy, KMS key policy)."""
    in_inventory: bool
    service: str


class AwsIndex:
    """Lookups the evaluator needs, built once from an inventory."""

    def __init__(self, inventory: Inventory, catalog: AwsCatalog) -> None:
        """Index the AWS part of ``inventory``; register actions the catalog lacks."""
        self.catalog = catalog
        self.sets = {p.id: p for p in inventory.permission_sets if p.cloud is Cloud.AWS}
        self.identities = {i.id: i for i in inventory.identities if i.cloud is Cloud.AWS}
        self.resources = {r.id: r for r in inventory.resources if r.cloud is Cloud.AWS}
        self.org = OrgIndex(inventory.scopes, inventory.scope_policies)
        self._grants: dict[tuple[IdentityId, GrantPurpose], list[PermissionSetId]] = {}
        for grant in inventory.grants:
            key = (grant.identity, grant.purpose)
            self._grants.setdefault(key, []).append(grant.permission_set)
        self._by_set: dict[PermissionSetId, CompiledPolicy | None] = {}
        self._by_content: dict[bytes, CompiledPolicy] = {}
        self._statements: StatementCache = {}
        self._principals: dict[IdentityId, Principal] = {}
        self._guardrails: dict[tuple[str, ScopePolicyKind], GuardrailRefs] = {}
        self._register_unknown_actions()

    def _register_unknown_actions(self) -> None:
        # Before any pattern is expanded, so that "*" and "svc:*" include every action the
        # inventory's own policies name (unknown actions are kept, never dropped).
        catalog = self.catalog
        for permission_set in self.sets.values():
            for action in literal_actions(permission_set.document):
                if catalog.index_of(action) is None:
                    catalog.register(action)

    def compiled(self, set_id: PermissionSetId) -> CompiledPolicy | None:
        """A permission set's compiled document; ``None`` if the inventory lacks the set."""
        if set_id in self._by_set:
            return self._by_set[set_id]
        permission_set = self.sets.get(set_id)
        result = None
        if permission_set is not None:
            digest = hashlib.blake2b(
                orjson.dumps(permission_set.document, option=orjson.OPT_SORT_KEYS), digest_size=16
            ).digest()
            result = self._by_content.get(digest)
            if result is None:
                result = self._by_content[digest] = compile_policy(
                    permission_set.document, self.catalog, self._statements
                )
        self._by_set[set_id] = result
        return result

    def refs(self, set_ids: list[PermissionSetId]) -> tuple[PolicyRef, ...]:
        """Compiled documents of several sets, without repeats or missing ones."""
        found: list[PolicyRef] = []
        for set_id in dict.fromkeys(set_ids):
            compiled = self.compiled(set_id)
            if compiled is not None:
                found.append((set_id, compiled))
        return tuple(found)

    def identity(self, identity_id: str) -> Identity:
        """An AWS identity of the inventory.

        Raises:
            KeyError: the inventory has no AWS identity with this id.
        """
        found = self.identities.get(IdentityId(identity_id))
        if found is None:
            raise KeyError(f"no AWS identity {identity_id!r} in the inventory")
        return found

    def principal(self, identity_id: str) -> Principal:
        """The identity with its applicable policies (built once per identity)."""
        cached = self._principals.get(IdentityId(identity_id))
        if cached is not None:
            return cached
        identity = self.identity(identity_id)
        account = str(identity.container)
        facts = principal_facts(identity, self.org.facts(account))
        own = self._grants.get((identity.id, GrantPurpose.ALLOW), [])
        groups = [
            set_id
            for group in identity.member_of
            for set_id in self._grants.get((group, GrantPurpose.ALLOW), [])
        ]
        boundary = self._grants.get((identity.id, GrantPurpose.BOUNDARY), [])
        principal = Principal(
            facts=facts,
            policies=self.refs([*own, *groups]),
            boundary=self.refs(boundary),
            scp_levels=self._scp_levels(account, facts),
        )
        self._principals[identity.id] = principal
        return principal

    def _guardrail_levels(self, account: str, kind: ScopePolicyKind) -> GuardrailRefs:
        key = (account, kind)
        found = self._guardrails.get(key)
        if found is None:
            levels = self.org.levels(account, kind)
            found = tuple((level.scope, self.refs(list(level.policies))) for level in levels)
            self._guardrails[key] = found
        return found

    def _scp_levels(self, account: str, facts: PrincipalFacts) -> GuardrailRefs:
        # SCPs do not affect users or roles in the management account, nor service-linked
        # roles (AWS Organizations User Guide: Service control policies — "Tasks and entities
        # not restricted by SCPs").
        if self.org.is_management(account) or facts.service_linked:
            return ()
        return self._guardrail_levels(account, ScopePolicyKind.SERVICE_CONTROL_POLICY)

    def rcp_levels(self, account: str, service: str, principal: Principal) -> GuardrailRefs:
        """RCP levels that govern a request on a resource of ``account`` and ``service``."""
        # RCPs apply only to the listed services, never to resources in the management account,
        # and do not restrict service-linked roles (AWS Organizations User Guide: Resource
        # control policies).
        if service not in RCP_SERVICES or principal.facts.service_linked:
            return ()
        if self.org.is_management(account):
            return ()
        return self._guardrail_levels(account, ScopePolicyKind.RESOURCE_CONTROL_POLICY)

    def target(self, resource: str, action_service: str) -> Target:
        """What the inventory knows about a request's resource."""
        arn = parse_arn(resource)
        service = arn.service if arn else action_service
        if resource == "*" or arn is None:
            return Target(resource, None, None, None, False, False, service)
        held = self._resource_for(resource, arn.service)
        role = self.identities.get(IdentityId(resource))
        account = arn.account or (str(held.container) if held else None)
        # Tags are the resource's own only when the inventory holds that very resource.
        exact = held is not None and held.id == resource
        tags = {k.lower(): v for k, v in held.tags.items()} if held and exact else None
        if tags is None and role is not None:
            # An IAM user or role is itself the resource of IAM actions on it (iam:PassRole,
            # iam:AttachRolePolicy...): its own tags are aws:ResourceTag and iam:ResourceTag
            # (IAM User Guide: Controlling access to IAM resources using tags).
            tags = {k.lower(): v for k, v in role.tags.items()}
        org = self.org.facts(account) if account else OrgFacts()
        facts = ResourceFacts(account=account, org=org, tags=tags)
        policy, mandatory = None, False
        if role is not None and role.kind is IdentityKind.ROLE and action_service == "sts":
            # A role's trust policy is the resource-based policy of sts:AssumeRole and must
            # allow (IAM User Guide: Roles terms and concepts — trust policy).
            trust = role.trust_policy
            compiled = None if trust is None else self.compiled(trust)
            policy = None if trust is None or compiled is None else (trust, compiled)
            mandatory = policy is not None
        elif held is not None and held.policy is not None:
            compiled = self.compiled(held.policy)
            policy = None if compiled is None else (held.policy, compiled)
            # A KMS key policy must allow, at least by delegating to the account (AWS KMS
            # Developer Guide: Key policies — "IAM policies by themselves are not sufficient").
            mandatory = policy is not None and held.type.lower() == "kms:key"
        in_inventory = held is not None or role is not None
        return Target(resource, account, facts, policy, mandatory, in_inventory, service)

    def _resource_for(self, resource: str, service: str) -> Resource | None:
        held = self.resources.get(ResourceId(resource))
        if held is None and service == "s3" and "/" in resource:
            # An object is governed by its bucket's policy.
            held = self.resources.get(ResourceId(resource.split("/", 1)[0]))
        return held
