"""The minimum edge cut nearest a source, by augmenting paths over a graph given by a function.

Cuts in attack graphs are small (one to a few permissions), so the maximum flow is found in as
many breadth-first searches as the cut has edges, and each search stops at the first sink it
meets. The graph is explored through ``successors`` as the searches go, never copied: on large
estates the part of the graph within reach of one identity holds tens of thousands of edges, of
which a cut near the identity touches a handful. (networkx's flow functions build the whole
residual network first, which dominated the run time.)
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable

Edge = tuple[str, str]


def nearest_minimum_cut(
    source: str,
    successors: Callable[[str], Iterable[str]],
    sinks: Collection[str],
    *,
    cuttable: Callable[[Edge], bool],
    bound: int,
) -> list[Edge]:
    """The fewest cuttable edges whose removal disconnects ``source`` from every sink.

    Among cuts of the same size, the one nearest ``source``: its edges leave the set of nodes
    the residual network still reaches from the source. Cuttable edges have capacity one, the
    others are unbounded; a route of unbounded edges only (or a maximum flow above ``bound``)
    means no cut exists, and the result is empty.

    Args:
        source: where the paths start.
        successors: the graph: the nodes each node has an edge to.
        sinks: nodes whose reaching counts as reaching the sink.
        cuttable: whether an edge may be cut.
        bound: the most edges a cut may hold (say, the cuttable edges out of the source).
    """
    if source in sinks:
        return []
    flow: dict[Edge, int] = defaultdict(int)
    # Where flow runs, the residual network has a reverse edge: kept per node as it appears.
    flowing_in: dict[str, set[str]] = defaultdict(set)

    def room(edge: Edge) -> bool:
        return flow[edge] < 1 or (not cuttable(edge) and flow[edge] <= bound)

    def search() -> tuple[dict[str, tuple[str, bool]], str | None]:
        came: dict[str, tuple[str, bool]] = {source: (source, True)}
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for after in successors(node):
                if after not in came and room((node, after)):
                    came[after] = (node, True)
                    if after in sinks:
                        return came, after
                    queue.append(after)
            for before in flowing_in[node]:
                if before not in came:
                    came[before] = (node, False)
                    queue.append(before)
        return came, None

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
            edge = (before, node) if forward else (node, before)
            flow[edge] += 1 if forward else -1
            if flow[edge] > 0:
                flowing_in[edge[1]].add(edge[0])
            else:
                flowing_in[edge[1]].discard(edge[0])
            node = before
    near = came.keys()
    return [(u, v) for u in near for v in successors(u) if v not in near and cuttable((u, v))]
