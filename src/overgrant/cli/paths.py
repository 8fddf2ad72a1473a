"""``overgrant paths``: every privilege-escalation path from a non-human identity to admin."""

from __future__ import annotations

import json
from pathlib import Path

import click

from overgrant import api
from overgrant.cli.options import fan_out_options, inventory_from, stdout_console
from overgrant.graph.paths import DEFAULT_MAX_HOPS
from overgrant.report.paths import exposures_as_json, render_exposures


@click.command()
@click.argument("snapshot", required=False, type=click.Path(path_type=Path))
@click.option("--sample", is_flag=True, help="Use the bundled sample estate.")
@click.option(
    "--identity", "identities", multiple=True, help="Only this identity (ARN); repeatable."
)
@click.option("--max-hops", default=DEFAULT_MAX_HOPS, show_default=True, type=click.IntRange(1, 20))
@click.option(
    "--format", "fmt", type=click.Choice(["tree", "json"]), default="tree", show_default=True
)
@fan_out_options
def paths(
    snapshot: Path | None,
    sample: bool,
    identities: tuple[str, ...],
    max_hops: int,
    fmt: str,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """List every escalation path to admin: source, target, and each hop's method and the
    statements that enable it, with each identity's blast radius and smallest fix."""
    inventory = inventory_from(snapshot, sample)
    with api.fan_out(workers=workers, scheduler=scheduler) as client:
        exposures = api.attack_paths(
            inventory, identities=list(identities) or None, max_hops=max_hops, client=client
        )
    if fmt == "json":
        click.echo(json.dumps(exposures_as_json(exposures), indent=2))
    else:
        render_exposures(exposures, stdout_console())
