"""The sample's CloudTrail evidence: realistic, allowed by today's policies, and reproducible."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from overgrant.api import sample_inventory
from overgrant.catalogs.aws import AwsCatalog, load_aws_catalog
from overgrant.catalogs.cloudtrail import CloudTrailMapping, load_cloudtrail_mapping
from overgrant.graph.effective.aws import AwsEvaluator, Outcome
from overgrant.model import (
    Cloud,
    Inventory,
    PermissionSet,
    PermissionSetId,
    PermissionSetKind,
    ScopeKind,
    ScopePolicy,
    ScopePolicyKind,
)
from overgrant.remediation.evidence import sample_usage
from overgrant.remediation.evidence.callers import IdentityIndex
from overgrant.sample.usage import sample_cloudtrail_folder
from overgrant.usage import UsageEvidence

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def catalog() -> AwsCatalog:
    return load_aws_catalog()


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return sample_inventory()


@pytest.fixture(scope="module")
def mapping(catalog: AwsCatalog) -> CloudTrailMapping:
    return load_cloudtrail_mapping(catalog)


@pytest.fixture(scope="module")
def evidence(inventory: Inventory, mapping: CloudTrailMapping) -> UsageEvidence:
    return sample_usage(inventory, mapping)


RCP_FULL_ACCESS = PermissionSetId(
    "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess"
)


def _with_implicit_rcp(inventory: Inventory) -> Inventory:
    """The inventory with RCPFullAWSAccess on every level, where the export lacks it.

    AWS attaches this managed RCP to the root, every OU and every account as soon as RCPs are
    enabled, and it cannot be detached (AWS Organizations User Guide: "Resource control
    policies (RCPs)"). The sample's organization export enables RCPs but omits it; without it
    every S3 call of the estate would be denied.
    """
    if any(p.id == RCP_FULL_ACCESS for p in inventory.permission_sets):
        return inventory
    levels = (ScopeKind.ORGANIZATION_ROOT, ScopeKind.ORGANIZATIONAL_UNIT, ScopeKind.ACCOUNT)
    policy = PermissionSet(
        id=RCP_FULL_ACCESS,
        cloud=Cloud.AWS,
        kind=PermissionSetKind.RESOURCE_CONTROL_POLICY,
        name="RCPFullAWSAccess",
        document={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
        },
        builtin=True,
    )
    attachments = tuple(
        ScopePolicy(
            scope=scope.id,
            permission_set=RCP_FULL_ACCESS,
            kind=ScopePolicyKind.RESOURCE_CONTROL_POLICY,
        )
        for scope in inventory.scopes
        if scope.cloud is Cloud.AWS and scope.kind in levels
    )
    return inventory.merge(Inventory(permission_sets=(policy,), scope_policies=attachments))


def _records(folder: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(folder.rglob("*.json.gz")):
        yield from json.loads(gzip.decompress(path.read_bytes()))["Records"]


def _name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def test_every_successful_call_is_allowed_by_todays_policies(
    inventory: Inventory, catalog: AwsCatalog, mapping: CloudTrailMapping
) -> None:
    evaluator = AwsEvaluator(_with_implicit_rcp(inventory), catalog)
    index = IdentityIndex(inventory)
    checked, denied_as_logged = 0, 0
    with sample_cloudtrail_folder() as folder:
        for record in _records(folder):
            identity = index.resolve(record["userIdentity"]).identity
            if identity is None:
                continue
            context = {"aws:RequestedRegion": record["awsRegion"]}
            for action, resource in mapping.actions_for(record):
                decision = evaluator.decide(identity, action, resource, context)
                if "errorCode" in record:  # logged as denied: the evaluator must agree
                    assert decision.outcome is Outcome.DENIED, (identity, action, resource)
                    denied_as_logged += 1
                else:
                    assert decision.outcome is Outcome.ALLOWED, (
                        identity,
                        action,
                        resource,
                        decision.reason,
                    )
                    checked += 1
    assert checked > 1500
    assert denied_as_logged == 4


def test_the_sample_evidence_covers_the_workloads_with_a_short_and_a_missing_account(
    evidence: UsageEvidence,
) -> None:
    used = {_name(r.identity) for r in evidence.records}
    assert used == {
        "data-pipeline",
        "orders-api",
        "github-deploy",
        "github-infra",
        "release-deployer",
        "legacy-reporting",
        "restricted-ops",
        "build-runner",
        "app-support-bot",
        "lambda-admin-automation",
        "ci-deploy",
        "billing-export",
    }
    spans = {(w.scope, w.regions): (w.end - w.start).days for w in evidence.windows}
    assert spans[("222222222222", ("eu-west-1",))] == 89
    assert spans[("333333333333", ("eu-west-1",))] == 89
    assert spans[("111111111111", ("us-east-1",))] == 9  # too short to judge
    assert not any(w.scope == "444444444444" for w in evidence.windows)  # no evidence at all
    data = {(w.scope, w.regions): w.data_events for w in evidence.windows}
    assert data[("222222222222", ("eu-west-1",))] == ("dynamodb", "s3")
    assert data[("333333333333", ("eu-west-1",))] == ("s3",)
    assert all(w.end <= datetime(2026, 11, 21, tzinfo=UTC) for w in evidence.windows)


def test_the_sample_shows_what_was_not_used(evidence: UsageEvidence) -> None:
    by_identity: dict[str, set[str]] = {}
    for record in evidence.records:
        by_identity.setdefault(_name(record.identity), set()).add(record.action)
    # The escalation-relevant grants are never exercised: remediation can take them away.
    assert "iam:AttachRolePolicy" not in by_identity["release-deployer"]
    assert "iam:CreatePolicyVersion" not in by_identity["app-support-bot"]
    assert "s3:DeleteObject" not in by_identity["github-deploy"]
    assert "dynamodb:UpdateItem" not in by_identity["orders-api"]
    # A handed-over role is recorded on the role the call named.
    passed = {r.resource for r in evidence.records if r.action == "iam:PassRole"}
    assert passed == {
        "arn:aws:iam::333333333333:role/preview-fn",
        "arn:aws:iam::111111111111:role/ci-app-task",
    }
    notes = " | ".join(evidence.notes)
    assert "4 denied calls are not usage" in notes
    assert "legacy-reporting s3:DeleteObject (AccessDenied) ×3" in notes
    assert "billing-export cur:DescribeReportDefinitions (AccessDenied) ×1" in notes
    assert "AWSService caller ×90" in notes and "WebIdentityUser caller ×26" in notes


def test_the_generator_reproduces_the_bundled_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location(
        "sample_cloudtrail", ROOT / "scripts" / "sample_cloudtrail.py"
    )
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, generator)  # dataclasses look their module up
    spec.loader.exec_module(generator)
    written = generator.write(tmp_path)
    with sample_cloudtrail_folder() as folder:
        bundled = sorted(p.relative_to(folder) for p in folder.rglob("*.json.gz"))
        assert sorted(p.relative_to(tmp_path) for p in written) == bundled
        for relative in bundled:
            fresh = gzip.decompress((tmp_path / relative).read_bytes())
            assert fresh == gzip.decompress((folder / relative).read_bytes()), relative
