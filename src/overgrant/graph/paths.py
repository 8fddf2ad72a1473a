"""Attack paths to admin, blast radius, and the smallest fix that cuts every path.

All three walk a projection of the permission graph onto its attack edges (``can_assume`` and
``can_escalate``): a simple DiGraph keeping, for each pair of nodes, the best edge (definitely
allowed before conditional) and its alternatives. networkx's path algorithms for multigraphs
are slow or refuse them; the projection is built once.

Role-group hubs (:attr:`NodeKind.ROLE_GROUP`) stand for an edge to each of their members. The
edge into a hub is the hop; the ``includes`` edge out of it costs nothing, so distances are
found by 0-1 breadth-first search, a path shows the two as one hop to the member, blast radius
never counts a hub, and a minimum cut never cuts an ``includes`` edge (it is not a permission).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import networkx as nx

from overgrant.graph.build import PermissionGraph
from overgrant.graph.edges import AttackEdge
from overgrant.graph.effective.decision import Outcome
from overgrant.graph.flow import nearest_minimum_cut
from overgrant.graph.nodes import HUBS, NodeKey, NodeKind, split_key
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
        # Plain dictionaries for the hot lookups (networkx's edge views cost more than the
        # searches around them); the DiGraph carries the same edges for its algorithms.
        self._best: dict[str, dict[str, AttackEdge]] = {}
        alternatives: dict[tuple[str, str], list[AttackEdge]] = {}
        for edge in permission_graph.attack_edges():
            if edge.outcome is Outcome.DENIED:
                continue
            row = self._best.setdefault(edge.source, {})
            known = row.get(edge.target)
            if known is None:
                row[edge.target] = edge
                alternatives[edge.source, edge.target] = [edge]
                continue
            alternatives[edge.source, edge.target].append(edge)
            if _rank(edge) < _rank(known):
                row[edge.target] = edge
        self.view = nx.DiGraph()
        self.view.add_edges_from(
            (u, v, {"best": edge, "alternatives": alternatives[u, v]})
            for u, row in self._best.items()
            for v, edge in row.items()
        )
        self.admins = [n for n in self.view if split_key(n)[0] is NodeKind.ADMIN]
        self.hubs = frozenset(n for n in self.view if split_key(n)[0] in HUBS)
        self._admin_set = frozenset(self.admins)
        self._reach: dict[str, int] | None = None
        self._bit_nodes: list[str] = []
        self._admin_mask = 0
        self._hub_mask = 0
        self._admin_distance: dict[int, dict[str, int]] = {}
        self._useful: dict[tuple[str, int], list[tuple[str, int]]] = {}
        self._onward_cache: dict[tuple[str, int], list[str]] = {}
        self._collapsed: dict[tuple[str, ...], AttackEdge] = {}
        self._members_behind: dict[str, frozenset[str]] = {}

    def best(self, source: str, target: str) -> AttackEdge:
        return self._best[source][target]

    def alternatives(self, source: str, target: str) -> list[AttackEdge]:
        """Every edge of one hop; for a hop through a hub, the edges into the hub, drawn to
        the member."""
        if self.view.has_edge(source, target):
            edges: list[AttackEdge] = self.view.edges[source, target]["alternatives"]
            return edges
        found: list[AttackEdge] = []
        for hub in self.view.successors(source):
            if hub not in self.hubs:
                continue
            for chain in self._hub_chains(hub, target):
                found.extend(
                    _through_hub([first, *chain], target)
                    for first in self.view.edges[source, hub]["alternatives"]
                )
        return found

    def reached_through_hubs(self, source: str) -> set[str]:
        """The nodes ``source`` reaches in one hop through hubs (the members behind them)."""
        found: set[str] = set()
        pending = [n for n in self.view.successors(source) if n in self.hubs]
        seen = set(pending)
        while pending:
            hub = pending.pop()
            for after in self.view.successors(hub):
                if after in self.hubs:
                    if after not in seen:
                        seen.add(after)
                        pending.append(after)
                elif after != source:
                    found.add(after)
        return found

    def _hub_chains(self, hub: str, target: str, depth: int = 3) -> list[list[AttackEdge]]:
        """The best edges of each way from ``hub`` through hubs only to ``target``."""
        if self.view.has_edge(hub, target):
            return [[]]
        if depth == 0:
            return []
        return [
            [self.best(hub, after), *rest]
            for after in self.view.successors(hub)
            if after in self.hubs
            for rest in self._hub_chains(after, target, depth - 1)
        ]

    def _reverse_distances(
        self, starts: Sequence[str], max_hops: int
    ) -> tuple[dict[str, int], dict[str, str]]:
        """Hops from every node to the nearest of ``starts`` (at most ``max_hops``), and the
        next node on the way (0-1 breadth-first search backwards along the edges).

        At equal distance a definitely-allowed edge is preferred to a conditional one.
        """
        distance = dict.fromkeys(starts, 0)
        next_hop: dict[str, str] = {}
        queue = deque((s, 0) for s in starts)
        predecessors, hubs, best = self.view.pred, self.hubs, self._best
        while queue:
            node, reached = queue.popleft()
            if reached > distance[node]:
                continue  # met again later at a shorter distance
            for before in predecessors[node]:
                cost = 0 if before in hubs else 1  # an edge out of a hub adds no hop
                far = reached + cost
                if far > max_hops:
                    continue
                known = distance.get(before)
                if known is None or far < known:
                    distance[before] = far
                    next_hop[before] = node
                    if cost:
                        queue.append((before, far))
                    else:
                        queue.appendleft((before, far))
                elif known == far:
                    row = best[before]
                    if _rank(row[node]) < _rank(row[next_hop[before]]):
                        next_hop[before] = node
        return distance, next_hop

    def _towards(self, admin: NodeKey, max_hops: int) -> dict[str, str]:
        """Next node toward ``admin`` for every node within ``max_hops`` of it."""
        return self._reverse_distances([admin], max_hops)[1]

    def _hop(self, node: str, next_hop: dict[str, str]) -> tuple[AttackEdge, str]:
        """The hop out of ``node`` toward the target, and the node it reaches (through hubs:
        one hop to the member, drawn once for all paths that share it)."""
        following = next_hop[node]
        if following not in self.hubs:
            return self.best(node, following), following
        chain = [self.best(node, following)]
        through = [following]
        while following in self.hubs:  # on to the member, through any further hubs
            after = next_hop[following]
            if after in self.hubs:
                chain.append(self.best(following, after))
                through.append(after)
            following = after
        key = (node, *through, following)
        hop = self._collapsed.get(key)
        if hop is None:
            hop = self._collapsed[key] = _through_hub(chain, following)
        return hop, following

    def _walk(
        self,
        source: str,
        target: NodeKey,
        next_hop: dict[str, str],
        tails: dict[str, tuple[AttackEdge, ...]],
    ) -> AttackPath:
        """The path from ``source`` along ``next_hop``; ``tails`` keeps the hops onward from
        every node walked, which the paths of other sources to the same target share."""
        walked: list[tuple[str, AttackEdge]] = []
        node = source
        while node != target and node not in tails:
            hop, node = self._hop(node, next_hop)
            walked.append((node, hop))
        tail = () if node == target else tails[node]
        for index in range(len(walked) - 1, -1, -1):
            tail = (walked[index][1], *tail)
            start = source if index == 0 else walked[index - 1][0]
            tails[start] = tail
        return AttackPath(source=NodeKey(source), target=target, hops=tail)

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
            tails: dict[str, tuple[AttackEdge, ...]] = {}
            for source in wanted.intersection(next_hop):
                found[source].append(self._walk(source, admin, next_hop, tails))
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
            # Admin nodes take the lowest positions: an identity's admins are then a small
            # integer to pick apart, not a walk down a bitset over the whole graph.
            nodes = [*self.admins, *(n for n in self.view if n not in self._admin_set)]
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
            self._hub_mask = sum(1 << position[h] for h in self.hubs)
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
        bits = self._reachability()[source] & ~self._hub_mask
        direct: set[str] = set()
        for after in self.view.successors(source):
            if after in self.hubs:
                direct |= self._behind(after)
            else:
                direct.add(after)
        return BlastRadius(
            source=NodeKey(source),
            direct=tuple(sorted(NodeKey(n) for n in direct)),
            admin_of=tuple(sorted(self._nodes_of(bits & self._admin_mask))),
            transitive_count=bits.bit_count(),
            transitive=tuple(sorted(self._nodes_of(bits))) if details else (),
        )

    def _behind(self, hub: str) -> frozenset[str]:
        """The nodes a hub stands for: its members, through any further hubs (cached)."""
        found = self._members_behind.get(hub)
        if found is None:
            members: set[str] = set()
            pending, seen = [hub], {hub}
            while pending:
                for after in self.view.successors(pending.pop()):
                    if after not in self.hubs:
                        members.add(after)
                    elif after not in seen:
                        seen.add(after)
                        pending.append(after)
            found = self._members_behind[hub] = frozenset(members)
        return found

    def _distance_to_admin(self, max_hops: int) -> dict[str, int]:
        """Hops from each node to its nearest admin node (one search from all of them)."""
        cached = self._admin_distance.get(max_hops)
        if cached is None:
            cached = self._admin_distance[max_hops] = self._reverse_distances(
                self.admins, max_hops
            )[0]
        return cached

    def _toward_admin(self, node: str, max_hops: int) -> list[tuple[str, int]]:
        """Successors of ``node`` that reach an admin node, with their hops to it (cached:
        most successors of a hub lead nowhere, and many sources pass through the same hub)."""
        key = (node, max_hops)
        found = self._useful.get(key)
        if found is None:
            to_admin = self._distance_to_admin(max_hops)
            found = self._useful[key] = [
                (v, to_admin[v]) for v in self.view.successors(node) if v in to_admin
            ]
        return found

    def minimum_cut(self, source: str, *, max_hops: int = DEFAULT_MAX_HOPS) -> list[AttackEdge]:
        """The fewest edges whose removal leaves ``source`` no path to any admin node at all.

        Empty when ``source`` has no path of at most ``max_hops`` hops (nothing is reported for
        it). The cut covers paths of any length, not only the reported short ones: a fix that
        left a longer way round open would not be a fix. Among cuts of the same size the one
        closest to ``source`` is chosen. Each returned edge lists the permissions that enable
        it: removing any of them (or the statements that grant them) cuts that edge. Computed
        as a minimum s-t cut with a super-sink joined to every admin node, on a graph that does
        not depend on the source, so each identity costs only the few augmenting searches its
        cut needs.
        """
        if source not in self.view:
            return []
        if source not in self._distance_to_admin(max_hops):
            return []
        horizon = len(self.view)  # no hop limit: every path counts
        first = self._onward(source, horizon)
        if len(first) == 1:  # every path leaves through one edge: that edge is the cut
            return [self.best(source, first[0])]
        # The cut nearest the source: the identity's own excess permissions, the fix its owner
        # can make. An edge out of a hub is not a permission and is never cut.
        cut = nearest_minimum_cut(
            source,
            lambda node: self._onward(node, horizon),
            self._admin_set,
            cuttable=lambda e: e[0] not in self.hubs,
            bound=len(first),
        )
        return sorted((self.best(u, v) for u, v in cut), key=lambda e: (e.source, e.target))

    def _onward(self, node: str, max_hops: int) -> list[str]:
        """Successors of ``node`` within ``max_hops`` hops of an admin node (cached)."""
        key = (node, max_hops)
        found = self._onward_cache.get(key)
        if found is None:
            # Nearest an admin node first: the cut's depth-first searches dive along these.
            toward = sorted(self._toward_admin(node, max_hops), key=lambda pair: pair[1])
            found = self._onward_cache[key] = [v for v, _ in toward]
        return found


def _through_hub(chain: Sequence[AttackEdge], member: str) -> AttackEdge:
    """Edges into a hub (and on through hubs), drawn as one hop to one member: the first
    edge's permissions, with the member-specific ones on the member, and every edge's
    conditions, statements and notes."""
    first = chain[0]
    member_id = split_key(member)[1]
    via = first.via if member_id in first.via else (*first.via, member_id)
    permissions = tuple(
        (action, member_id if action in first.per_member and resource == "*" else resource)
        for action, resource in first.permissions
    )
    later = chain[1:]
    outcome = first.outcome
    if any(e.outcome is not Outcome.ALLOWED for e in later):
        outcome = Outcome.CONDITIONAL
    return replace(
        first,
        target=NodeKey(member),
        via=via,
        permissions=permissions,
        per_member=(),
        outcome=outcome,
        statements=tuple(dict.fromkeys(s for e in chain for s in e.statements)),
        unknown_condition_keys=tuple(sorted({k for e in chain for k in e.unknown_condition_keys})),
        notes=tuple(dict.fromkeys(n for e in chain for n in e.notes)),
    )


def non_human_sources(permission_graph: PermissionGraph) -> Sequence[NodeKey]:
    """Identity nodes that act and are not known to be used by a person (groups only hold)."""
    return [
        NodeKey(key)
        for key, data in permission_graph.graph.nodes(data=True)
        if data.get("kind") == NodeKind.IDENTITY
        and data.get("nature") != Nature.HUMAN
        and data.get("identity_kind") != IdentityKind.GROUP
    ]
