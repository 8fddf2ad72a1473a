"""The inventory indexed once for escalation search: per-account lookups by role, service, kind.

Every index here is built in one pass over the inventory so that the search asks a dictionary,
not the whole estate, for each attacker: the roles a service may assume, the roles that name a
principal in their trust policy, the compute that runs as a role, the customer-managed policies
and groups of an identity, and the users' credentials.

Compute the inventory collectors describe today is EC2 instances, Lambda functions and ECS task
definitions (:class:`~overgrant.model.WorkloadKind`). Other compute that runs as a role (a
CodeBuild project, a CloudFormation stack, a Glue development endpoint...) is recognised when a
workload of kind ``OTHER`` names its :class:`~overgrant.catalogs.escalation.ComputeKind` in
``attributes["compute_kind"]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from overgrant.catalogs.escalation import ComputeKind, ResourceKind
from overgrant.graph.escalation.aws_edges import ACCOUNT, RoleGroup
from overgrant.graph.escalation.aws_estate_facts import Credentials, ResourceGuardrails
from overgrant.graph.escalation.aws_trust import (
    TrustFacts,
    has_deny,
    trust_facts,
)
from overgrant.model import (
    Cloud,
    FederationProvider,
    GrantPurpose,
    Identity,
    IdentityId,
    IdentityKind,
    Inventory,
    PermissionSet,
    PermissionSetId,
    PermissionSetKind,
    ProviderKind,
    ScopeId,
    Workload,
    WorkloadKind,
)

_WORKLOAD_KINDS = {
    WorkloadKind.EC2_INSTANCE: ComputeKind.EC2_INSTANCE,
    WorkloadKind.LAMBDA_FUNCTION: ComputeKind.LAMBDA_FUNCTION,
    # A task definition names the task role its running tasks get (Amazon ECS Developer Guide:
    # Task IAM role); running tasks themselves are not in the inventory.
    WorkloadKind.ECS_TASK_DEFINITION: ComputeKind.ECS_TASK,
}

# Resource types (Resource.type, "service:type" in lower case) and compute kinds that satisfy an
# ``existing-resource`` prerequisite.
RESOURCE_KINDS: dict[ResourceKind, tuple[tuple[str, ...], tuple[ComputeKind, ...]]] = {
    ResourceKind.EVENT_SOURCE: (("sqs:queue", "dynamodb:table", "kinesis:stream"), ()),
    ResourceKind.GLUE_JOB: (("glue:job",), ()),
    ResourceKind.LAMBDA_FUNCTION: (("lambda:function",), (ComputeKind.LAMBDA_FUNCTION,)),
    ResourceKind.CLOUDFORMATION_STACK: (
        ("cloudformation:stack",),
        (ComputeKind.CLOUDFORMATION_STACK,),
    ),
    ResourceKind.CLOUDFORMATION_STACK_SET: (
        ("cloudformation:stackset",),
        (ComputeKind.CLOUDFORMATION_STACK_SET,),
    ),
    ResourceKind.CODEBUILD_PROJECT: (("codebuild:project",), (ComputeKind.CODEBUILD_PROJECT,)),
    ResourceKind.ECS_CLUSTER: (("ecs:cluster",), ()),
    ResourceKind.ECS_SERVICE: (("ecs:service",), ()),
    ResourceKind.ECS_TASK_DEFINITION: (("ecs:task-definition",), (ComputeKind.ECS_TASK,)),
    ResourceKind.ECS_CONTAINER_INSTANCE: (("ecs:container-instance",), ()),
    ResourceKind.COGNITO_IDENTITY_POOL: (("cognito-identity:identitypool",), ()),
}


_NO_TRUST = TrustFacts()
"""What a role without a readable trust policy admits: nobody."""


@dataclass(frozen=True, slots=True)
class RunningAs:
    """A workload and one role that code running in it acts as."""

    workload: Workload
    role: IdentityId


def _compute_kind(workload: Workload) -> ComputeKind | None:
    if workload.kind is WorkloadKind.OTHER:
        named = workload.attributes.get("compute_kind")
        valid = {kind.value for kind in ComputeKind}
        return ComputeKind(named) if isinstance(named, str) and named in valid else None
    return _WORKLOAD_KINDS.get(workload.kind)


def _roles_of(workload: Workload) -> tuple[IdentityId, ...]:
    task_role = workload.attributes.get("task_role")
    if workload.kind is WorkloadKind.ECS_TASK_DEFINITION and isinstance(task_role, str):
        # The execution role is used by the ECS agent to pull images and write logs; code in
        # the container receives only the task role.
        return (IdentityId(task_role),)
    return workload.identities


class Estate:
    """Lookups over the AWS part of an inventory, built once."""

    def __init__(self, inventory: Inventory) -> None:
        """Index identities, policies, trust, compute, resources and credentials."""
        self.identities = {i.id: i for i in inventory.identities if i.cloud is Cloud.AWS}
        self.sets = {p.id: p for p in inventory.permission_sets if p.cloud is Cloud.AWS}
        self._members: dict[tuple[ScopeId, IdentityKind], list[IdentityId]] = {}
        for identity in self.identities.values():
            key = (identity.container, identity.kind)
            self._members.setdefault(key, []).append(identity.id)
        self._grants: dict[tuple[IdentityId, GrantPurpose], list[PermissionSetId]] = {}
        for grant in inventory.grants:
            key_ = (grant.identity, grant.purpose)
            self._grants.setdefault(key_, []).append(grant.permission_set)
        self._index_trust()
        self._index_compute(inventory.workloads)
        self._resources: dict[tuple[ScopeId, str], list[str]] = {}
        self.resource_policies: set[str] = set()
        self._resource_ids = frozenset(r.id for r in inventory.resources)
        self._principals: dict[ScopeId, frozenset[str]] = {}
        for resource in inventory.resources:
            if resource.cloud is Cloud.AWS:
                key2 = (resource.container, resource.type.lower())
                self._resources.setdefault(key2, []).append(resource.id)
                if resource.policy is not None:
                    self.resource_policies.add(resource.id)
        self.credentials = Credentials(inventory, self.identities)
        """Users' keys, passwords and MFA devices."""
        self._providers: dict[tuple[ScopeId, ProviderKind], list[FederationProvider]] = {}
        for provider in inventory.federation_providers:
            if provider.cloud is Cloud.AWS:
                key3 = (provider.container, provider.kind)
                self._providers.setdefault(key3, []).append(provider)
        self.guardrails = ResourceGuardrails(inventory, self.sets)
        """Resource control policies over each account."""
        self._groups: dict[tuple[ScopeId, str | None, bool, bool], RoleGroup] = {}
        self._group_sets: dict[RoleGroup, frozenset[str]] = {}

    # -- identities and their policies --------------------------------------------------------

    def account(self, identity: IdentityId) -> ScopeId:
        """The account that holds an identity."""
        return self.identities[identity].container

    def principals(self, account: ScopeId) -> frozenset[str]:
        """ARNs of the account's users and roles that no inventory resource shares."""
        found = self._principals.get(account)
        if found is None:
            kinds = (IdentityKind.USER, IdentityKind.ROLE)
            ids = [i for kind in kinds for i in self.members(account, kind)]
            found = self._principals[account] = frozenset(ids) - self._resource_ids
        return found

    def members(self, account: ScopeId, kind: IdentityKind) -> list[IdentityId]:
        """The identities of one kind in an account, in inventory order."""
        return self._members.get((account, kind), [])

    def attached(self, identity: IdentityId) -> list[PermissionSetId]:
        """Permission sets attached to the identity itself (managed and inline)."""
        return self._grants.get((identity, GrantPurpose.ALLOW), [])

    def boundaries(self, identity: IdentityId) -> list[PermissionSetId]:
        """The identity's permissions boundary (a list: none or one)."""
        return self._grants.get((identity, GrantPurpose.BOUNDARY), [])

    def groups_of(self, identity: IdentityId) -> tuple[IdentityId, ...]:
        """The groups a user belongs to."""
        found = self.identities.get(identity)
        return () if found is None else found.member_of

    def customer_policies(self, identity: IdentityId) -> list[PermissionSetId]:
        """Customer-managed policies that apply to an identity, directly or through its groups.

        AWS-managed policies are left out: no customer can write a version of them.
        """
        holders = [identity, *self.groups_of(identity)]
        found = [s for h in holders for s in self.attached(h) if self._customer_managed(s)]
        return list(dict.fromkeys(found))

    def _customer_managed(self, set_id: PermissionSetId) -> bool:
        found = self.sets.get(set_id)
        managed = found is not None and found.kind is PermissionSetKind.MANAGED_POLICY
        return managed and found is not None and not found.builtin

    def deny_holders(self, holder: IdentityId, kind: PermissionSetKind) -> list[PermissionSetId]:
        """Policies of ``kind`` attached to ``holder`` that contain a Deny statement."""
        return [
            set_id
            for set_id in self.attached(holder)
            if (found := self.sets.get(set_id)) is not None
            and found.kind is kind
            and has_deny(found.document)
        ]

    def tags(self, identity: str) -> tuple[tuple[str, str], ...]:
        """An identity's tags, sorted (empty for an unknown identity)."""
        found = self.identities.get(IdentityId(identity))
        return () if found is None else tuple(sorted(found.tags.items()))

    def policy(self, set_id: PermissionSetId) -> PermissionSet | None:
        """A permission set of the inventory."""
        return self.sets.get(set_id)

    # -- trust ----------------------------------------------------------------------------------

    def _index_trust(self) -> None:
        self._trust: dict[IdentityId, TrustFacts] = {}
        self._by_service: dict[tuple[ScopeId, str], list[IdentityId]] = {}
        self._by_federated: dict[tuple[ScopeId, str], list[IdentityId]] = {}
        self._naming: dict[tuple[ScopeId, str], list[IdentityId]] = {}
        self._naming_last: tuple[IdentityId, list[IdentityId]] | None = None
        for identity in self.identities.values():
            if identity.kind is not IdentityKind.ROLE or identity.trust_policy is None:
                continue
            trust_set = self.sets.get(identity.trust_policy)
            facts = trust_facts(None if trust_set is None else trust_set.document)
            self._trust[identity.id] = facts
            account = identity.container
            for service in facts.services:
                self._by_service.setdefault((account, service), []).append(identity.id)
            for federated in facts.federated:
                self._by_federated.setdefault((account, federated), []).append(identity.id)
            for key in self._trust_keys(facts, account):
                self._naming.setdefault((account, key), []).append(identity.id)

    @staticmethod
    def _trust_keys(facts: TrustFacts, account: ScopeId) -> Iterable[str]:
        yield from (f"arn {arn}" for arn in facts.arns)
        yield from (f"session {name}" for acct, name in facts.sessions if acct == account)
        if account in facts.accounts:
            yield "account"
        if facts.anyone:
            yield "anyone"

    def role_group(
        self, account: ScopeId, trusting: str | None, profile: bool, conditional: bool = False
    ) -> RoleGroup:
        """The group of the account's roles that ``trusting`` names (see :class:`RoleGroup`)."""
        key = (account, trusting, profile, conditional)
        found = self._groups.get(key)
        if found is None:
            members = [r for r in self.members(account, IdentityKind.ROLE) if self._in(r, key)]
            found = RoleGroup(account, trusting, profile, conditional, members=tuple(members))
            self._groups[key] = found
        return found

    def member_set(self, group: RoleGroup) -> frozenset[str]:
        """The members of a group as a set (built once per group)."""
        found = self._group_sets.get(group)
        if found is None:
            found = self._group_sets[group] = frozenset(group.members)
        return found

    def _in(self, role: IdentityId, key: tuple[ScopeId, str | None, bool, bool]) -> bool:
        account, trusting, profile, conditional = key
        if profile and not self.instance_profiles(role):
            return False
        if trusting is None:
            return True
        facts = self.trust(role)
        if trusting == ACCOUNT:
            # Delegation alone decides only when nothing else in the trust names a principal.
            alone = not (facts.arns or facts.sessions or facts.anyone or facts.denies)
            return alone and facts.delegation(account) is not None
        held = trusting in facts.services
        return held and (trusting in facts.conditional_services) == conditional

    def trust(self, role: IdentityId) -> TrustFacts:
        """What the role's trust policy admits (nothing when the inventory lacks it)."""
        return self._trust.get(role, _NO_TRUST)

    def roles_trusting_service(self, account: ScopeId, service: str) -> list[IdentityId]:
        """Roles of the account whose trust policy lets ``service`` assume them."""
        return self._by_service.get((account, service.lower()), [])

    def roles_trusting_federated(self, account: ScopeId, principal: str) -> list[IdentityId]:
        """Roles of the account whose trust policy names a federated principal."""
        return self._by_federated.get((account, principal), [])

    def roles_naming(self, principal: Identity) -> list[IdentityId]:
        """Roles in the principal's account whose trust names it, its account or anyone (the
        last principal asked about is remembered)."""
        if self._naming_last is not None and self._naming_last[0] == principal.id:
            return self._naming_last[1]
        found = self._roles_naming(principal)
        self._naming_last = (principal.id, found)
        return found

    def _roles_naming(self, principal: Identity) -> list[IdentityId]:
        """Roles in the principal's account whose trust names it, its account, or anyone.

        A role whose trust names a session of the principal (a role) is included: whether a
        session matches is left to the evaluator, which reports it as conditional.
        """
        account = principal.container
        keys = [f"arn {principal.id}", "account", "anyone"]
        if principal.kind is IdentityKind.ROLE:
            keys.append(f"session {principal.name}")
        found = [role for key in keys for role in self._naming.get((account, key), [])]
        return list(dict.fromkeys(found))

    # -- compute and resources ------------------------------------------------------------------

    def _index_compute(self, workloads: Iterable[Workload]) -> None:
        self._compute: dict[tuple[ScopeId, ComputeKind], list[RunningAs]] = {}
        for workload in workloads:
            kind = _compute_kind(workload) if workload.cloud is Cloud.AWS else None
            if kind is None:
                continue
            for role in _roles_of(workload):
                running = RunningAs(workload, role)
                self._compute.setdefault((workload.container, kind), []).append(running)

    def running_as(self, account: ScopeId, kind: ComputeKind) -> list[RunningAs]:
        """Compute of one kind in the account, each with a role its code acts as."""
        return self._compute.get((account, kind), [])

    def resources_of(self, account: ScopeId, types: Iterable[str]) -> list[str]:
        """Ids of the account's resources of the given types (``service:type``, any case)."""
        return [r for t in types for r in self._resources.get((account, t.lower()), [])]

    def existing(self, account: ScopeId, kind: ResourceKind) -> list[str]:
        """Ids of resources and compute of the account that satisfy ``existing-resource``."""
        types, computes = RESOURCE_KINDS[kind]
        found = self.resources_of(account, types)
        found += [r.workload.id for c in computes for r in self.running_as(account, c)]
        return list(dict.fromkeys(found))

    def instance_profiles(self, role: IdentityId) -> list[str]:
        """Instance profiles that hold the role (from the authorization details)."""
        found = self.identities.get(role)
        value = None if found is None else found.attributes.get("instance_profiles")
        return [p for p in value if isinstance(p, str)] if isinstance(value, list) else []

    def providers(self, account: ScopeId, kind: ProviderKind) -> list[FederationProvider]:
        """The account's federation providers of one kind."""
        return self._providers.get((account, kind), [])
