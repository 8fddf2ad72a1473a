"""Per-identity exposure: attack paths to admin, blast radius and the cut that fixes them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from overgrant.fileio import gc_paused
from overgrant.graph.build import PermissionGraph
from overgrant.graph.edges import AttackEdge
from overgrant.graph.nodes import NodeKey, NodeKind, node_key
from overgrant.graph.paths import (
    DEFAULT_MAX_HOPS,
    AttackGraph,
    AttackPath,
    BlastRadius,
    non_human_sources,
)
from overgrant.model import Identity, IdentityId, Inventory


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentityExposure:
    """How far one identity can go, and the smallest change that stops it reaching admin."""

    identity: Identity
    paths: tuple[AttackPath, ...]
    blast_radius: BlastRadius
    minimum_cut: tuple[AttackEdge, ...]


def exposures(
    permission_graph: PermissionGraph,
    inventory: Inventory,
    *,
    identities: Sequence[IdentityId] | None = None,
    max_hops: int = DEFAULT_MAX_HOPS,
    only_with_paths: bool = True,
    attack: AttackGraph | None = None,
) -> list[IdentityExposure]:
    """Exposure of the given identities (default: every non-human one), sorted by id.

    Blast radius and minimum cut are computed only for identities that reach an admin node
    unless ``only_with_paths`` is false. The blast radius lists every reached node only when
    identities are named; for the whole estate it counts them. ``attack`` is the graph's
    attack projection when the caller has built it already.
    """
    with gc_paused():  # many small acyclic objects: see build_graph
        return _exposures(
            permission_graph, inventory, identities, max_hops, only_with_paths, attack
        )


def _exposures(
    permission_graph: PermissionGraph,
    inventory: Inventory,
    identities: Sequence[IdentityId] | None,
    max_hops: int,
    only_with_paths: bool,
    attack: AttackGraph | None,
) -> list[IdentityExposure]:
    attack = attack or AttackGraph(permission_graph)
    by_id = {i.id: i for i in inventory.identities}
    sources: Sequence[NodeKey]
    if identities is None:
        sources = non_human_sources(permission_graph)
    else:
        sources = [node_key(NodeKind.IDENTITY, i) for i in identities]
    all_paths = attack.paths_to_admin(sources, max_hops=max_hops)
    result = []
    for source in sorted(sources):
        paths = all_paths.get(source, [])
        if only_with_paths and not paths:
            continue
        identity = by_id.get(IdentityId(source.partition(":")[2]))
        if identity is None:
            continue
        result.append(
            IdentityExposure(
                identity=identity,
                paths=tuple(paths),
                blast_radius=attack.blast_radius(source, details=identities is not None),
                minimum_cut=tuple(attack.minimum_cut(source, max_hops=max_hops)) if paths else (),
            )
        )
    return result
