"""The search: for each attacker, each method its actions allow, each target the method can reach.

A method's bindings say which resource each action must be allowed on. Bindings that do not
depend on the target (new resources, the attacker's own ARN, groups and policies, a second
role, an existing supporting resource) are checked once per attacker and method; only the rest
(the target principal, the passed role, the target's policy, the compute or provider used) are
checked per candidate. Where a binding may use any of several resources, each is tried in turn
and the first that works — allowed outright, else conditionally — becomes part of the edge's
``via``; actions bound to the same kind of choice are checked on the same resource, so one
project is both updated and built.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from overgrant.catalogs.escalation import (
    EscalationMethod,
    PointsAt,
    PrerequisiteKind,
    ResourceBinding,
    Target,
)
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.effective.decision import Outcome
from overgrant.graph.escalation.aws_admin import admin_evidence
from overgrant.graph.escalation.aws_checks import ANYWHERE, ASSUME, Checker, Context, Shared
from overgrant.graph.escalation.aws_edges import (
    HOLDS_ADMIN,
    AdminTarget,
    EscalationEdge,
    GroupEscalationEdge,
    RoleGroup,
)
from overgrant.graph.escalation.aws_estate import Estate
from overgrant.graph.escalation.aws_evidence import Evidence
from overgrant.graph.escalation.aws_groups import (
    Bindings,
    Prepared,
    Uniform,
    context_of,
    judge,
    member_evidence,
)
from overgrant.graph.escalation.aws_options import Option, Options
from overgrant.graph.escalation.aws_patterns import Patterns
from overgrant.graph.escalation.aws_plan import (
    DEPENDENT,
    Alternative,
    Candidate,
    Candidates,
    Plan,
    Pruner,
    make_plan,
    role_groups,
)
from overgrant.graph.escalation.aws_prereq import (
    account_fits,
    attacker_fits,
    target_fits,
    trust_condition,
)
from overgrant.model import Identity, IdentityId, IdentityKind, Inventory

_ATTACKERS = (IdentityKind.USER, IdentityKind.ROLE)
AnyEdge = EscalationEdge | GroupEscalationEdge


@dataclass(frozen=True, slots=True)
class _Judged:
    """A method's action sets as the judgment of one group left them for its members."""

    group: RoleGroup
    members: frozenset[str]
    allowed: list[Uniform]
    """Allowed for every member: each member's evidence is built from it."""
    undecided: list[Prepared]
    """To be checked member by member."""

    @property
    def settled(self) -> bool:
        """Whether no member needs a check of its own."""
        return not (self.allowed or self.undecided)


