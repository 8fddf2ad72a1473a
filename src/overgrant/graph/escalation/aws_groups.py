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
from overgrant.graph.escalation.aws_prereq import target_fits
from overgrant.model import IdentityId

Bindings = list[tuple[PointsAt, list[ResourceBinding]]]


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

    Action sets denied for every member are in neither list.
    """
    first_trust = estate.identities[group.members[0]].trust_policy
    allowed: list[Uniform] = []
    undecided: list[Prepared] = []
    for item in prepared:
        decisions: list[tuple[ResourceBinding, Decision]] = []
        evidence = item.base.copy()
        verdict = Outcome.ALLOWED
        for _, bindings in item.dependent:
            for binding in bindings:
                context = context_of(plan, binding.points_at)
                rewrites = item.alternative.rewrites_trust
                decision = checker.uniform(binding.action, context, group, rewrites_trust=rewrites)
                if decision is None:
                    verdict = Outcome.CONDITIONAL  # standing in for "not decided here"
                elif not evidence.add(binding.action, ANYWHERE, decision):
                    verdict = Outcome.DENIED
                else:
                    decisions.append((binding, decision))
        if verdict is Outcome.DENIED:
            continue
        if verdict is Outcome.CONDITIONAL:
            undecided.append(item)
        else:
            # sts:AssumeRole was decided on the first member; its trust statement stands for
            # each member's own delegation, which the group's definition makes alike.
            evidence.statements = {
                ref: None for ref in evidence.statements if ref.permission_set != first_trust
            }
            allowed.append(Uniform(item, evidence, tuple(decisions)))
    return allowed, undecided


def member_evidence(
    plan: Plan, uniform: Uniform, member: IdentityId, estate: Estate, group: RoleGroup
) -> Evidence | None:
    """The evidence of the edge to one member, from the group's decisions."""
    evidence = uniform.prepared.base.copy()
    if plan.method.target is Target.PASSED_ROLE:
        evidence.through(member)
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
    refs = [r for r in decision.statements if r.permission_set != first]
    delegation = estate.trust(member).delegation(group.account)
    if group.trusting == ACCOUNT and own is not None and delegation is not None:
        index, sid = delegation
        refs.append(StatementRef(permission_set=own, index=index, sid=sid, effect=Effect.ALLOW))
    return replace(decision, statements=tuple(refs))
