"""AWS privilege escalation: which identities can turn their permissions into more.

For every AWS user and role (the attacker) and every method of the escalation catalog
(``catalogs/data/aws_escalation.yaml``), the search finds the identities the attacker can gain,
or administrator of its account, with the exact permissions, statements and intermediaries
that make it possible::

    evaluator = AwsEvaluator(inventory, load_aws_catalog())
    edges = find_escalations(inventory, evaluator, load_aws_escalation_methods())

How it stays fast on large estates, without changing any answer the evaluator would give:

1. each attacker's effective permissions (action bitsets) rule out most methods with one
   integer test per action set, memoized for attackers that hold the same relevant actions;
2. targets come from per-account indexes built once (roles by trusted service, roles whose
   trust names a principal, compute by the role it runs as, policies and groups per identity);
3. only the (action, resource, context) questions a method needs go to the evaluator, once
   each, and not at all where the statements that apply settle the answer already
   (:mod:`aws_checks`);
4. a method is decided once for a whole :class:`RoleGroup` when the decision is provably the
   same for every member (:mod:`aws_groups`). :func:`find_escalations` then builds the edge to
   each member from it; :func:`find_escalations_grouped` returns one edge to the group, which
   keeps the output linear in the attackers (``AWSLambda_FullAccess`` alone lets its holder
   pass every role Lambda may assume).

Scope and choices, each for a stated reason:

* An attacker that is unconditionally admin-equivalent (:func:`admin_decision`) gets a single
  ``holds-admin`` edge to :class:`AdminTarget` and is not searched further: within its account
  every method could only give it what it already has, and an edge to every identity of the
  account from every administrator would grow with the square of the account. A graph that
  needs "an administrator reaches every identity of its account" draws it from the
  ``AdminTarget`` node. One that is admin-equivalent only under conditions gets a conditional
  ``holds-admin`` edge and is searched on if it holds some escalation action outright.
* Targets stay in the attacker's account: ``iam:PassRole`` passes only roles of the caller's
  account, and the IAM write actions act on the caller's account. Assuming a role of another
  account is a ``can_assume`` edge of the graph, not an escalation. (``sts-assume-role`` repeats
  ``can_assume`` within the account; leave it out of ``methods`` when the graph draws both.)
* A compute-role method needs a workload the inventory knows runs as the target; a method that
  names no such workload (``codestar-create-project-from-template``) has no target to point at
  and yields no edge.
* Methods that widen the attacker itself point at :class:`AdminTarget`; under a permissions
  boundary (other than methods that lift it) or when joining a group that is not an
  administrators' group, the edge is conditional and its notes say what limits the gain.
* After a trust-policy rewrite (``iam:UpdateAssumeRolePolicy``), ``sts:AssumeRole`` is read from
  the identity side alone, since the rewritten trust names the attacker; the evaluator cannot
  be asked that directly, so it is the decision on ``"*"`` or the identity statements that name
  the role (:meth:`Checker.assume_after_rewrite`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from overgrant.catalogs.escalation import EscalationMethod
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.escalation.aws_admin import admin_decision
from overgrant.graph.escalation.aws_edges import (
    ACCOUNT,
    HOLDS_ADMIN,
    AdminTarget,
    EscalationEdge,
    GroupEscalationEdge,
    RoleGroup,
)
from overgrant.graph.escalation.aws_search import Search
from overgrant.model import IdentityId, Inventory

__all__ = [
    "ACCOUNT",
    "HOLDS_ADMIN",
    "AdminTarget",
    "EscalationEdge",
    "GroupEscalationEdge",
    "RoleGroup",
    "admin_decision",
    "find_escalations",
    "find_escalations_grouped",
    "grouped_edges",
]


def find_escalations(
    inventory: Inventory,
    evaluator: AwsEvaluator,
    methods: Sequence[EscalationMethod],
    *,
    identities: Iterable[IdentityId] | None = None,
) -> list[EscalationEdge]:
    """Every escalation edge from the inventory's AWS users and roles.

    Args:
        inventory: the estate; only its AWS part is read.
        evaluator: an evaluator built over the same inventory.
        methods: the escalation methods to look for (``load_aws_escalation_methods()``).
        identities: attackers to search from (users and roles; others are ignored); every
            AWS user and role when ``None``. Targets are always taken from the whole inventory.

    Returns:
        The edges, attacker by attacker in inventory order (or the order given), then method
        by method in catalog order. No edge leads from an identity to itself, and none is
        ``DENIED``.
    """
    search = Search(inventory, evaluator, methods)
    edges: list[EscalationEdge] = []
    for attacker in search.attackers(identities):
        edges.extend(e for e in search.edges_of(attacker) if isinstance(e, EscalationEdge))
    return edges


def find_escalations_grouped(
    inventory: Inventory,
    evaluator: AwsEvaluator,
    methods: Sequence[EscalationMethod],
    *,
    identities: Iterable[IdentityId] | None = None,
) -> tuple[list[EscalationEdge], list[GroupEscalationEdge]]:
    """The same edges as :func:`find_escalations`, with uniform fan-out drawn through groups.

    Where an attacker reaches every member of a :class:`RoleGroup` by the same method with a
    decision that is provably the same for each (for instance ``iam:PassRole`` allowed on
    ``"*"`` to Lambda, reaching every role Lambda may assume), one
    :class:`GroupEscalationEdge` replaces an :class:`EscalationEdge` per member. On large
    estates this keeps the output linear in the attackers rather than in attackers times
    roles; a graph draws each group once as a node with an edge to each of its members.

    Returns:
        The edges to single targets, and the edges to groups.
    """
    search = Search(inventory, evaluator, methods, group_targets=True)
    return grouped_edges(search, identities)


def grouped_edges(
    search: Search, identities: Iterable[IdentityId] | None
) -> tuple[list[EscalationEdge], list[GroupEscalationEdge]]:
    """:func:`find_escalations_grouped` with a search already prepared (one per worker when
    the attackers are shared out)."""
    single: list[EscalationEdge] = []
    grouped: list[GroupEscalationEdge] = []
    for attacker in search.attackers(identities):
        for edge in search.edges_of(attacker):
            if isinstance(edge, EscalationEdge):
                single.append(edge)
            else:
                grouped.append(edge)
    return single, grouped