class Search:
    """Escalation edges of an inventory's AWS users and roles."""

    def __init__(
        self,
        inventory: Inventory,
        evaluator: AwsEvaluator,
        methods: Sequence[EscalationMethod],
        *,
        group_targets: bool = False,
    ) -> None:
        """Index the inventory and prepare the methods once."""
        self.estate = Estate(inventory)
        self._evaluator = evaluator
        self._pruner = Pruner([make_plan(m, evaluator.catalog) for m in methods])
        self._candidates = Candidates(self.estate)
        self._options = Options(self.estate)
        self._patterns = Patterns()
        self._shared: Shared = {}
        self._group_targets = group_targets

    def attackers(self, identities: Iterable[IdentityId] | None) -> list[Identity]:
        """The users and roles to search from: all of them, or those named (in that order)."""
        estate = self.estate
        if identities is None:
            return [i for i in estate.identities.values() if i.kind in _ATTACKERS]
        chosen = (estate.identities.get(i) for i in dict.fromkeys(identities))
        return [i for i in chosen if i is not None and i.kind in _ATTACKERS]

    def edges_of(self, attacker: Identity) -> list[AnyEdge]:
        """Every escalation edge from one attacker (group edges only when grouping)."""
        effective = self._evaluator.effective(attacker.id)
        boundary = bool(self.estate.boundaries(attacker.id))
        checker = Checker(
            self._evaluator,
            self._patterns,
            attacker.id,
            effective,
            resource_policies=self.estate.resource_policies,
            principals=self.estate.principals(attacker.container),
            admitted_by=frozenset(self.estate.roles_naming(attacker)),
            rcps=self.estate.guardrails.name_roles(attacker.container),
            shared=self._shared,
            facts=(attacker.container, attacker.kind, boundary),
            targets=self.estate,
        )
        admin = admin_evidence(checker, has_boundary=boundary)
        edges: list[AnyEdge] = []
        if admin is not None:
            edges.append(_edge(attacker.id, AdminTarget(attacker.container), HOLDS_ADMIN, admin))
            # An administrator already reaches whatever a method could give it in its account.
            # One that is so only under conditions is searched on while it holds some
            # escalation action outright: otherwise every edge found would be as conditional
            # as the one it has.
            if admin.outcome is Outcome.ALLOWED or not effective.allowed & self._pruner.mask:
                return edges
        for plan, alternatives in self._pruner.viable(effective.allowed | effective.conditional):
            if attacker_fits(plan.method, attacker, self.estate) and self._candidates.of(
                plan, attacker
            ):
                prepared = self._prepare(plan, alternatives, attacker, checker)
                if prepared:
                    edges += self._plan_edges(plan, prepared, attacker, checker)
        return edges

    def _prepare(
        self,
        plan: Plan,
        alternatives: tuple[Alternative, ...],
        attacker: Identity,
        checker: Checker,
    ) -> list[Prepared]:
        method = plan.method
        start = Evidence()
        if not account_fits(method, self.estate, attacker.container, start):
            return []
        prepared = []
        for alternative in alternatives:
            evidence: Evidence | None = start.copy()
            dependent: Bindings = []
            for points_at, bindings in alternative.bindings:
                if points_at in DEPENDENT:
                    dependent.append((points_at, bindings))
                elif evidence is not None:
                    evidence = self._bind(plan, points_at, bindings, evidence, attacker, checker)
            if evidence is not None:
                if method.target is Target.SELF:
                    self._capped_gain(method, attacker, evidence)
                prepared.append(Prepared(alternative, evidence, dependent))
        return prepared

    def _bind(
        self,
        plan: Plan,
        points_at: PointsAt,
        bindings: Sequence[ResourceBinding],
        evidence: Evidence,
        attacker: Identity,
        checker: Checker,
        candidate: Candidate | None = None,
        rewrites_trust: bool = False,
    ) -> Evidence | None:
        where = candidate or Candidate(AdminTarget(attacker.container))
        options = self._options.of(points_at, bindings, plan, attacker, where)
        context = context_of(plan, points_at)
        return _choose(options, bindings, evidence, checker, context, rewrites_trust)

    def _plan_edges(
        self, plan: Plan, prepared: list[Prepared], attacker: Identity, checker: Checker
    ) -> list[AnyEdge]:
        method = plan.method
        if method.target is Target.SELF:
            best = _best(p.base for p in prepared)
            mine = AdminTarget(attacker.container)
            return [] if best is None else [_edge(attacker.id, mine, method.id, best)]
        edges: list[AnyEdge] = []
        judged: list[_Judged] = []
        for group, allowed, undecided in self._judged_parts(plan, prepared, attacker, checker):
            uniform = _best_uniform(allowed)
            if (
                self._group_targets
                and uniform is not None
                and (uniform.evidence.outcome is Outcome.ALLOWED or not undecided)
            ):
                per_member = tuple(dict.fromkeys(b.action for b, _ in uniform.decisions))
                edges.append(
                    _group_edge(attacker.id, group, method.id, uniform.evidence, per_member)
                )
                allowed, undecided = [], []  # the group edge settles every member
            judged.append(_Judged(group, self.estate.member_set(group), allowed, undecided))
        for candidate in self._narrowed(plan, attacker, checker, judged):
            target = candidate.target
            if target != attacker.id and isinstance(target, str):
                found = self._candidate(plan, prepared, judged, attacker, candidate, checker)
                if found is not None:
                    edges.append(_edge(attacker.id, target, method.id, found))
        return edges

    def _judged_parts(
        self, plan: Plan, prepared: list[Prepared], attacker: Identity, checker: Checker
    ) -> Iterator[tuple[RoleGroup, list[Uniform], list[Prepared]]]:
        """Each group of the plan judged whole, or in parts when the attacker's statements
        single out some members (a Deny on a path) and each part is then alike."""
        for group in role_groups(self.estate, plan, attacker.container):
            allowed, undecided = judge(plan, prepared, group, checker, self.estate)
            parts = None
            if undecided and self._group_targets:
                actions = {b.action for p in undecided for _, bs in p.dependent for b in bs}
                parts = checker.split(sorted(actions), group)
            if parts is None or len(parts) < 2 or len(parts) > _MAX_PARTS:
                yield group, allowed, undecided
                continue
            for part in parts:
                yield part, *judge(plan, prepared, part, checker, self.estate)

    def _candidate(
        self,
        plan: Plan,
        prepared: list[Prepared],
        judged: list[_Judged],
        attacker: Identity,
        candidate: Candidate,
        checker: Checker,
    ) -> Evidence | None:
        """The best evidence for one candidate, reusing what its group's judgment settled."""
        target = IdentityId(str(candidate.target))
        mine = next((j for j in judged if target in j.members), None)
        if mine is None:
            return _best(self._attempt(plan, p, attacker, candidate, checker) for p in prepared)
        group = mine.group
        found = [member_evidence(plan, u, target, self.estate, group) for u in mine.allowed]
        found += [self._attempt(plan, p, attacker, candidate, checker) for p in mine.undecided]
        return _best(found)

    def _narrowed(
        self, plan: Plan, attacker: Identity, checker: Checker, judged: list[_Judged]
    ) -> Sequence[Candidate]:
        """The candidates worth a check: outside settled groups, and nameable by the gates."""
        if judged and all(j.settled for j in judged):
            return self._candidates.outside(plan, attacker, [j.group for j in judged])
        candidates = self._candidates.of(plan, attacker)
        indexed = self._candidates.index(plan, attacker)
        if any(j.allowed for j in judged) or indexed is None or len(candidates) < 2:
            return candidates
        # Only a target some identity statement could name can pass a gate action: select
        # them through cached pattern matches instead of testing every candidate.
        key, targets, position = indexed
        chosen: set[str] | None = None
        for action, admitted in plan.gates:
            patterns = checker.allow_patterns(action, governed=admitted)
            if patterns is None or ANYWHERE in patterns:
                continue
            named: set[str] = set(checker.admitted_by) if admitted else set()
            for pattern in patterns:
                named |= self._patterns.matching(pattern, key, targets) or frozenset()
            chosen = named if chosen is None else chosen & named
        if chosen is None:
            return candidates
        kept = (t for t in chosen if t in position)
        return [candidates[position[t]] for t in sorted(kept, key=position.__getitem__)]

    def _attempt(
        self,
        plan: Plan,
        prepared: Prepared,
        attacker: Identity,
        candidate: Candidate,
        checker: Checker,
    ) -> Evidence | None:
        method = plan.method
        target = candidate.target if isinstance(candidate.target, str) else None
        evidence: Evidence | None = prepared.base.copy()
        if evidence is None:
            return None
        if target is not None and method.target is Target.PASSED_ROLE:
            evidence.through(target)
            note = trust_condition(method, self.estate, target)
            if note is not None:
                evidence.note(note)
        if not target_fits(method, self.estate, target, evidence):
            return None
        rewrites = prepared.alternative.rewrites_trust
        for points_at, bindings in prepared.dependent:
            evidence = self._bind(
                plan, points_at, bindings, evidence, attacker, checker, candidate, rewrites
            )
            if evidence is None:
                return None
        return evidence

    def _capped_gain(
        self, method: EscalationMethod, attacker: Identity, evidence: Evidence
    ) -> None:
        # Methods that lift a boundary are the way past it; any other method that widens the
        # attacker itself is still capped by it (IAM User Guide: Permissions boundaries).
        boundary = self.estate.boundaries(attacker.id)
        if boundary and not method.prerequisites_of(PrerequisiteKind.HAS_PERMISSIONS_BOUNDARY):
            evidence.note(f"the permissions boundary {boundary[0]} caps what this method gains")
        if method.prerequisites_of(PrerequisiteKind.DENY_POLICY_ATTACHED):
            evidence.note("the gain is what the removed Deny blocked", conditional=False)


