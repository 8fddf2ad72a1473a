"""The attack edges every cloud analyzer produces, in one neutral shape."""

from __future__ import annotations

from dataclasses import dataclass

from overgrant.graph.effective.decision import Outcome, StatementRef
from overgrant.graph.nodes import EdgeKind, NodeKey


@dataclass(frozen=True, slots=True, kw_only=True)
class AttackEdge:
    """``source`` can act as ``target`` (assume it, or escalate into it), and the evidence."""

    kind: EdgeKind
    """:attr:`EdgeKind.CAN_ASSUME` or :attr:`EdgeKind.CAN_ESCALATE`."""
    source: NodeKey
    target: NodeKey
    method: str
    """``sts:AssumeRole``, an escalation method id, ``holds-admin``..."""
    outcome: Outcome
    """ALLOWED, or CONDITIONAL when it depends on keys the inventory does not know."""
    permissions: tuple[tuple[str, str], ...] = ()
    """(action, resource) pairs that enable the edge: what to remove to cut it."""
    statements: tuple[StatementRef, ...] = ()
    via: tuple[str, ...] = ()
    unknown_condition_keys: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    per_member: tuple[str, ...] = ()
    """For an edge into a role-group hub: the actions of :attr:`permissions` that act on each
    member; drawn to one member, they are listed on that member's ARN instead of ``"*"``."""
