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
from networkx.algorithms.flow import edmonds_karp

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
    """What an identity reaches: directly (one hop) and transitively (any number of hops).

    ``transitive`` lists every node only when details were asked for (it can hold most of a
    large estate); ``transitive_count`` is always set.
    """

    source: NodeKey
    direct: tuple[NodeKey, ...]
    admin_of: tuple[NodeKey, ...]
    transitive_count: int
    transitive: tuple[NodeKey, ...] = ()


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
        self._reach: dict[str, int] | None = None
        self._bit_nodes: list[str] = []
        self._admin_mask = 0
        self._admin_distance: dict[int, dict[str, int]] = {}

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

    def _reachability(self) -> dict[str, int]:
        """For every node, the set of nodes it reaches, as a bitset over node positions.

        Computed once for the whole graph on its condensation (strongly connected components
        in reverse topological order), so that every identity's blast radius costs one pass
        instead of one traversal per identity.
        """
        if self._reach is None:
            nodes = list(self.view)
            position = {n: i for i, n in enumerate(nodes)}
            condensed = nx.condensation(self.view)
            component_of = condensed.graph["mapping"]
            component_bits: dict[int, int] = {}
            for component in reversed(list(nx.topological_sort(condensed))):
                bits = 0
                for node in condensed.nodes[component]["members"]:
                    bits |= 1 << position[node]
                for after in condensed.successors(component):
                    bits |= component_bits[after]
                component_bits[component] = bits
            reach = {}
            for node in nodes:
                component = component_of[node]
                bits = component_bits[component]
                if len(condensed.nodes[component]["members"]) == 1:
                    bits &= ~(1 << position[node])  # a node reaches itself only via a cycle
                reach[node] = bits
            self._bit_nodes = nodes
            self._admin_mask = sum(1 << position[a] for a in self.admins)
            self._reach = reach
        return self._reach

    def _nodes_of(self, bits: int) -> list[NodeKey]:
        found: list[NodeKey] = []
        while bits:
            low = bits & -bits
            found.append(NodeKey(self._bit_nodes[low.bit_length() - 1]))
            bits ^= low
        return found

    def blast_radius(self, source: str, *, details: bool = False) -> BlastRadius:
        """Nodes reachable from ``source`` in one hop and in any number of hops.

        Args:
            source: the node key of an identity.
            details: list every transitively reached node, not only count them.
        """
        if source not in self.view:
            return BlastRadius(source=NodeKey(source), direct=(), admin_of=(), transitive_count=0)
        bits = self._reachability()[source]
        return BlastRadius(
            source=NodeKey(source),
            direct=tuple(sorted(self.view.successors(source))),
            admin_of=tuple(sorted(self._nodes_of(bits & self._admin_mask))),
            transitive_count=bits.bit_count(),
            transitive=tuple(sorted(self._nodes_of(bits))) if details else (),
        )

    def _distance_to_admin(self, max_hops: int) -> dict[str, int]:
        """Hops from each node to its nearest admin node (one reverse BFS from all of them)."""
        cached = self._admin_distance.get(max_hops)
        if cached is None:
            distance = dict.fromkeys(self.admins, 0)
            queue = deque(self.admins)
            while queue:
                node = queue.popleft()
                if distance[node] >= max_hops:
                    continue
                for before in self.view.predecessors(node):
                    if before not in distance:
                        distance[before] = distance[node] + 1
                        queue.append(before)
            cached = self._admin_distance[max_hops] = distance
        return cached

    def minimum_cut(self, source: str, *, max_hops: int = DEFAULT_MAX_HOPS) -> list[AttackEdge]:
        """The fewest edges whose removal leaves ``source`` no path of at most ``max_hops``
        hops to any admin node.

        Among cuts of the same size the one closest to ``source`` is chosen. Each returned edge
        lists the permissions that enable it: removing any of them (or the statements that
        grant them) cuts that edge. Computed as a minimum s-t cut with a super-sink joined to
        every admin node, on the edges that lie on some path short enough to be reported.
        """
        if source not in self.view:
            return []
        to_admin = self._distance_to_admin(max_hops)
        if source not in to_admin:
            return []
        from_source = nx.single_source_shortest_path_length(self.view, source, cutoff=max_hops)
        edges = [
            (u, v)
            for u, du in from_source.items()
            for v in self.view.successors(u)
            if v in to_admin and du + 1 + to_admin[v] <= max_hops
        ]
        first = [(u, v) for u, v in edges if u == source]
        if len(first) == 1:  # every path leaves through one edge: that edge is the cut
            return [self.best(*first[0])]
        # Unit capacities: the maximum flow is the size of the smallest cut, found in as many
        # augmenting-path searches as the cut has edges. The nodes still reachable from the
        # source in the residual network give the minimum cut nearest the source (networkx's
        # minimum_cut returns the one nearest the sink): the identity's own excess
        # permissions, the fix its owner can make.
        flow = nx.DiGraph()
        flow.add_edges_from(edges, capacity=1)
        sink = "__sink__"
        for admin in self.admins:
            if admin in flow:
                flow.add_edge(admin, sink, capacity=len(edges) + 1)
        residual = edmonds_karp(flow, source, sink)
        near = {source}
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for after, data in residual[node].items():
                if after not in near and data["capacity"] - data["flow"] > 0:
                    near.add(after)
                    queue.append(after)
        cut = [(u, v) for u, v in edges if u in near and v not in near]
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
