"""Building the permission graph: one networkx MultiDiGraph for every cloud at once.

Structure (``member_of``, ``holds``, ``contains``, ``runs_as``) comes straight from the
inventory and is neutral. Attack edges (``can_assume``, ``can_escalate``) need each cloud's own
evaluation, so they come from a per-cloud :class:`CloudAnalyzer` looked up in a table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Protocol

import networkx as nx

from overgrant.fileio import gc_paused
from overgrant.graph.edges import AttackEdge
from overgrant.graph.nodes import EdgeKind, NodeKey, NodeKind, node_key, split_key
from overgrant.model import Cloud, Inventory


class CloudAnalyzer(Protocol):
    """What a cloud contributes to the graph beyond plain structure."""

    def attack_edges(self, inventory: Inventory) -> Iterable[AttackEdge]:
        """Every can_assume and can_escalate edge among the cloud's identities."""
        ...


class PermissionGraph:
    """The graph and typed access to it; only graph/ reads networkx attribute dicts."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph

    def node_kind(self, key: str) -> NodeKind:
        return split_key(key)[0]

    def attribute(self, key: str, name: str) -> object:
        return self.graph.nodes[key].get(name)

    def attack_edges(self) -> Iterable[AttackEdge]:
        """Every can_assume/can_escalate edge, as recorded."""
        for _, _, data in self.graph.edges(data=True):
            edge = data.get("edge")
            if isinstance(edge, AttackEdge):
                yield edge

    def edges_of(self, kind: EdgeKind) -> Iterable[tuple[NodeKey, NodeKey, Mapping[str, object]]]:
        for source, target, data in self.graph.edges(data=True):
            if data.get("kind") == kind:
                yield source, target, data

    def admin_nodes(self) -> list[NodeKey]:
        return [n for n, kind in self.graph.nodes(data="kind") if kind == NodeKind.ADMIN]


def _add_structure(graph: nx.MultiDiGraph, inventory: Inventory) -> None:
    for scope in inventory.scopes:
        key = node_key(NodeKind.SCOPE, scope.id)
        graph.add_node(key, kind=NodeKind.SCOPE, cloud=scope.cloud, name=scope.name)
        if scope.parent:
            graph.add_edge(node_key(NodeKind.SCOPE, scope.parent), key, kind=EdgeKind.CONTAINS)
    for pset in inventory.permission_sets:
        graph.add_node(
            node_key(NodeKind.PERMISSION_SET, pset.id),
            kind=NodeKind.PERMISSION_SET,
            cloud=pset.cloud,
            name=pset.name,
            builtin=pset.builtin,
        )
    for identity in inventory.identities:
        key = node_key(NodeKind.IDENTITY, identity.id)
        graph.add_node(
            key,
            kind=NodeKind.IDENTITY,
            cloud=identity.cloud,
            identity_kind=identity.kind,
            name=identity.name,
            nature=identity.nature,
            container=identity.container,
        )
        graph.add_edge(node_key(NodeKind.SCOPE, identity.container), key, kind=EdgeKind.CONTAINS)
        for group in identity.member_of:
            graph.add_edge(key, node_key(NodeKind.IDENTITY, group), kind=EdgeKind.MEMBER_OF)
    for grant in inventory.grants:
        graph.add_edge(
            node_key(NodeKind.IDENTITY, grant.identity),
            node_key(NodeKind.PERMISSION_SET, grant.permission_set),
            kind=EdgeKind.HOLDS,
            scope=grant.scope,
            purpose=grant.purpose,
        )
    for workload in inventory.workloads:
        key = node_key(NodeKind.WORKLOAD, workload.id)
        graph.add_node(key, kind=NodeKind.WORKLOAD, cloud=workload.cloud, name=workload.name)
        for identity_id in workload.identities:
            graph.add_edge(key, node_key(NodeKind.IDENTITY, identity_id), kind=EdgeKind.RUNS_AS)
    for provider in inventory.federation_providers:
        graph.add_node(
            node_key(NodeKind.PROVIDER, provider.id),
            kind=NodeKind.PROVIDER,
            cloud=provider.cloud,
            name=provider.url or provider.id,
        )


def _add_attack_edge(graph: nx.MultiDiGraph, edge: AttackEdge) -> None:
    for key in (edge.source, edge.target):
        if key not in graph:
            kind, ident = split_key(key)
            graph.add_node(key, kind=kind, name=ident)
    graph.add_edge(
        edge.source,
        edge.target,
        key=f"{edge.kind.value}:{edge.method}:{'|'.join(edge.via)}",
        kind=edge.kind,
        method=edge.method,
        outcome=edge.outcome,
        edge=edge,
    )


def build_graph(inventory: Inventory, analyzers: Mapping[Cloud, CloudAnalyzer]) -> PermissionGraph:
    """Build the graph: the inventory's structure plus each cloud analyzer's attack edges.

    Clouds without an analyzer contribute structure only.
    """
    # The graph and the analyzers' caches are hundreds of thousands of small objects without
    # cycles to free: the cyclic collector's passes over them took a quarter of the time.
    with gc_paused():
        graph = nx.MultiDiGraph()
        _add_structure(graph, inventory)
        for analyzer in analyzers.values():
            for edge in analyzer.attack_edges(inventory):
                _add_attack_edge(graph, edge)
    return PermissionGraph(graph)


def edge_as_dict(edge: AttackEdge) -> dict[str, object]:
    """JSON-ready form of an attack edge (statements as their readable references)."""
    data = asdict(edge)
    data["statements"] = [
        {"permission_set": s.permission_set, "index": s.index, "sid": s.sid, "effect": s.effect}
        for s in edge.statements
    ]
    data["permissions"] = [{"action": a, "resource": r} for a, r in edge.permissions]
    return data
