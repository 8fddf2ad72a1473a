"""The minimum edge cut nearest a source, by augmenting paths on a small unit-capacity graph.

Cuts in attack graphs are small (one to a few permissions), so the maximum flow is found in
as many breadth-first searches as the cut has edges. Plain dicts are used rather than
networkx's flow functions, whose residual-network construction dominated the run time on
graphs of a few thousand edges per source.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Collection, Sequence

Edge = tuple[str, str]


def nearest_minimum_cut(
    source: str,
    edges: Sequence[Edge],
    sinks: Collection[str],
    *,
    cuttable: Callable[[Edge], bool],
) -> list[Edge]:
    """The fewest cuttable edges whose removal disconnects ``source`` from every sink.

    Among cuts of the same size, the one whose edges lie nearest ``source`` (the nodes left on
    the source side are the ones the residual network still reaches from it). Edges that are
    not cuttable never appear in the cut; if only such edges connect the source to a sink,
    there is no cut and the result is empty.

    Args:
        source: where the paths start.
        edges: the directed edges (no duplicates); only these are considered.
        sinks: nodes whose reaching counts as reaching the sink.
        cuttable: whether an edge may be cut (capacity one); others have unbounded capacity.
    """
    out: dict[str, list[str]] = defaultdict(list)
    into: dict[str, list[str]] = defaultdict(list)
    for u, v in edges:
        out[u].append(v)
        into[v].append(u)
    if source in sinks:
        return []
    unbounded = len(edges) + 1  # more than any cut can hold
    capacity = {e: (1 if cuttable(e) else unbounded) for e in edges}
    flow: dict[Edge, int] = dict.fromkeys(edges, 0)

    def search() -> tuple[dict[str, tuple[str, bool]], str | None]:
        """Breadth-first search of the residual network: (how each node was reached, the
        sink node reached or None)."""
        came: dict[str, tuple[str, bool]] = {source: (source, True)}
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for after in out[node]:
                if after not in came and flow[(node, after)] < capacity[(node, after)]:
                    came[after] = (node, True)
                    if after in sinks:
                        return came, after
                    queue.append(after)
            for before in into[node]:
                if before not in came and flow[(before, node)] > 0:
                    came[before] = (node, False)
                    queue.append(before)
        return came, None

    # A cut has at most as many edges as can be cut: a flow beyond that means an unbounded
    # route from source to sink, which no cut of permissions can stop.
    bound = sum(1 for e in edges if capacity[e] == 1)
    total = 0
    while True:
        came, reached = search()
        if reached is None:
            break
        total += 1
        if total > bound:
            return []
        node = reached
        while node != source:
            before, forward = came[node]
            if forward:
                flow[(before, node)] += 1
            else:
                flow[(node, before)] -= 1
            node = before
    near = came.keys()
    return [(u, v) for u, v in edges if u in near and v not in near and capacity[(u, v)] == 1]
