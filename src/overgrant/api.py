"""The overgrant library: everything the CLI does, callable from Python.

The CLI calls only this module, so that a nightly job or a notebook can do the same steps:

>>> from overgrant import api
>>> inventory = api.sample_inventory()
>>> api.save_snapshot(inventory, "estate.json")          # doctest: +SKIP
>>> api.summarize_inventory(api.load_snapshot("estate.json")).accounts  # doctest: +SKIP
4
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from overgrant.catalogs.aws import load_aws_catalog
from overgrant.catalogs.escalation import load_aws_escalation_methods
from overgrant.collectors.aws.export import import_authorization_details
from overgrant.graph.analysis import IdentityExposure, exposures
from overgrant.graph.aws import AwsAnalyzer
from overgrant.graph.build import CloudAnalyzer, PermissionGraph, build_graph
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.paths import DEFAULT_MAX_HOPS
from overgrant.model import Cloud, IdentityId, Inventory
from overgrant.report.inventory_summary import InventorySummary
from overgrant.report.inventory_summary import summarize_inventory as _summarize
from overgrant.sample import sample_inventory as _sample_inventory
from overgrant.snapshot import dump_snapshot
from overgrant.snapshot import load_snapshot as _load_snapshot

if TYPE_CHECKING:
    from overgrant.collectors.aws.live import AwsCollectOptions

ProgressCallback = Callable[[str, int, int], None]
"""Called with (message, done, total) as a long collection advances."""


def load_snapshot(path: str | Path) -> Inventory:
    """Read and validate a snapshot file (raises :class:`~overgrant.errors.SnapshotError`)."""
    return _load_snapshot(Path(path))


def save_snapshot(
    inventory: Inventory, path: str | Path, *, created_at: datetime | None = None
) -> None:
    """Write a snapshot file atomically."""
    dump_snapshot(inventory, Path(path), created_at=created_at)


def import_aws_authz(
    paths: Sequence[str | Path],
    *,
    organization: str | Path | None = None,
    credential_reports: Sequence[str | Path] = (),
) -> Inventory:
    """Import ``aws iam get-account-authorization-details`` exports (and optional extras)."""
    return import_authorization_details(
        [Path(p) for p in paths],
        organization=Path(organization) if organization is not None else None,
        credential_reports=[Path(p) for p in credential_reports],
    )


def collect_aws(
    options: AwsCollectOptions, *, progress: ProgressCallback | None = None
) -> Inventory:
    """Collect live from AWS with boto3: one account, or a whole organization."""
    from overgrant.collectors.aws.live import collect_aws as _collect_aws

    return _collect_aws(options, progress=progress)


def permission_graph(inventory: Inventory, *, at: datetime | None = None) -> PermissionGraph:
    """Build the permission graph with every cloud's evaluation logic.

    Args:
        inventory: the estate.
        at: the time date conditions are evaluated at (default: now).
    """
    catalog = load_aws_catalog()
    evaluator = AwsEvaluator(inventory, catalog, at=at or datetime.now(UTC))
    analyzers: dict[Cloud, CloudAnalyzer] = {
        Cloud.AWS: AwsAnalyzer(evaluator, load_aws_escalation_methods()),
    }
    return build_graph(inventory, analyzers)


def attack_paths(
    inventory: Inventory,
    *,
    identities: Sequence[str] | None = None,
    max_hops: int = DEFAULT_MAX_HOPS,
    graph: PermissionGraph | None = None,
) -> list[IdentityExposure]:
    """Every non-human identity (or the given ones) that can reach admin, with its paths,
    blast radius and the smallest set of permissions whose removal cuts every path."""
    graph = graph or permission_graph(inventory)
    wanted = [IdentityId(i) for i in identities] if identities is not None else None
    return exposures(graph, inventory, identities=wanted, max_hops=max_hops)


def sample_inventory() -> Inventory:
    """The bundled sample estate (a small AWS organization with known problems)."""
    return _sample_inventory()


def summarize_inventory(inventory: Inventory, *, now: datetime | None = None) -> InventorySummary:
    """Counts of identities, credentials by age and coverage gaps."""
    return _summarize(inventory, now=now)


__all__ = [
    "ProgressCallback",
    "attack_paths",
    "collect_aws",
    "import_aws_authz",
    "load_snapshot",
    "permission_graph",
    "sample_inventory",
    "save_snapshot",
    "summarize_inventory",
]
