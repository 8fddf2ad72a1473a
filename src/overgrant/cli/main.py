"""The ``overgrant`` command group and its error handling.

Every :class:`~overgrant.errors.OvergrantError` becomes one line on stderr and the exit code
its class names (see :class:`~overgrant.errors.ExitCode`); nothing else is printed.
"""

from __future__ import annotations

from typing import Any

import click

from overgrant import __version__
from overgrant.cli.collect import collect
from overgrant.cli.diff import diff
from overgrant.cli.importer import import_
from overgrant.cli.inventory import inventory
from overgrant.cli.paths import paths
from overgrant.cli.remediate import remediate
from overgrant.cli.rules import rules
from overgrant.cli.scan import scan
from overgrant.errors import OvergrantError


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OvergrantError as exc:
            click.echo(f"overgrant: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("overgrant: interrupted", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="overgrant")
def cli() -> None:
    """Find the cloud identities that can do more than they need.

    Exit codes: 0 ok, 1 gate failed (new findings), 2 bad input or usage, 3 incomplete
    collection when --require-complete was given.
    """


cli.add_command(collect)
cli.add_command(import_)
cli.add_command(inventory)
cli.add_command(paths)
cli.add_command(rules)
cli.add_command(scan)
cli.add_command(diff)
cli.add_command(remediate)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="overgrant")
