"""Methods prepared for the search: action sets as bitsets, and the targets each can reach.

Pruning is the cheap first step of the search: a method is possible only if one of its action
sets lies within the attacker's allowed-or-conditional actions, an integer test against the
evaluator's effective-permission bitsets. Attackers holding the same escalation-relevant actions
share the answer, so each distinct answer is worked out once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.escalation import (
    ActionName,
    EscalationMethod,
    PointsAt,
    PrerequisiteKind,
    ProviderType,
    ResourceBinding,
    Target,
)
from overgrant.graph.escalation.aws_checks import GOVERNED_SERVICES, Context
from overgrant.graph.escalation.aws_edges import ACCOUNT, AdminTarget, RoleGroup
from overgrant.graph.escalation.aws_estate import Estate, RunningAs
from overgrant.model import Identity, IdentityId, IdentityKind, ProviderKind, ScopeId

COGNITO_PRINCIPAL = "cognito-identity.amazonaws.com"
ASSUME_ROLE = ActionName("sts:AssumeRole")
UPDATE_TRUST = ActionName("iam:UpdateAssumeRolePolicy")

# Bindings whose resource depends on the target: checked once per candidate. Every other
# binding is checked once per attacker and method.
DEPENDENT = frozenset(
    {
        PointsAt.TARGET_PRINCIPAL,
        PointsAt.TARGET_POLICY,
        PointsAt.PASSED_ROLE,
        PointsAt.COMPUTE,
        PointsAt.FEDERATION_PROVIDER,
    }
)


@dataclass(frozen=True, slots=True)
class Alternative:
    """One complete action set of a method."""

    actions: tuple[ActionName, ...]
    bits: int
    """The actions' catalog bits."""
    unindexed: bool
    """Some action has no catalog bit: the bitset test cannot rule the set out."""
    rewrites_trust: bool
    """The set rewrites the target's trust policy, so ``sts:AssumeRole`` is asked of the
    identity side alone (the trust will name the attacker)."""
    bindings: tuple[tuple[PointsAt, tuple[ResourceBinding, ...]], ...]
    """The set's bindings, grouped by what they point at and the resource type: bindings of
    one group are checked on the same resource."""


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """Which :class:`RoleGroup` a method's targets can be grouped into."""

    trusting: str | None
    instance_profile: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """A method with what the search needs to check it."""

    method: EscalationMethod
    alternatives: tuple[Alternative, ...]
    passed: Context
    """Request context of ``iam:PassRole`` on the passed role."""
    auxiliary_service: str | None
    auxiliary: Context
    """Request context of ``iam:PassRole`` on the auxiliary role."""
    gates: tuple[tuple[ActionName, bool], ...]
    """Required actions on the target that only identity policies can grant, each with whether
    the target's current trust policy may grant it instead (``sts:AssumeRole`` after a trust
    rewrite): candidates no identity statement could name are dropped in bulk."""
    group: GroupSpec | None


def _grouped(
    method: EscalationMethod, actions: tuple[ActionName, ...]
) -> tuple[tuple[PointsAt, tuple[ResourceBinding, ...]], ...]:
    groups: dict[tuple[PointsAt, str], list[ResourceBinding]] = {}
    for action in actions:
        for binding in method.bindings_for(action):
            groups.setdefault((binding.points_at, binding.resource_type), []).append(binding)
    return tuple((points_at, tuple(found)) for (points_at, _), found in groups.items())


def _service(method: EscalationMethod, kind: PrerequisiteKind) -> str | None:
    found = method.prerequisites_of(kind)
    return found[0].service if found else None


def _passed_context(service: str | None) -> Context:
    # iam:PassedToService names the service a role is passed to (IAM User Guide: IAM and AWS
    # STS condition context keys — iam:PassedToService).
    return () if service is None else (("iam:PassedToService", service),)


def make_plan(method: EscalationMethod, catalog: AwsCatalog) -> Plan:
    """Prepare one method; action order follows the catalog entry (required first)."""
    alternatives = []
    for group in method.any_of or ((),):
        actions = tuple(dict.fromkeys([*method.required, *group]))
        indexes = [catalog.index_of(action) for action in actions]
        bits = sum(1 << i for i in indexes if i is not None)
        unindexed = any(i is None for i in indexes)
        rewrites = UPDATE_TRUST in actions
        grouped = _grouped(method, actions)
        alternatives.append(Alternative(actions, bits, unindexed, rewrites, grouped))
    auxiliary = _service(method, PrerequisiteKind.AUXILIARY_ROLE)
    # Where the catalog names no receiving service for the passed role (Data Pipeline), the
    # role goes to the same service as the auxiliary one.
    passed = _service(method, PrerequisiteKind.PASSED_TO_SERVICE) or auxiliary
    return Plan(
        method=method,
        alternatives=tuple(alternatives),
        passed=_passed_context(passed),
        auxiliary_service=auxiliary,
        auxiliary=_passed_context(auxiliary),
        gates=_gates(method, tuple(alternatives)),
        group=_group_spec(method, tuple(alternatives)),
    )


