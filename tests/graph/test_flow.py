"""The augmenting-path minimum cut against networkx's maximum flow on random graphs."""

from __future__ import annotations

import networkx as nx
from hypothesis import example, given, settings
from hypothesis import strategies as st

from overgrant.graph.flow import nearest_minimum_cut

NODES = [f"n{i}" for i in range(9)]
edges_strategy = st.lists(
    st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)).filter(lambda e: e[0] != e[1]),
    max_size=30,
    unique=True,
)


@settings(max_examples=200, deadline=None)
@given(edges=edges_strategy, sinks=st.sets(st.sampled_from(NODES[1:]), min_size=1, max_size=3))
# The first path found (n0, n1, n2, n3) must be partly undone for the second.
@example(edges=[("n0", "n1"), ("n0", "n2"), ("n1", "n2"), ("n1", "n3"), ("n2", "n3")], sinks={"n3"})
def test_cut_is_minimum_and_disconnects(edges: list[tuple[str, str]], sinks: set[str]) -> None:
    graph = nx.DiGraph(edges)
    graph.add_node("n0")
    successors = {n: sorted(graph.successors(n)) for n in graph}
    cut = nearest_minimum_cut(
        "n0", lambda n: successors.get(n, []), sinks, cuttable=lambda _e: True, bound=len(edges)
    )
    flow_graph = graph.copy()
    for sink in sinks:
        flow_graph.add_edge(sink, "sink", capacity=len(edges) + 1)
    for u, v in graph.edges:
        flow_graph.edges[u, v]["capacity"] = 1
    flow_graph.add_node("sink")
    expected = nx.maximum_flow_value(flow_graph, "n0", "sink")
    assert len(cut) == expected
    remaining = graph.copy()
    remaining.remove_edges_from(cut)
    reached = nx.descendants(remaining, "n0")
    assert not reached & sinks
