"""The bundled sample estate: native exports of a small AWS organization with known problems.

It is read through the same importers a user runs on their own exports, so ``--sample``
exercises the real code path. Known problems, by design: workload roles holding
AdministratorAccess, a CI user with old and unused access keys, cross-account trust without an
ExternalId, GitHub OIDC trust without a ``sub`` condition, an escalation chain from a dev
build role into prod, a self-escalating support bot, and identities without an owner tag.
"""

from __future__ import annotations

from contextlib import ExitStack
from importlib import resources
from pathlib import Path

from overgrant.model import Inventory


def sample_inventory() -> Inventory:
    """Import the bundled AWS organization exactly as ``overgrant import aws-authz`` would."""
    from overgrant.collectors.aws.export import import_authorization_details

    folder = resources.files(__name__).joinpath("aws")
    with ExitStack() as stack:
        files = {
            entry.name: stack.enter_context(resources.as_file(entry)) for entry in folder.iterdir()
        }
        return import_authorization_details(
            [files[n] for n in sorted(files) if n.endswith(".authz.json")],
            organization=files["organization.json"],
            credential_reports=[files[n] for n in sorted(files) if n.endswith(".csv")],
        )


def sample_files() -> list[Path]:
    """Paths of the bundled export files (for documentation and tests)."""
    folder = resources.files(__name__).joinpath("aws")
    return sorted(Path(str(entry)) for entry in folder.iterdir())
