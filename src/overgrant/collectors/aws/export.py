"""Import of native AWS exports: authorization details per account and an organization file."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from overgrant.collectors.aws.authz import to_inventory
from overgrant.collectors.aws.credential_report import (
    classify_users,
    credentials_from_report,
    decode_credential_report,
    root_identities,
)
from overgrant.collectors.aws.organization import organization_to_inventory
from overgrant.errors import ExportError
from overgrant.fileio import gc_paused, load_json_file, read_bytes
from overgrant.model import Cloud, Inventory, Source, merge_inventories


def _source(kind: str, path: Path) -> Source:
    return Source(kind=kind, cloud=Cloud.AWS, detail=path.name, collected_at=datetime.now(UTC))


def import_authorization_details(
    paths: Sequence[Path],
    *,
    organization: Path | None = None,
    credential_reports: Sequence[Path] = (),
) -> Inventory:
    """Read ``aws iam get-account-authorization-details`` files (one per account).

    Args:
        paths: the export files; several accounts are merged into one inventory.
        organization: an optional organizations export (see
            :mod:`overgrant.collectors.aws.organization`) giving OUs, account names and SCPs.
        credential_reports: optional ``aws iam get-credential-report`` files (CSV, or the
            CLI's JSON) giving passwords, MFA and access keys, and so who is a person.

    Raises:
        ExportError: a file is missing, not JSON, or not of the expected shape; nothing is
            returned in part.
    """
    if not paths:
        raise ExportError("no authorization-details file was given")
    parts: list[Inventory] = []
    with gc_paused():
        if organization is not None:
            org_doc = load_json_file(organization, error=ExportError)
            parts.append(
                organization_to_inventory(
                    org_doc,
                    where=str(organization),
                    source=_source("aws-organizations-export", organization),
                )
            )
        for path in paths:
            doc = load_json_file(path, error=ExportError)
            parts.append(
                to_inventory(doc, where=str(path), source=_source("aws-authz-export", path))
            )
        inventory = parts[0] if len(parts) == 1 else merge_inventories(parts)
        if credential_reports:
            inventory = _with_credentials(inventory, credential_reports)
        return inventory


def _with_credentials(inventory: Inventory, reports: Sequence[Path]) -> Inventory:
    credentials = list(inventory.credentials)
    roots = []
    for path in reports:
        rows = decode_credential_report(read_bytes(path, error=ExportError), str(path))
        credentials.extend(credentials_from_report(rows))
        roots.extend(root_identities(rows))
    known = {i.id for i in inventory.identities}
    identities = [*inventory.identities, *(r for r in roots if r.id not in known)]
    return dataclasses.replace(
        inventory,
        identities=tuple(classify_users(identities, credentials)),
        credentials=tuple(credentials),
        sources=(*inventory.sources, *(_source("aws-credential-report", p) for p in reports)),
    )
