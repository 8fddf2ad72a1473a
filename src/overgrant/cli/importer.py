"""``overgrant import``: native cloud exports into a snapshot."""

from __future__ import annotations

from pathlib import Path

import click

from overgrant import api
from overgrant.cli.options import output_option, report_written


@click.group(name="import")
def import_() -> None:
    """Import native cloud exports into a snapshot file."""


@import_.command(name="aws-authz")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--organization",
    type=click.Path(path_type=Path),
    help="Organizations export (accounts, OUs, SCPs and RCPs); shape in the README.",
)
@click.option(
    "--credential-report",
    "credential_reports",
    multiple=True,
    type=click.Path(path_type=Path),
    help="'aws iam get-credential-report' output (CSV or JSON); repeat per account.",
)
@output_option()
def aws_authz(
    files: tuple[Path, ...],
    organization: Path | None,
    credential_reports: tuple[Path, ...],
    output: Path,
) -> None:
    """Import 'aws iam get-account-authorization-details' files, one per account.

    \b
    Example:
      aws iam get-account-authorization-details > 111111111111.json
      overgrant import aws-authz 111111111111.json -o snapshot.json
    """
    inventory = api.import_aws_authz(
        files, organization=organization, credential_reports=credential_reports
    )
    api.save_snapshot(inventory, output)
    report_written(inventory, output)