def _gates(
    method: EscalationMethod, alternatives: tuple[Alternative, ...]
) -> tuple[tuple[ActionName, bool], ...]:
    found = []
    for action in method.required:
        service = action.partition(":")[0].lower()
        points = {b.points_at for b in method.bindings_for(action)}
        if not points & {PointsAt.TARGET_PRINCIPAL, PointsAt.PASSED_ROLE}:
            continue
        if service not in GOVERNED_SERVICES:
            found.append((action, False))
        elif action == ASSUME_ROLE and all(a.rewrites_trust for a in alternatives):
            found.append((action, True))
    return tuple(found)


def _group_spec(
    method: EscalationMethod, alternatives: tuple[Alternative, ...]
) -> GroupSpec | None:
    dependent = [b for b in method.resources if b.points_at in DEPENDENT]
    profile = bool(method.prerequisites_of(PrerequisiteKind.ROLE_HAS_INSTANCE_PROFILE))
    if method.target is Target.PASSED_ROLE:
        service = _service(method, PrerequisiteKind.ROLE_TRUSTS_SERVICE)
        if service is None or any(b.points_at is not PointsAt.PASSED_ROLE for b in dependent):
            return None
        return GroupSpec(service.lower(), profile)
    if method.target is not Target.OTHER_PRINCIPAL or not all(
        b.points_at is PointsAt.TARGET_PRINCIPAL and b.resource_type == "role" for b in dependent
    ):
        return None
    if method.prerequisites_of(PrerequisiteKind.ROLE_TRUSTS_ATTACKER):
        return GroupSpec(ACCOUNT, profile)
    assumes = any(b.action == ASSUME_ROLE for b in dependent)
    if assumes and not all(a.rewrites_trust for a in alternatives):
        return None  # the current trust decides, and it differs from role to role
    return GroupSpec(None, profile)


def role_groups(estate: Estate, plan: Plan, account: ScopeId) -> list[RoleGroup]:
    """The groups the plan's targets in ``account`` can be reached as (none, one or two)."""
    spec = plan.group
    if spec is None:
        return []
    found = [estate.role_group(account, spec.trusting, spec.instance_profile)]
    if plan.method.target is Target.PASSED_ROLE:
        # Roles that let the service in only under a condition form a group of their own.
        found.append(estate.role_group(account, spec.trusting, spec.instance_profile, True))
    return [group for group in found if group.members]


class Pruner:
    """Which methods an attacker's action bitset leaves possible (memoized per bitset)."""

    def __init__(self, plans: Sequence[Plan]) -> None:
        """Index the plans' action bits."""
        self._plans = plans
        self._mask = 0
        for plan in plans:
            for alternative in plan.alternatives:
                self._mask |= alternative.bits
        self._memo: dict[int, tuple[tuple[Plan, tuple[Alternative, ...]], ...]] = {}

    @property
    def mask(self) -> int:
        """Every action some method needs."""
        return self._mask

    def viable(self, held: int) -> tuple[tuple[Plan, tuple[Alternative, ...]], ...]:
        """The plans, each with its alternatives that ``held`` does not rule out."""
        key = held & self._mask
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = tuple(self._viable(key))
        return found

    def _viable(self, held: int) -> Iterable[tuple[Plan, tuple[Alternative, ...]]]:
        for plan in self._plans:
            left = tuple(a for a in plan.alternatives if a.bits & held == a.bits)
            if left:
                yield plan, left


@dataclass(frozen=True, slots=True)
class Candidate:
    """A target a method might reach, with what is reached through."""

    target: IdentityId | AdminTarget
    compute: tuple[RunningAs, ...] = ()
    """For compute-role methods: the workloads that run as the target."""
    provider: str | None = None
    """For federation methods: the provider the target role trusts."""


def _bound_types(method: EscalationMethod, points_at: PointsAt) -> set[str]:
    return {b.resource_type for b in method.resources if b.points_at is points_at}


