"""Options and helpers shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from overgrant import api
from overgrant.errors import InputError
from overgrant.model import Inventory

_F = TypeVar("_F", bound=Callable[..., Any])


def stdout_console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def output_option() -> Callable[[_F], _F]:
    return click.option(
        "-o",
        "--output",
        "output",
        type=click.Path(dir_okay=False, path_type=Path),
        required=True,
        help="Snapshot file to write (written atomically).",
    )


def fan_out_options(command: _F) -> _F:
    """``--workers N`` / ``--scheduler ADDRESS``: per-identity evaluation on Dask."""
    command = click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="Share per-identity evaluation out on this Dask cluster (tcp://host:8786).",
    )(command)
    return click.option(
        "--workers",
        type=click.IntRange(1),
        help="Share per-identity evaluation out on a local Dask cluster of N processes "
        "(needs the dask extra).",
    )(command)


def inventory_from(snapshot: Path | None, sample: bool) -> Inventory:
    """The inventory a reading command works on: a snapshot file, or the bundled sample."""
    if sample and snapshot is not None:
        raise InputError("give a snapshot file or --sample, not both")
    if sample:
        return api.sample_inventory()
    if snapshot is None:
        raise InputError("give a snapshot file (from 'overgrant collect' or 'import'), or --sample")
    return api.load_snapshot(snapshot)


def report_written(inventory: Inventory, path: Path) -> None:
    """One line on stderr saying what was written, with a warning when coverage is partial."""
    console = stderr_console()
    console.print(
        f"wrote {path}: {len(inventory.identities)} identities, "
        f"{len(inventory.permission_sets)} permission sets, {len(inventory.grants)} grants"
    )
    if inventory.coverage_gaps:
        console.print(
            f"[yellow]warning: {len(inventory.coverage_gaps)} coverage gap(s): parts of the "
            "estate could not be read; see 'overgrant inventory'[/yellow]"
        )
