"""The graph on the bundled sample estate: its known attack paths, and its look-alikes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from overgrant import api
from overgrant.graph.analysis import IdentityExposure
from overgrant.graph.aws_trust import TrustRisk
from overgrant.graph.build import PermissionGraph
from overgrant.model import Inventory

PROD, DEV = "222222222222", "333333333333"


@pytest.fixture(scope="module")
def sample() -> Inventory:
    return api.sample_inventory()


@pytest.fixture(scope="module")
def graph(sample: Inventory) -> PermissionGraph:
    return api.permission_graph(sample)


@pytest.fixture(scope="module")
def exposures(sample: Inventory, graph: PermissionGraph) -> dict[str, IdentityExposure]:
    return {
        e.identity.name + "@" + e.identity.container: e
        for e in api.attack_paths(sample, graph=graph)
    }


def test_dev_build_role_reaches_prod_admin_through_the_release_deployer(
    exposures: dict[str, IdentityExposure],
) -> None:
    runner = exposures[f"build-runner@{DEV}"]
    prod = next(p for p in runner.paths if p.target == f"admin:aws/account/{PROD}")
    assert [h.method for h in prod.hops] == ["sts:AssumeRole", "holds-admin"]
    assert prod.hops[0].target == f"identity:arn:aws:iam::{PROD}:role/release-deployer"
    assert ("iam:AttachRolePolicy", f"arn:aws:iam::{PROD}:role/release-deployer") in prod.hops[
        1
    ].permissions


def test_passrole_to_an_admin_lambda_role(exposures: dict[str, IdentityExposure]) -> None:
    runner = exposures[f"build-runner@{DEV}"]
    dev = next(p for p in runner.paths if p.target == f"admin:aws/account/{DEV}")
    first = dev.hops[0]
    assert first.method.startswith("lambda-create-function")
    assert first.target == f"identity:arn:aws:iam::{DEV}:role/lambda-admin-automation"
    assert ("iam:PassRole", f"arn:aws:iam::{DEV}:role/lambda-admin-automation") in first.permissions
    # The smallest fix is in the build role itself, not in the admin automation role.
    assert all(
        e.source == f"identity:arn:aws:iam::{DEV}:role/build-runner" for e in runner.minimum_cut
    )


def test_self_escalation_by_policy_version(exposures: dict[str, IdentityExposure]) -> None:
    bot = exposures[f"app-support-bot@{DEV}"]
    (path,) = bot.paths
    assert [h.method for h in path.hops] == ["iam-create-policy-version"]


def test_workload_admin_roles_hold_admin(exposures: dict[str, IdentityExposure]) -> None:
    pipeline = exposures[f"data-pipeline@{PROD}"]
    assert [h.method for h in pipeline.paths[0].hops] == ["holds-admin"]


@pytest.mark.parametrize(
    "name",
    [
        f"sandbox-developer@{DEV}",  # AdministratorAccess capped by a boundary denying iam:*
        f"restricted-ops@{PROD}",  # PowerUser with an explicit deny on the compute it could pass to
        f"orders-api@{PROD}",  # narrowly scoped
        f"github-infra@{PROD}",  # ReadOnly plus CloudFormation change sets on its own stacks
    ],
)
def test_look_alikes_do_not_reach_admin(exposures: dict[str, IdentityExposure], name: str) -> None:
    assert name not in exposures


def test_management_account_admin_controls_the_organization(
    exposures: dict[str, IdentityExposure],
) -> None:
    ci = exposures["ci-deploy@111111111111"]
    assert "admin:aws/organization/o-acme12345" in ci.blast_radius.admin_of
    assert {f"admin:aws/account/{a}" for a in (PROD, DEV)} <= set(ci.blast_radius.admin_of)


def test_risky_trust_is_flagged(graph: PermissionGraph) -> None:
    risks = {(e.target, r) for e in graph.attack_edges() for r in e.risks}
    assert (
        f"identity:arn:aws:iam::{PROD}:role/github-deploy",
        TrustRisk.GITHUB_WITHOUT_SUB,
    ) in risks
    assert (
        f"identity:arn:aws:iam::{PROD}:role/vendor-monitoring",
        TrustRisk.EXTERNAL_WITHOUT_EXTERNAL_ID,
    ) in risks
    assert not any(t.endswith("role/vendor-billing") for t, _ in risks)  # has an ExternalId
    assert not any(t.endswith("role/github-infra") for t, _ in risks)  # has a sub condition


def test_paths_command_json_shape() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "overgrant",
            "paths",
            "--sample",
            "--format",
            "json",
            "--identity",
            f"arn:aws:iam::{DEV}:user/app-support-bot",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    data = json.loads(result.stdout)
    assert data["format"] == "overgrant-paths" and data["format_version"] == 1
    (entry,) = data["identities"]
    hop = entry["paths"][0]["hops"][0]
    assert hop["method"] == "iam-create-policy-version"
    assert hop["statements"][0]["permission_set"] == f"arn:aws:iam::{DEV}:policy/app-support"
    assert set(hop) >= {
        "kind",
        "source",
        "target",
        "outcome",
        "permissions",
        "via",
        "risks",
        "notes",
    }
    assert entry["minimum_cut"] and entry["blast_radius"]["admin_of"] == [
        f"admin:aws/account/{DEV}"
    ]