class Candidates:
    """Targets of each method, per account (and per attacker where trust decides)."""

    def __init__(self, estate: Estate) -> None:
        """Work over ``estate``; per-account lists are built on first use."""
        self._estate = estate
        self._memo: dict[tuple[str, ScopeId], tuple[Candidate, ...]] = {}
        self._index: dict[tuple[str, ScopeId], tuple[tuple[str, ...], dict[str, int]]] = {}
        self._outside: dict[tuple[str, ScopeId], tuple[Candidate, ...]] = {}
        self._last: tuple[IdentityId, tuple[Candidate, ...]] | None = None

    def of(self, plan: Plan, attacker: Identity) -> Sequence[Candidate]:
        """Targets of the plan's method for the attacker (which may be among them)."""
        method = plan.method
        if method.target is Target.SELF:
            return (Candidate(AdminTarget(attacker.container)),)
        if method.prerequisites_of(PrerequisiteKind.ROLE_TRUSTS_ATTACKER):
            # sts:AssumeRole needs the trust policy to admit the attacker: only roles that name
            # it, its account or anyone can (IAM User Guide: Roles terms and concepts).
            return self._naming(attacker)
        key = (method.id, attacker.container)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = tuple(self._account_wide(method, attacker.container))
        return found

    def _naming(self, attacker: Identity) -> tuple[Candidate, ...]:
        # Several methods ask in a row for the same attacker: keep its candidates once.
        if self._last is None or self._last[0] != attacker.id:
            roles = self._estate.roles_naming(attacker)
            self._last = (attacker.id, tuple(Candidate(r) for r in roles))
        return self._last[1]

    def outside(
        self, plan: Plan, attacker: Identity, groups: Sequence[RoleGroup]
    ) -> Sequence[Candidate]:
        """The candidates that are members of none of ``groups``."""
        sets = [self._estate.member_set(group) for group in groups]
        if plan.method.prerequisites_of(PrerequisiteKind.ROLE_TRUSTS_ATTACKER):
            return [c for c in self.of(plan, attacker) if not any(c.target in s for s in sets)]
        key = (plan.method.id, attacker.container)
        found = self._outside.get(key)
        if found is None:
            candidates = self.of(plan, attacker)
            found = tuple(c for c in candidates if not any(c.target in s for s in sets))
            self._outside[key] = found
        return found

    def index(
        self, plan: Plan, attacker: Identity
    ) -> tuple[object, tuple[str, ...], dict[str, int]] | None:
        """For account-wide candidate lists: a cache key, the targets, and their positions."""
        key = (plan.method.id, attacker.container)
        candidates = self._memo.get(key)
        if candidates is None:
            return None
        found = self._index.get(key)
        if found is None:
            targets = tuple(str(c.target) for c in candidates)
            found = self._index[key] = (targets, {t: i for i, t in enumerate(targets)})
        return key, found[0], found[1]

    def _account_wide(self, method: EscalationMethod, account: ScopeId) -> Iterable[Candidate]:
        estate = self._estate
        if method.target is Target.PASSED_ROLE:
            yield from (Candidate(r) for r in self._passable(method, account))
        elif method.target is Target.COMPUTE_ROLE:
            yield from self._compute(method, account)
        elif _bound_types(method, PointsAt.FEDERATION_PROVIDER):
            for provider in estate.providers(account, ProviderKind.SAML):
                for role in estate.roles_trusting_federated(account, provider.id):
                    yield Candidate(role, provider=provider.id)
        else:
            types = _bound_types(method, PointsAt.TARGET_PRINCIPAL)
            for kind in (IdentityKind.USER, IdentityKind.ROLE):
                if kind.value in types:
                    yield from (Candidate(i) for i in estate.members(account, kind))

    def _passable(self, method: EscalationMethod, account: ScopeId) -> list[IdentityId]:
        federated = method.prerequisites_of(PrerequisiteKind.ROLE_TRUSTS_FEDERATED_PROVIDER)
        if any(p.provider_type is ProviderType.COGNITO_IDENTITY for p in federated):
            return self._estate.roles_trusting_federated(account, COGNITO_PRINCIPAL)
        service = _service(method, PrerequisiteKind.ROLE_TRUSTS_SERVICE)
        return [] if service is None else self._estate.roles_trusting_service(account, service)

    def _compute(self, method: EscalationMethod, account: ScopeId) -> Iterable[Candidate]:
        by_role: dict[IdentityId, list[RunningAs]] = {}
        for item in method.prerequisites_of(PrerequisiteKind.EXISTING_COMPUTE):
            if item.compute is not None:
                for running in self._estate.running_as(account, item.compute):
                    by_role.setdefault(running.role, []).append(running)
        for role, running_list in by_role.items():
            if role in self._estate.identities:
                yield Candidate(role, compute=tuple(running_list))
