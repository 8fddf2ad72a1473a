"""Deciding a method for a whole group of roles at once, and per-member evidence from that.

When the evaluator's decisions on a method's target-dependent actions are provably the same for
every member of a :class:`RoleGroup` (:meth:`Checker.uniform`), the method is decided once for
the group: allowed for all (one group edge, or one edge per member built without asking the
evaluator again), or denied for all (no member is tried again).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from overgrant.catalogs.escalation import PointsAt, ResourceBinding, Target
from overgrant.graph.effective.decision import Decision, Effect, Outcome, StatementRef
from overgrant.graph.escalation.aws_checks import ANYWHERE, ASSUME, Checker, Context
from overgrant.graph.escalation.aws_edges import ACCOUNT, RoleGroup
from overgrant.graph.escalation.aws_estate import Estate
from overgrant.graph.escalation.aws_evidence import Evidence
from overgrant.graph.escalation.aws_plan import Alternative, Plan
from overgrant.graph.escalation.aws_prereq import target_fits, trust_condition
from overgrant.model import IdentityId

Bindings = list[tuple[PointsAt, tuple[ResourceBinding, ...]]]


@dataclass(slots=True)
class Prepared:
    """One action set of a method with its target-independent part already checked."""

    alternative: Alternative
    base: Evidence
    dependent: Bindings


@dataclass(frozen=True, slots=True)
class Uniform:
    """An action set allowed for every member of a group, with the decisions that say so."""

    prepared: Prepared
    evidence: Evidence
    """The group's evidence: target-dependent permissions listed on ``"*"``."""
    decisions: tuple[tuple[ResourceBinding, Decision], ...]


def context_of(plan: Plan, points_at: PointsAt) -> Context:
    """The request context of a binding's checks (``iam:PassedToService`` for passed roles)."""
    if points_at is PointsAt.PASSED_ROLE:
        return plan.passed
    if points_at is PointsAt.AUXILIARY_ROLE:
        return plan.auxiliary
    return ()


def judge(
    plan: Plan, prepared: list[Prepared], group: RoleGroup, checker: Checker, estate: Estate
) -> tuple[list[Uniform], list[Prepared]]:
    """The action sets allowed for every member, and those that must be decided per member.

    Action sets denied for every member (one of their actions is) are in neither list.
    """
    first_trust = estate.identities[group.members[0]].trust_policy
    allowed: list[Uniform] = []
    undecided: list[Prepared] = []
    for item in prepared:
        found = _uniform(plan, item, group, checker)
        if found is _UNDECIDED:
            undecided.append(item)
        elif isinstance(found, Uniform):
            # sts:AssumeRole was decided on the first member; its trust statement stands for
            # each member's own delegation, which the group's definition makes alike.
            found.evidence.statements = {
                ref: None for ref in found.evidence.statements if ref.permission_set != first_trust
            }
            if group.conditional:
                found.evidence.note(
                    f"the trust policies of these roles let {group.trusting} assume them only "
                    "under a condition"
                )
            allowed.append(found)
    return allowed, undecided


_UNDECIDED = object()
_DENIED = object()


def _uniform(plan: Plan, item: Prepared, group: RoleGroup, checker: Checker) -> object:
    """The action set's :class:`Uniform` answer, or whether it is denied or undecided."""
    decisions: list[tuple[ResourceBinding, Decision]] = []
    evidence = item.base.copy()
    undecided = False
    rewrites = item.alternative.rewrites_trust
    for binding in (b for _, bindings in item.dependent for b in bindings):
        context = context_of(plan, binding.points_at)
        decision = checker.uniform(binding.action, context, group, rewrites_trust=rewrites)
        if decision is None:
            undecided = True
        elif decision.outcome is Outcome.DENIED:
            return _DENIED  # one action denied on every member denies the whole set
        else:
            evidence.add(binding.action, ANYWHERE, decision)
            decisions.append((binding, decision))
    return _UNDECIDED if undecided else Uniform(item, evidence, tuple(decisions))


def member_evidence(
    plan: Plan, uniform: Uniform, member: IdentityId, estate: Estate, group: RoleGroup
) -> Evidence | None:
    """The evidence of the edge to one member, from the group's decisions."""
    evidence = uniform.prepared.base.copy()
    if plan.method.target is Target.PASSED_ROLE:
        evidence.through(member)
        note = trust_condition(plan.method, estate, member)
        if note is not None:
            evidence.note(note)
    if not target_fits(plan.method, estate, member, evidence):
        return None
    for binding, decision in uniform.decisions:
        if binding.action == ASSUME:
            decision = _own_trust(decision, member, estate, group)
        evidence.add(binding.action, member, decision)
    return evidence


def _own_trust(
    decision: Decision, member: IdentityId, estate: Estate, group: RoleGroup
) -> Decision:
    """The decision with the first member's trust statement swapped for the member's own."""
    first = estate.identities[group.members[0]].trust_policy
    own = estate.identities[member].trust_policy
    delegation = estate.trust(member).delegation(group.account)
    swapped = None
    if group.trusting == ACCOUNT and own is not None and delegation is not None:
        index, sid = delegation
        swapped = StatementRef(permission_set=own, index=index, sid=sid, effect=Effect.ALLOW)
    refs = (swapped if r.permission_set == first else r for r in decision.statements)
    kept = tuple(dict.fromkeys(r for r in refs if r is not None))
    return replace(decision, statements=kept)
