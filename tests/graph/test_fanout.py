"""Per-identity evaluation shared out to a local Dask cluster gives the very graph, and paths, of
one process (real worker processes on loopback)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client

from overgrant import api
from overgrant.graph.build import PermissionGraph
from overgrant.model import Inventory

from ..cli_scan.helpers import run_overgrant
from .escalation.synthetic_estate import synthetic_inventory


def _edges(graph: PermissionGraph) -> list[tuple[str, str, str]]:
    return [(u, v, repr(sorted(d.items()))) for u, v, d in graph.graph.edges(data=True)]


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return synthetic_inventory(400, accounts=3)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with api.fan_out(workers=2) as started:
        assert started is not None
        yield started


def _runs_kept() -> int:
    from overgrant.graph import fanout

    return len(fanout._PREPARED)


def test_graph_built_on_workers_is_the_graph_built_here(
    inventory: Inventory, client: Client
) -> None:
    here = api.permission_graph(inventory, at=None)
    shared = api.permission_graph(inventory, at=None, client=client)
    assert len(here.graph) > 400 and here.graph.number_of_edges() > 1000  # a real search
    assert _edges(shared) == _edges(here)  # same edges, in the same order
    # The workers' state of a run is dropped when it ends.
    assert set(client.run(_runs_kept).values()) == {0}


def test_paths_command_with_workers_prints_what_it_prints_alone(tmp_path: Path) -> None:
    alone = run_overgrant("paths", "--sample", "--format", "json", cwd=tmp_path)
    shared = run_overgrant("paths", "--sample", "--format", "json", "--workers", "2", cwd=tmp_path)
    assert alone.returncode == 0 and shared.returncode == 0, shared.stderr
    assert json.loads(alone.stdout)  # the sample has paths
    assert json.loads(shared.stdout) == json.loads(alone.stdout)


def test_an_existing_cluster_is_joined_by_its_scheduler_address(
    inventory: Inventory, client: Client
) -> None:
    address = client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    with api.fan_out(scheduler=address) as joined:
        assert joined is not None and joined is not client
        shared = api.permission_graph(inventory, at=None, client=joined)
    assert _edges(shared) == _edges(api.permission_graph(inventory, at=None))