def _best_uniform(found: list[Uniform]) -> Uniform | None:
    chosen = _best(u.evidence for u in found)
    return next((u for u in found if u.evidence is chosen), None)


def _best(found: Iterable[Evidence | None]) -> Evidence | None:
    """The first allowed evidence, else the first conditional one."""
    fallback = None
    for evidence in found:
        if evidence is not None and evidence.outcome is Outcome.ALLOWED:
            return evidence
        fallback = fallback or evidence
    return fallback


def _choose(
    options: Sequence[Option],
    bindings: Sequence[ResourceBinding],
    evidence: Evidence,
    checker: Checker,
    context: Context,
    rewrites_trust: bool,
) -> Evidence | None:
    """The evidence extended by the first option on which every binding is allowed."""
    fallback = None
    for option in options:
        trial = evidence.copy() if len(options) > 1 else evidence
        if _try(option, bindings, trial, checker, context, rewrites_trust):
            if trial.outcome is Outcome.ALLOWED:
                return trial
            fallback = fallback or trial
    return fallback


def _try(
    option: Option,
    bindings: Sequence[ResourceBinding],
    evidence: Evidence,
    checker: Checker,
    context: Context,
    rewrites_trust: bool,
) -> bool:
    for binding in bindings:
        action, resource = binding.action, option.resource
        if resource == ANYWHERE:
            decision = checker.anywhere(action, context)
        elif rewrites_trust and action == ASSUME:
            decision = checker.assume_after_rewrite(resource)
        else:
            decision = checker.on(action, resource, context)
        if not evidence.add(action, resource, decision):
            return False
    for extra_action, resource in option.extra:
        if not evidence.add(extra_action, resource, checker.on(extra_action, resource)):
            return False
    evidence.through(*option.via)
    for text in option.notes:
        evidence.note(text)
    return True


_MAX_PARTS = 16
"""Beyond this many parts a group is judged member by member."""


def _group_edge(
    source: IdentityId,
    group: RoleGroup,
    method: str,
    evidence: Evidence,
    per_member: tuple[str, ...],
) -> GroupEscalationEdge:
    return GroupEscalationEdge(
        source=source,
        group=group,
        method=method,
        per_member=per_member,
        outcome=evidence.outcome,
        permissions=tuple(evidence.permissions),
        statements=tuple(evidence.statements),
        via=tuple(evidence.via),
        unknown_condition_keys=tuple(sorted(evidence.unknown)),
        notes=tuple(evidence.notes),
    )


def _edge(
    source: IdentityId, target: IdentityId | AdminTarget, method: str, evidence: Evidence
) -> EscalationEdge:
    return EscalationEdge(
        source=source,
        target=target,
        method=method,
        outcome=evidence.outcome,
        permissions=tuple(evidence.permissions),
        statements=tuple(evidence.statements),
        via=tuple(evidence.via),
        unknown_condition_keys=tuple(sorted(evidence.unknown)),
        notes=tuple(evidence.notes),
    )
