"""``overgrant diff``: new, fixed and unchanged findings between two recorded scans."""

from __future__ import annotations

from pathlib import Path

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from overgrant import api
from overgrant.cli.options import stdout_console
from overgrant.codec import format_datetime
from overgrant.errors import InputError
from overgrant.findings import Finding, Severity
from overgrant.store import Comparison, comparison_to_json

_SEVERITY_STYLES = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_CHANGE_STYLES = {"NEW": "bold red", "FIXED": "green", "unchanged": "dim"}


@click.command()
@click.argument("scan_ids", nargs=-1, type=click.IntRange(min=1), metavar="[EARLIER] [LATER]")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="OVERGRANT_DB",
    show_envvar=True,
    help="History database [default: .overgrant/history.sqlite].",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Compare with this baseline file instead of an earlier scan.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--only-changes", is_flag=True, help="Leave unchanged findings out of the table.")
def diff(
    scan_ids: tuple[int, ...],
    db: Path | None,
    baseline: Path | None,
    fmt: str,
    only_changes: bool,
) -> None:
    """Show the findings that are new, fixed and unchanged between two scans in the history.

    \b
      overgrant diff                   the latest scan against the scan before it
      overgrant diff 7                 scan 7 against the scan before it
      overgrant diff 3 7               scan 3 (earlier) against scan 7 (later)
      overgrant diff --baseline FILE   the latest scan (or the one given) against a baseline

    Findings are matched by fingerprint; those the config suppressed are left out. Exits 0,
    or 2 when the history or a scan id is missing.
    """
    if len(scan_ids) > (1 if baseline is not None else 2):
        raise InputError(
            "give at most one scan id with --baseline"
            if baseline is not None
            else "give at most two scan ids: EARLIER LATER"
        )
    earlier = scan_ids[0] if len(scan_ids) == 2 else None
    later = scan_ids[-1] if scan_ids else None
    comparison = api.compare_history(db=db, earlier=earlier, later=later, baseline=baseline)
    if fmt == "json":
        click.echo(
            orjson.dumps(comparison_to_json(comparison), option=orjson.OPT_INDENT_2).decode()
        )
    else:
        render_comparison(comparison, stdout_console(), only_changes=only_changes)


def render_comparison(comparison: Comparison, console: Console, *, only_changes: bool) -> None:
    """Print the comparison as one table (new, then fixed, then unchanged) and a summary line."""
    changes = comparison.diff
    rows: list[tuple[str, Finding]] = [
        *(("NEW", f) for f in changes.new),
        *(("FIXED", f) for f in changes.fixed),
        *(() if only_changes else (("unchanged", f) for f in changes.unchanged)),
    ]
    heading = f"{comparison.earlier_label} → scan {comparison.later.id}"
    if rows:
        table = Table(title=f"Findings: {heading}", title_justify="left")
        for column in ("change", "severity", "rule", "identity", "message"):
            table.add_column(column, overflow="fold")
        for change, finding in rows:
            table.add_row(
                Text(change, style=_CHANGE_STYLES[change]),
                Text(finding.severity.value, style=_SEVERITY_STYLES[finding.severity]),
                Text(finding.rule_id),
                Text(finding.identity),
                Text(finding.message),
            )
        console.print(table)
    else:
        console.print(f"No findings in either: {heading}.")
    later = comparison.later
    console.print(
        Text(
            f"{len(changes.new)} new, {len(changes.fixed)} fixed, "
            f"{len(changes.unchanged)} unchanged ({heading}; scan {later.id} of "
            f"{later.source} at {format_datetime(later.scanned_at)})"
        )
    )
