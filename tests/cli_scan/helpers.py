"""Running ``overgrant scan`` and ``overgrant diff`` in tests, and estates that differ by one thing.

:func:`small_engine` stands in for the rule engine where a test is about the command (options,
files, history, exit codes) rather than the rules: two simple rules over the inventory, with the
real selection (suppressions, baseline) on top. The end-to-end tests use the real engine.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import click
from click.testing import CliRunner, Result

from overgrant.cli.diff import diff
from overgrant.cli.main import cli
from overgrant.cli.scan import scan
from overgrant.config import Config
from overgrant.findings import Finding, Severity, make_finding
from overgrant.graph.build import PermissionGraph
from overgrant.model import Grant, Identity, IdentityId, IdentityKind, Inventory, PermissionSetId
from overgrant.policies.result import ScanResult
from overgrant.policies.selection import select_findings

FIXED_ROLE = "arn:aws:iam::222222222222:role/data-pipeline"
"""Holds AdministratorAccess in the sample; the second estate takes it away."""
ADDED_ROLE = "arn:aws:iam::333333333333:role/nightly-admin"
"""Not in the sample; the second estate adds it with AdministratorAccess."""
ADMIN_POLICY = PermissionSetId("arn:aws:iam::aws:policy/AdministratorAccess")
NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def command_group() -> click.Group:
    """The real command group (its error handling) with ``scan`` and ``diff`` in it."""
    return type(cli)(name="overgrant", commands={**cli.commands, "scan": scan, "diff": diff})


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(command_group(), list(args), env=env, catch_exceptions=False)


def run_overgrant(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m overgrant ARGS`` in a real process (needs the commands registered in main)."""
    return subprocess.run(
        [sys.executable, "-m", "overgrant", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def second_estate(inventory: Inventory) -> Inventory:
    """The sample with data-pipeline's AdministratorAccess removed and a new admin role added."""
    grants = tuple(
        g
        for g in inventory.grants
        if not (g.identity == FIXED_ROLE and g.permission_set == ADMIN_POLICY)
    )
    assert len(grants) == len(inventory.grants) - 1, "the sample changed: update this test"
    template = next(i for i in inventory.identities if i.id == FIXED_ROLE)
    added = dataclasses.replace(
        template,
        id=IdentityId(ADDED_ROLE),
        name="nightly-admin",
        container=next(i for i in inventory.identities if "333333333333" in i.id).container,
        attributes={**template.attributes, "arn": ADDED_ROLE},
    )
    grant = next(g for g in inventory.grants if g.identity == FIXED_ROLE)
    new_grant = dataclasses.replace(
        grant, identity=added.id, permission_set=ADMIN_POLICY, scope=added.container
    )
    return dataclasses.replace(
        inventory,
        identities=(*inventory.identities, added),
        grants=(*grants, new_grant),
    )


def small_engine(
    inventory: Inventory,
    *,
    config: Config | None = None,
    baseline: Sequence[Finding] = (),
    source: str = "sample",
    now: datetime | None = None,
    graph: PermissionGraph | None = None,
) -> ScanResult:
    """Two rules: OG101 (high) a workload role holding AdministratorAccess, OG410 (low) a role
    without an owner tag; then the real selection of findings."""
    identities = {i.id: i for i in inventory.identities}
    found = [_admin(identities[g.identity], g) for g in inventory.grants if _is_admin(g)]
    found += [_no_owner(i) for i in inventory.identities if _lacks_owner(i)]
    config = config or Config()
    selection = select_findings(found, config=config, baseline=baseline, today=(now or NOW).date())
    return ScanResult(
        findings=selection.findings,
        suppressed=selection.suppressed,
        rules=(),
        coverage_gaps=inventory.coverage_gaps,
        source=source,
        scanned_at=now or NOW,
        warnings=selection.warnings,
    )


def _is_admin(grant: Grant) -> bool:
    return grant.permission_set == ADMIN_POLICY and grant.identity.split(":")[-1].startswith(
        ("role/data", "role/nightly", "role/lambda")
    )


def _admin(identity: Identity, grant: Grant) -> Finding:
    return make_finding(
        rule_id="OG101",
        rule_name="workload-full-admin",
        severity=Severity.HIGH,
        identity=identity.id,
        identity_name=identity.name,
        cloud=identity.cloud,
        container=identity.container,
        message=f"{identity.name} holds AdministratorAccess",
        key=str(grant.permission_set),
    )


def _lacks_owner(identity: Identity) -> bool:
    return identity.kind is IdentityKind.ROLE and "owner" not in identity.tags


def _no_owner(identity: Identity) -> Finding:
    return make_finding(
        rule_id="OG410",
        rule_name="no-owner-tag",
        severity=Severity.LOW,
        identity=identity.id,
        identity_name=identity.name,
        cloud=identity.cloud,
        container=identity.container,
        message=f"{identity.name} has no owner tag",
    )
