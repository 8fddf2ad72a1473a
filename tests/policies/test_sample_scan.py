"""``api.scan`` on the bundled sample estate: every severity, paths as evidence, stable results."""

from __future__ import annotations

from overgrant import api
from overgrant.findings import Finding, Severity
from overgrant.graph.build import PermissionGraph
from overgrant.model import Inventory
from overgrant.policies.context import ScanContext
from overgrant.policies.result import ScanResult
from overgrant.policies.selection import finding_order
from tests.policies.conftest import SAMPLE_NOW

PROD, DEV = "222222222222", "333333333333"


def by_rule(result: ScanResult, rule_id: str) -> dict[str, Finding]:
    return {f"{f.identity_name}@{f.container}": f for f in result.findings if f.rule_id == rule_id}


def test_findings_of_every_severity(sample_scan: ScanResult) -> None:
    assert {f.severity for f in sample_scan.findings} == set(Severity)
    assert list(sample_scan.findings) == sorted(sample_scan.findings, key=finding_order)
    assert sample_scan.source == "sample" and sample_scan.scanned_at == SAMPLE_NOW
    ran = {r.id for r in sample_scan.rules}
    assert {f.rule_id for f in sample_scan.findings} <= ran


def test_escalation_findings_carry_their_path_with_statements(sample_scan: ScanResult) -> None:
    escalations = [f for f in sample_scan.findings if f.rule_id.startswith(("OG2", "OG101"))]
    assert escalations
    for finding in escalations:
        path = finding.evidence.path
        assert path, finding
        assert path[0].source == f"identity:{finding.identity}"
        assert path[-1].target.startswith("admin:")
        assert all(hop.statements or hop.method == "management-account-admin" for hop in path)
        assert finding.evidence.facts["reaches"]


def test_the_sample_s_known_problems_are_found(sample_scan: ScanResult) -> None:
    assert {f"data-pipeline@{PROD}", f"lambda-admin-automation@{DEV}"} <= set(
        by_rule(sample_scan, "OG101")
    )
    assert f"app-support-bot@{DEV}" in by_rule(sample_scan, "OG201")
    passrole = by_rule(sample_scan, "OG205")[f"build-runner@{DEV}"]
    assert passrole.evidence.path[0].target.endswith("role/lambda-admin-automation")
    chain = [f for f in sample_scan.findings if f.rule_id == "OG207"]
    into_prod = next(f for f in chain if f.identity_name == "build-runner")
    assert [h.method for h in into_prod.evidence.path] == ["sts:AssumeRole", "holds-admin"]
    assert into_prod.evidence.path[0].target.endswith(f"{PROD}:role/release-deployer")
    assert f"vendor-monitoring@{PROD}" in by_rule(sample_scan, "OG302")
    assert f"github-deploy@{PROD}" in by_rule(sample_scan, "OG303")
    assert f"github-infra@{PROD}" not in by_rule(sample_scan, "OG303")
    unused = by_rule(sample_scan, "OG401")[f"legacy-reporting@{PROD}"]
    assert unused.evidence.facts["evidence_window_days"] == 400
    never = [f for f in sample_scan.findings if f.rule_id == "OG404"]
    assert [f.identity_name for f in never] == ["ci-deploy"]
    assert "ci-deploy@111111111111" in by_rule(sample_scan, "OG408")
    assert f"bob@{DEV}" in by_rule(sample_scan, "OG407")


def test_missing_evidence_is_said_not_hidden(sample_scan: ScanResult) -> None:
    warnings = "\n".join(sample_scan.warnings)
    assert "OG402" in warnings and "Access Advisor" in warnings
    assert "OG406" in warnings and "shared use was not checked" in warnings


def test_fingerprints_are_unique_and_stable(
    sample: Inventory, sample_graph: PermissionGraph, sample_scan: ScanResult
) -> None:
    prints = [f.fingerprint for f in sample_scan.findings]
    assert len(prints) == len(set(prints))
    again = api.scan(sample, now=SAMPLE_NOW, graph=sample_graph, source="snap.json")
    assert [f.fingerprint for f in again.findings] == prints
    assert again.source == "snap.json"


def test_the_context_computes_each_identity_once(
    sample: Inventory, sample_graph: PermissionGraph
) -> None:
    context = ScanContext.build(sample, now=SAMPLE_NOW, graph=sample_graph)
    pipeline = next(i for i in context.identities if i.name == "data-pipeline")
    first = context.permissions(pipeline)
    assert first is not None and first is context.permissions(pipeline)
    assert context.exposures() is context.exposures()
    assert first.covers("iam:*", resource_wildcard=True)
    # The prod region SCP makes regional actions conditional (aws:RequestedRegion is unknown).
    assert "s3:GetObject" in first.matching(["s3:Get*"], include_conditional=True)
    assert "s3:GetObject" not in first.matching(["s3:Get*"])
    activity = context.activity(pipeline)
    assert activity.known and activity.window_days == 400
