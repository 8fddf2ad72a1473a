"""Attack paths drawn as an inline SVG graph, laid out in layers by hop.

Paths that share nodes are merged and laid out in columns by hop (longest-path layering, so
every edge points right unless it closes a cycle): the starting identities stand on the left and
the admin targets in the last column; rows follow their predecessors to keep edges short. Edges
carry the escalation method; a conditional edge (one that depends on condition keys the
inventory does not know) is dashed. Every label is escaped with :func:`html.escape`, and the
full node id is in a ``<title>`` for hovering.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from overgrant.findings import PathHop
from overgrant.graph.nodes import NodeKind
from overgrant.report.findings_common import node_full, node_label, split_node

NODE_W = 250
NODE_H = 44
GAP_X = 180
GAP_Y = 22
PAD = 16
MAX_NODES = 60
"""A graph with more nodes stops taking paths (the page says how many were left out)."""


@dataclass(slots=True)
class _Layout:
    layer: dict[str, int] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    edges: dict[tuple[str, str], list[PathHop]] = field(default_factory=dict)
    starts: set[str] = field(default_factory=set)
    drawn_paths: int = 0

    def add(self, path: Sequence[PathHop]) -> bool:
        """Merge one path; refuse it (False) when it would pass :data:`MAX_NODES`."""
        nodes = [path[0].source, *(hop.target for hop in path)]
        if len(set(self.layer) | set(nodes)) > MAX_NODES:
            return False
        for depth, node in enumerate(nodes):
            self.layer[node] = min(self.layer.get(node, depth), depth)
            self.order.setdefault(node, len(self.order))
        for hop in path:
            self.edges.setdefault((hop.source, hop.target), []).append(hop)
        self.starts.add(nodes[0])
        self.drawn_paths += 1
        return True

    def columns(self) -> dict[str, int]:
        """Longest-path layering: every edge points right unless it closes a cycle.

        Nodes on a cycle keep the column of the earliest hop that reaches them; admin nodes (the
        targets) all stand in the last column.
        """
        if not self.layer:
            return {}
        successors: dict[str, list[str]] = {node: [] for node in self.layer}
        indegree = dict.fromkeys(self.layer, 0)
        for source, target in self.edges:
            if source != target:
                successors[source].append(target)
                indegree[target] += 1
        queue = deque(
            sorted((n for n, d in indegree.items() if d == 0), key=self.order.__getitem__)
        )
        column = dict.fromkeys(queue, 0)
        while queue:
            node = queue.popleft()
            for target in successors[node]:
                column[target] = max(column.get(target, 0), column[node] + 1)
                indegree[target] -= 1
                if indegree[target] == 0:
                    queue.append(target)
        for node, depth in self.layer.items():
            column.setdefault(node, depth)
        last = max(column.values())
        for node in column:
            if split_node(node)[0] == NodeKind.ADMIN.value and not successors[node]:
                column[node] = last
        return column

    def positions(self) -> dict[str, tuple[int, int]]:
        """Columns by :meth:`columns`; rows ordered by where their predecessors stand."""
        column = self.columns()
        predecessors: dict[str, list[str]] = {node: [] for node in column}
        for source, target in self.edges:
            predecessors[target].append(source)
        row: dict[str, float] = {}
        for layer in sorted(set(column.values())):
            nodes = [n for n in column if column[n] == layer]

            def barycenter(node: str) -> tuple[float, int]:
                placed = [row[p] for p in predecessors[node] if p in row]
                return (sum(placed) / len(placed) if placed else float("inf"), self.order[node])

            for index, node in enumerate(sorted(nodes, key=barycenter)):
                row[node] = index
        return {
            node: (PAD + column[node] * (NODE_W + GAP_X), PAD + int(row[node]) * (NODE_H + GAP_Y))
            for node in column
        }


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _node_svg(node: str, x: int, y: int, css: str, names: Mapping[str, str]) -> str:
    label = node_label(node, names)
    full = node_full(node)
    kind = split_node(node)[0]
    if kind == NodeKind.ADMIN.value and full.count("/") >= 2:
        # "admin of aws account" over "111111111111": the id would not fit on one line.
        scope_kind, _, scope = full.rpartition("/")
        label, sub = "admin of " + scope_kind.replace("/", " "), scope
    else:
        sub = full if full != label else kind
    return (
        f'<g class="node {css}" transform="translate({x},{y})">'
        f"<title>{escape(label)}\n{escape(full)}</title>"
        f'<rect width="{NODE_W}" height="{NODE_H}" rx="6"></rect>'
        f'<text class="label" x="10" y="18">{escape(_clip(label, 31))}</text>'
        f'<text class="sub" x="10" y="34">{escape(_clip(sub, 38))}</text></g>'
    )


def _edge_svg(a: tuple[int, int], b: tuple[int, int], hops: Sequence[PathHop], marker: str) -> str:
    (ax, ay), (bx, by) = a, b
    if bx > ax:  # forward: right side to left side
        x1, y1, x2, y2 = ax + NODE_W, ay + NODE_H // 2, bx, by + NODE_H // 2
        bend = (x2 - x1) // 2
        d = f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"
        lx, ly = (x1 + x2) // 2, (y1 + y2) // 2 - 6
    elif bx == ax:  # same column: bulge out to the right of the boxes
        x1, y1, x2, y2 = ax + NODE_W, ay + NODE_H // 2, bx + NODE_W, by + NODE_H // 2
        d = f"M{x1},{y1} C{x1 + 70},{y1} {x2 + 70},{y2} {x2},{y2}"
        lx, ly = x1 + 58, (y1 + y2) // 2
    else:  # backwards (closes a cycle): loop below the boxes
        x1, y1, x2, y2 = ax + NODE_W // 2, ay + NODE_H, bx + NODE_W // 2, by + NODE_H
        d = f"M{x1},{y1} C{x1},{y1 + 40} {x2},{y2 + 40} {x2},{y2}"
        lx, ly = (x1 + x2) // 2, max(y1, y2) + 34
    methods = sorted({hop.method for hop in hops})
    conditional = all(hop.outcome != "allowed" for hop in hops)
    label = " / ".join(methods) + (" (conditional)" if conditional else "")
    css = "edge conditional" if conditional else "edge"
    return (
        f'<path class="{css}" d="{d}" marker-end="url(#{marker})">'
        f"<title>{escape(label)}</title></path>"
        f'<text class="edge-label" x="{lx}" y="{ly}" text-anchor="middle">'
        f"{escape(_clip(label, 28))}</text>"
    )


def _node_class(node: str, starts: set[str]) -> str:
    kind = split_node(node)[0]
    if kind == NodeKind.ADMIN.value:
        return "admin"
    if kind == NodeKind.EXTERNAL.value:
        return "external"
    return "start" if node in starts else "step"


def paths_svg(
    paths: Sequence[Sequence[PathHop]],
    *,
    graph_id: str,
    names: Mapping[str, str] | None = None,
) -> tuple[str, int]:
    """Draw the paths as one layered graph.

    Args:
        paths: attack paths, most important first (later ones are left out past the node cap).
        graph_id: unique within the page; prefixes the SVG's own element ids.
        names: identity id -> display name, for labels.

    Returns:
        The ``<svg>`` element and how many paths were left out.
    """
    layout = _Layout()
    for path in paths:
        if path:
            layout.add(path)
    positions = layout.positions()
    if not positions:
        return "", 0
    marker = f"{graph_id}-arrow"
    width = max(x for x, _ in positions.values()) + NODE_W + PAD
    loops = any(positions[t][0] < positions[s][0] for s, t in layout.edges)
    height = max(y for _, y in positions.values()) + NODE_H + PAD + (40 if loops else 0)
    parts = [
        f'<svg id="{escape(graph_id)}" class="paths" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">',
        f'<defs><marker id="{escape(marker)}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path class="arrow" d="M0,0 L10,5 L0,10 z"></path></marker></defs>',
    ]
    for (source, target), hops in layout.edges.items():
        parts.append(_edge_svg(positions[source], positions[target], hops, escape(marker)))
    for node, (x, y) in positions.items():
        parts.append(_node_svg(node, x, y, _node_class(node, layout.starts), names or {}))
    parts.append("</svg>")
    return "".join(parts), sum(1 for p in paths if p) - layout.drawn_paths
