"""``overgrant collect``: read IAM live from a cloud into a snapshot."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from overgrant import api
from overgrant.cli.options import output_option, report_written, stderr_console
from overgrant.errors import IncompleteCollectionError


@click.group()
def collect() -> None:
    """Collect IAM from a cloud's live APIs into a snapshot file."""


@collect.command(name="aws")
@click.option("--profile", help="AWS profile to use (default: the standard credential chain).")
@click.option(
    "--region",
    "regions",
    multiple=True,
    default=("us-east-1",),
    show_default=True,
    help="Region to read workloads and regional resource policies from; repeatable.",
)
@click.option("--organization", is_flag=True, help="Walk the whole AWS organization.")
@click.option(
    "--audit-role",
    default="OrganizationAccountAccessRole",
    show_default=True,
    help="Role assumed in each member account.",
)
@click.option("--external-id", help="ExternalId to pass when assuming the audit role.")
@click.option("--account", "accounts", multiple=True, help="Only these member accounts.")
@click.option("--max-workers", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option("--endpoint-url", help="Custom endpoint (VPC endpoint or emulator).")
@click.option(
    "--require-complete",
    is_flag=True,
    help="Exit with code 3 (after writing the snapshot) if any API could not be read.",
)
@output_option()
def aws(
    profile: str | None,
    regions: tuple[str, ...],
    organization: bool,
    audit_role: str,
    external_id: str | None,
    accounts: tuple[str, ...],
    max_workers: int,
    endpoint_url: str | None,
    require_complete: bool,
    output: Path,
) -> None:
    """Collect one AWS account, or with --organization every account of the organization."""
    from overgrant.collectors.aws.live import AwsCollectOptions

    options = AwsCollectOptions(
        profile=profile,
        regions=regions,
        endpoint_url=endpoint_url,
        organization=organization,
        audit_role_name=audit_role,
        external_id=external_id,
        accounts=accounts,
        max_workers=max_workers,
    )
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr_console(),
        transient=True,
    ) as bar:
        task = bar.add_task("collecting", total=None)

        def advance(message: str, done: int, total: int) -> None:
            bar.update(task, description=message, completed=done, total=total)

        inventory = api.collect_aws(options, progress=advance)
    api.save_snapshot(inventory, output)
    report_written(inventory, output)
    if require_complete and inventory.coverage_gaps:
        raise IncompleteCollectionError(
            f"{len(inventory.coverage_gaps)} coverage gap(s); the snapshot was written to "
            f"{output} but is incomplete"
        )
