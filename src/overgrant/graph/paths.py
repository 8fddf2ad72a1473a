"""Attack paths to admin, blast radius, and the smallest fix that cuts every path.

All three walk a projection of the permission graph onto its attack edges (``can_assume`` and
``can_escalate``): a simple DiGraph keeping, for each pair of nodes, the best edge (definitely
allowed before conditional) and its alternatives. networkx's path algorithms for multigraphs
are slow or refuse them; the projection is built once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from overgrant.graph.build import PermissionGraph
from overgrant.graph.edges import AttackEdge
from overgrant.graph.effective.decision import Outcome
from overgrant.graph.nodes import NodeKey, NodeKind, split_key
from overgrant.model import IdentityKind, Nature

DEFAULT_MAX_HOPS = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class AttackPath:
    """One way from ``source`` to an admin node; every hop carries its evidence."""

    source: NodeKey
    target: NodeKey
    hops: tuple[AttackEdge, ...]

    @property
    def outcome(self) -> Outcome:
        """ALLOWED only when every hop is definitely allowed."""
        if all(h.outcome is Outcome.ALLOWED for h in self.hops):
            return Outcome.ALLOWED
        return Outcome.CONDITIONAL


@dataclass(frozen=True, slots=True, kw_only=True)
class BlastRadius:
    """What an identity reaches: directly (one hop) and transitively (any number of hops)."""

    source: NodeKey
    direct: tuple[NodeKey, ...]
    transitive: tuple[NodeKey, ...]
    admin_of: tuple[NodeKey, ...]


def _rank(edge: AttackEdge) -> tuple[int, int]:
    return (0 if edge.outcome is Outcome.ALLOWED else 1, len(edge.unknown_condition_keys))


class AttackGraph:
    """The attack projection of a :class:`PermissionGraph`."""

    def __init__(self, permission_graph: PermissionGraph) -> None:
        self.view = nx.DiGraph()
        for edge in permission_graph.attack_edges():
            if edge.outcome is Outcome.DENIED:
                continue
            if self.view.has_edge(edge.source, edge.target):
                data = self.view.edges[edge.source, edge.target]
                data["alternatives"].append(edge)
                if _rank(edge) < _rank(data["best"]):
                    data["best"] = edge
            else:
                self.view.add_edge(edge.source, edge.target, best=edge, alternatives=[edge])
        self.admins = [n for n in self.view if split_key(n)[0] is NodeKind.ADMIN]

    def best(self, source: str, target: str) -> AttackEdge:
        edge: AttackEdge = self.view.edges[source, target]["best"]
        return edge

    def alternatives(self, source: str, target: str) -> list[AttackEdge]:
        edges: list[AttackEdge] = self.view.edges[source, target]["alternatives"]
        return edges

    def _towards(self, admin: NodeKey, max_hops: int) -> dict[str, str]:
        """Next hop toward ``admin`` for every node within ``max_hops`` of it (reverse BFS).

        At equal distance a definitely-allowed edge is preferred to a conditional one.
        """
        distance = {admin: 0}
        next_hop: dict[str, str] = {}
        queue = deque([admin])
        while queue:
            node = queue.popleft()
            if distance[node] >= max_hops:
                continue
            for before in self.view.predecessors(node):
                known = distance.get(before)
                if known is None:
                    distance[before] = distance[node] + 1
                    next_hop[before] = node
                    queue.append(before)
                elif known == distance[node] + 1 and _rank(self.best(before, node)) < _rank(
                    self.best(before, next_hop[before])
                ):
                    next_hop[before] = node
        return next_hop

    def _walk(self, source: str, target: NodeKey, next_hop: dict[str, str]) -> AttackPath:
        hops: list[AttackEdge] = []
        node = source
        while node != target:
            following = next_hop[node]
            hops.append(self.best(node, following))
            node = following
        return AttackPath(source=NodeKey(source), target=target, hops=tuple(hops))

    def paths_to_admin(
        self, sources: Iterable[str], *, max_hops: int = DEFAULT_MAX_HOPS
    ) -> dict[str, list[AttackPath]]:
        """For each source, the shortest path (at most ``max_hops``) to every admin it reaches.

        One reverse breadth-first search per admin node serves every source at once.
        """
        wanted = set(sources)
        found: dict[str, list[AttackPath]] = {s: [] for s in wanted}
        for admin in sorted(self.admins):
            next_hop = self._towards(admin, max_hops)
            for source in wanted.intersection(next_hop):
                found[source].append(self._walk(source, admin, next_hop))
        for paths in found.values():
            paths.sort(key=lambda p: (len(p.hops), p.target))
        return found

    def blast_radius(self, source: str) -> BlastRadius:
        """Nodes reachable in one hop and in any number of hops from ``source``."""
        if source not in self.view:
            return BlastRadius(source=NodeKey(source), direct=(), transitive=(), admin_of=())
        reached = nx.descendants(self.view, source)
        return BlastRadius(
            source=NodeKey(source),
            direct=tuple(sorted(self.view.successors(source))),
            transitive=tuple(sorted(reached)),
            admin_of=tuple(sorted(n for n in reached if split_key(n)[0] is NodeKind.ADMIN)),
        )

    def minimum_cut(self, source: str, *, max_hops: int | None = None) -> list[AttackEdge]:
        """The fewest edges whose removal leaves ``source`` no path to any admin node.

        Among cuts of the same size the one closest to ``source`` is chosen. Each returned edge
        lists the permissions that enable it: removing any of them (or the statements that
        grant them) cuts that edge. Computed as a minimum s-t cut with a super-sink joined to
        every admin node.
        """
        if source not in self.view:
            return []
        reachable = nx.descendants(self.view, source) | {source}
        admins = [n for n in reachable if split_key(n)[0] is NodeKind.ADMIN]
        if not admins:
            return []
        # Fewest edges first; among equally small cuts, the one nearest the source: its own
        # excess permissions are the fix its owner can make, not another role's admin grant.
        # Capacity = M + depth with M larger than any sum of depths keeps both orders.
        depth = nx.single_source_shortest_path_length(self.view, source)
        edges = list(self.view.subgraph(reachable).edges())
        big = (len(edges) + 1) * (max(depth.values()) + 1)
        flow = nx.DiGraph()
        for u, v in edges:
            flow.add_edge(u, v, capacity=big + depth[u])
        sink = "__sink__"
        for admin in admins:
            flow.add_edge(admin, sink)  # no capacity attribute: unlimited
        # minimum_cut honours capacities (minimum_edge_cut would not: it counts every edge
        # as one, including the unlimited ones into the sink).
        _, (near, far) = nx.minimum_cut(flow, source, sink)
        cut = [(u, v) for u in near for v in flow.successors(u) if v in far and v != sink]
        return sorted((self.best(u, v) for u, v in cut), key=lambda e: (e.source, e.target))


def non_human_sources(permission_graph: PermissionGraph) -> Sequence[NodeKey]:
    """Identity nodes that act and are not known to be used by a person (groups only hold)."""
    return [
        NodeKey(key)
        for key, data in permission_graph.graph.nodes(data=True)
        if data.get("kind") == NodeKind.IDENTITY
        and data.get("nature") != Nature.HUMAN
        and data.get("identity_kind") != IdentityKind.GROUP
    ]
