"""A whole organization collected live: OU tree, SCPs, every member through its audit role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from overgrant.collectors.aws import live
from overgrant.collectors.aws.live import collect_aws
from overgrant.errors import CollectionError
from overgrant.model import (
    GapReason,
    IdentityKind,
    Inventory,
    PermissionSetKind,
    ScopeKind,
    ScopePolicy,
    ScopePolicyKind,
)

from .estate import ACCOUNT, Organization, seed_organization
from .harness import Moto
from .shim import ShimRequest, ShimResponse, ShimServer, json_error, query_error

AUDIT_ROLE = "OrganizationAccountAccessRole"


def _roles_by_account(inventory: Inventory) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for identity in inventory.identities:
        if identity.kind is IdentityKind.ROLE:
            found.setdefault(identity.container, set()).add(identity.name)
    return found


@dataclass(frozen=True)
class Collected:
    org: Organization
    inventory: Inventory
    progress: list[tuple[str, int, int]]


@pytest.fixture(scope="module")
def collected(moto_server: str) -> Iterator[Collected]:
    """The seeded organization, collected whole once for the tests that only read the result."""
    moto = Moto(moto_server)
    moto.reset()
    org = seed_organization(moto)
    progress: list[tuple[str, int, int]] = []
    inventory = collect_aws(
        moto.options(organization=True, max_workers=2),
        session=moto.session(),
        progress=lambda *call: progress.append(call),
    )
    yield Collected(org, inventory, progress)
    moto.reset()


def test_every_account_is_collected(collected: Collected) -> None:
    inventory, accounts = collected.inventory, collected.org.accounts
    prod, sandbox = accounts["prod-app"], accounts["sandbox-1"]
    assert inventory.coverage_gaps == ()
    assert _roles_by_account(inventory) == {
        ACCOUNT: {"mgmt-admin"},
        prod: {"prod-app-app", AUDIT_ROLE},
        sandbox: {"sandbox-1-app", AUDIT_ROLE},
    }
    buckets = {r.name: r.container for r in inventory.resources if r.type == "s3:bucket"}
    assert buckets == {"prod-app-bucket": prod, "sandbox-1-bucket": sandbox}
    assert [done for _, done, _ in collected.progress] == [0, 1, 2, 3]
    assert {total for _, _, total in collected.progress} == {3}


def test_the_ou_tree_becomes_scopes(collected: Collected) -> None:
    org = collected.org
    scopes = {s.id: s for s in collected.inventory.scopes}
    units = org.units
    assert {(k, s.parent) for k, s in scopes.items() if s.kind is not ScopeKind.ACCOUNT} == {
        (org.org_id, None),
        (org.root, org.org_id),
        (units["workloads"], org.root),
        (units["prod"], units["workloads"]),
        (units["sandbox"], org.root),
    }
    assert scopes[units["prod"]].kind is ScopeKind.ORGANIZATIONAL_UNIT
    accounts = {k: s for k, s in scopes.items() if s.kind is ScopeKind.ACCOUNT}
    assert {k: s.parent for k, s in accounts.items()} == {
        ACCOUNT: org.root,
        org.accounts["prod-app"]: units["prod"],
        org.accounts["sandbox-1"]: units["sandbox"],
    }
    assert accounts[org.accounts["prod-app"]].name == "prod-app"
    assert accounts[ACCOUNT].attributes["management_account"] is True


def test_service_control_policies_and_their_attachments(collected: Collected) -> None:
    org, inventory = collected.org, collected.inventory
    scp = next(p for p in inventory.permission_sets if p.id == org.scp)
    assert scp.kind is PermissionSetKind.SERVICE_CONTROL_POLICY
    document: Any = scp.document
    assert document["Statement"][0]["Action"] == "organizations:LeaveOrganization"
    attachment = ScopePolicy(
        scope=org.units["workloads"],
        permission_set=org.scp,
        kind=ScopePolicyKind.SERVICE_CONTROL_POLICY,
    )
    assert [a for a in inventory.scope_policies if a.permission_set == org.scp] == [attachment]


def test_chosen_accounts_only_and_an_unknown_one_is_a_gap(moto: Moto) -> None:
    org = seed_organization(moto)
    prod = org.accounts["prod-app"]
    options = moto.options(organization=True, accounts=(prod, "999999999999"))
    inventory = collect_aws(options, session=moto.session())
    assert set(_roles_by_account(inventory)) == {prod}
    (gap,) = inventory.coverage_gaps
    assert (gap.scope, gap.reason) == ("999999999999", GapReason.NOT_FOUND)
    # The tree is still whole: the other accounts are known, only not read.
    assert {org.accounts["sandbox-1"], ACCOUNT} <= {s.id for s in inventory.scopes}


def test_a_member_whose_audit_role_is_refused_is_a_gap_for_the_whole_account(
    moto: Moto, shim: ShimServer
) -> None:
    org = seed_organization(moto)
    prod, sandbox = org.accounts["prod-app"], org.accounts["sandbox-1"]

    # moto assumes any role, even one that does not exist; real STS refuses like this.
    def refuse_sandbox(request: ShimRequest) -> ShimResponse | None:
        if f"::{sandbox}:" not in request.form.get("RoleArn", ""):
            return None
        return query_error(
            "AccessDenied", f"not authorized to perform: sts:AssumeRole on {sandbox}", status=403
        )

    shim.shim.on_action("AssumeRole", refuse_sandbox)
    inventory = collect_aws(moto.options(shim.endpoint, organization=True), session=moto.session())
    (gap,) = inventory.coverage_gaps
    assert (gap.scope, gap.operation, gap.reason) == (
        sandbox,
        "sts:AssumeRole",
        GapReason.ACCESS_DENIED,
    )
    assert gap.affects.startswith("everything in the account")
    assert f"arn:aws:iam::{sandbox}:role/{AUDIT_ROLE}" in gap.affects
    assert set(_roles_by_account(inventory)) == {ACCOUNT, prod}
    assert sandbox in {s.id for s in inventory.scopes}  # present, and marked as unread
    assert shim.shim.answered["AssumeRole"] == 1


def test_an_organization_that_may_not_be_described_is_a_gap(moto: Moto, shim: ShimServer) -> None:
    seed_organization(moto)
    shim.shim.on_target(
        "AWSOrganizationsV20161128.DescribeOrganization",
        lambda _: json_error("AccessDeniedException", "You don't have permissions"),
    )
    inventory = collect_aws(moto.options(shim.endpoint, organization=True), session=moto.session())
    (gap,) = inventory.coverage_gaps
    assert (gap.scope, gap.operation, gap.reason) == (
        ACCOUNT,
        "organizations:DescribeOrganization",
        GapReason.ACCESS_DENIED,
    )
    assert set(_roles_by_account(inventory)) == {ACCOUNT}  # the caller's own account still


def test_an_account_outside_any_organization_is_a_clear_error(moto: Moto) -> None:
    with pytest.raises(CollectionError, match="does not belong to an AWS organization"):
        collect_aws(moto.options(organization=True), session=moto.session())


def test_an_unexpected_error_in_a_member_propagates(
    moto: Moto, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_organization(moto)
    collect_account = live.collect_account

    def broken(clients: Any, *, account: str, partition: str) -> Inventory:
        if account != ACCOUNT:
            raise RuntimeError("a bug, not an AWS refusal")
        return collect_account(clients, account=account, partition=partition)

    monkeypatch.setattr(live, "collect_account", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        collect_aws(moto.options(organization=True), session=moto.session())
