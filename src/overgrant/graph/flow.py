"""The minimum edge cut nearest a source, by augmenting paths over a graph given by a function.

Cuts in attack graphs are small (one to a few permissions), so the maximum flow is found in as
many breadth-first searches as the cut has edges, and each search stops at the first sink it
meets. The graph is explored through ``successors`` as the searches go, never copied: on large
estates the part of the graph within reach of one identity holds tens of thousands of edges, of
which a cut near the identity touches a handful. (networkx's flow functions build the whole
residual network first, which dominated the run time.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator

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

    def steps(node: str) -> Iterator[tuple[str, bool]]:
        for after in successors(node):
            if room((node, after)):
                yield after, True
        for before in flowing_in[node]:
            yield before, False

    def search() -> tuple[dict[str, tuple[str, bool]], str | None]:
        # Depth first, taking successors in the order given (nearest a sink first): an
        # augmenting path needs not be shortest, and diving toward a sink finds one after a
        # few nodes where a breadth-first search would sweep everything nearer the source.
        came: dict[str, tuple[str, bool]] = {source: (source, True)}
        stack = [(source, steps(source))]
        while stack:
            node, pending = stack[-1]
            for after, forward in pending:
                if after not in came:
                    came[after] = (node, forward)
                    if forward and after in sinks:
                        return came, after
                    stack.append((after, steps(after)))
                    break
            else:
                stack.pop()
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
