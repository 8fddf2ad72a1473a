"""``overgrant inventory``: what a snapshot holds."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from overgrant import api
from overgrant.cli.options import inventory_from, stdout_console
from overgrant.report.console_inventory import render_inventory_summary


@click.command()
@click.argument("snapshot", required=False, type=click.Path(path_type=Path))
@click.option("--sample", is_flag=True, help="Use the bundled sample estate (no cloud account).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def inventory(snapshot: Path | None, sample: bool, fmt: str) -> None:
    """Summarize a snapshot: identities by cloud and kind, people vs workloads, credentials by
    age, and the coverage gaps that were not checked."""
    summary = api.summarize_inventory(inventory_from(snapshot, sample))
    if fmt == "json":
        data = asdict(summary)
        data["identities_by_cloud_kind"] = [
            {"cloud": c, "kind": k, "count": n}
            for (c, k), n in summary.identities_by_cloud_kind.items()
        ]
        click.echo(json.dumps(data, indent=2, default=str))
        return
    render_inventory_summary(summary, stdout_console())
