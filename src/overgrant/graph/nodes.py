"""Node and edge vocabulary of the permission graph, shared by every cloud.

Node keys are strings ``<kind>:<id>`` so that ids of different namespaces never collide and
the keys read well in JSON output.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NewType

NodeKey = NewType("NodeKey", str)


class NodeKind(StrEnum):
    IDENTITY = "identity"
    PERMISSION_SET = "permission_set"
    SCOPE = "scope"
    WORKLOAD = "workload"
    PROVIDER = "provider"
    EXTERNAL = "external"
    """A principal outside the inventory: another company's account, or anyone at all."""
    ADMIN = "admin"
    """Full control of a scope: an AWS account, an AWS organization."""
    ROLE_GROUP = "role_group"
    """A hub standing for a set of roles that one edge reaches all at once (every role Lambda
    may assume in an account, say): an edge into the hub is an edge to each member, drawn once
    instead of once per member so that the graph stays linear in the identities."""
    CALLER_GROUP = "caller_group"
    """A hub standing for a set of callers that reach the same roles the same way (the users
    or roles of one account allowed ``sts:AssumeRole`` on every role): each caller has one
    edge into it, and it has one edge to each set of roles they may assume."""


class EdgeKind(StrEnum):
    MEMBER_OF = "member_of"
    HOLDS = "holds"
    CONTAINS = "contains"
    RUNS_AS = "runs_as"
    CAN_ASSUME = "can_assume"
    CAN_ESCALATE = "can_escalate"
    INCLUDES = "includes"
    """From a role-group hub to one of its members: not a step an attacker takes (a path
    through a hub counts the edge into it as the hop)."""


ATTACK_EDGES = frozenset({EdgeKind.CAN_ASSUME, EdgeKind.CAN_ESCALATE})

HUBS = frozenset({NodeKind.ROLE_GROUP, NodeKind.CALLER_GROUP})
"""Node kinds that stand for a set of identities: edges out of them are not steps."""
"""Edges an attacker can walk: paths over these are the attack paths."""


def node_key(kind: NodeKind, ident: str) -> NodeKey:
    return NodeKey(f"{kind.value}:{ident}")


def split_key(key: str) -> tuple[NodeKind, str]:
    kind, _, ident = key.partition(":")
    return NodeKind(kind), ident


def admin_key(cloud: str, scope_kind: str, scope: str) -> NodeKey:
    """``admin:aws/account/123456789012``: full control of one scope."""
    return node_key(NodeKind.ADMIN, f"{cloud}/{scope_kind}/{scope}")
