"""The ``overgrant inventory`` summary drawn with rich tables."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from overgrant.report.inventory_summary import InventorySummary


def render_inventory_summary(summary: InventorySummary, console: Console) -> None:
    """Print identities by cloud and kind, people vs workloads, credentials and coverage gaps."""
    identities = Table(title="Identities", title_justify="left")
    identities.add_column("cloud")
    identities.add_column("kind")
    identities.add_column("count", justify="right")
    for (cloud, kind), count in summary.identities_by_cloud_kind.items():
        identities.add_row(cloud, kind, str(count))
    console.print(identities)

    nature = ", ".join(f"{k}: {v}" for k, v in summary.identities_by_nature.items())
    console.print(f"People and workloads: {nature or 'none'}")
    console.print(
        f"Accounts/subscriptions/projects: {summary.accounts}  permission sets: "
        f"{summary.permission_sets}  grants: {summary.grants}  workloads: {summary.workloads}  "
        f"resource policies: {summary.resources_with_policies}  federation providers: "
        f"{summary.federation_providers}"
    )

    credentials = Table(title="Active keys by age", title_justify="left")
    for label in summary.key_age_buckets:
        credentials.add_column(label, justify="right")
    credentials.add_column("never used", justify="right")
    credentials.add_row(
        *(str(v) for v in summary.key_age_buckets.values()), str(summary.keys_never_used)
    )
    console.print(credentials)
    held = ", ".join(f"{k}: {v}" for k, v in summary.credentials_by_kind.items())
    console.print(f"Credentials held: {held or 'none collected'}")

    if summary.coverage_gaps:
        gaps = Table(
            title="Coverage gaps: NOT checked, never reported as clean", title_justify="left"
        )
        for column in ("scope", "operation", "reason", "affects"):
            gaps.add_column(column)
        for gap in summary.coverage_gaps:
            gaps.add_row(
                escape(gap.scope), escape(gap.operation), gap.reason.value, escape(gap.affects)
            )
        console.print(gaps, style="yellow")
    else:
        console.print("Coverage gaps: none (every API the collector needs answered)")
    for source in summary.sources:
        console.print(f"source: {escape(source)}", style="dim")
