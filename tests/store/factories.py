"""Hand-built findings and scan results, for tests that must not depend on the rule engine."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from overgrant.findings import Evidence, Finding, PathHop, Severity, make_finding
from overgrant.model import Cloud, IdentityId, ScopeId
from overgrant.policies.result import ScanResult, SuppressedFinding, SuppressionKind

SCANNED_AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def finding(
    rule: str = "OG101",
    identity: str = "arn:aws:iam::111111111111:role/app",
    severity: Severity = Severity.HIGH,
    key: str = "",
    message: str = "holds AdministratorAccess",
) -> Finding:
    return make_finding(
        rule_id=rule,
        rule_name="workload-full-admin",
        severity=severity,
        identity=IdentityId(identity),
        identity_name=identity.rsplit("/", 1)[-1],
        cloud=Cloud.AWS,
        container=ScopeId("aws/account/111111111111"),
        message=message,
        key=key,
        evidence=Evidence(
            path=(
                PathHop(
                    source=f"identity:{identity}",
                    target="admin:aws/account/111111111111",
                    method="holds-admin",
                    outcome="allowed",
                    permissions=(("iam:PutRolePolicy", identity),),
                ),
            ),
            facts={"evidence_window_days": 90},
        ),
    )


def suppressed(
    item: Finding, kind: SuppressionKind = SuppressionKind.CONFIG, reason: str = "accepted"
) -> SuppressedFinding:
    return SuppressedFinding(finding=item, kind=kind, reason=reason, owner="team-platform")


def scan_result(
    findings: Sequence[Finding] = (),
    suppressed_findings: Sequence[SuppressedFinding] = (),
    *,
    source: str = "snapshot.json",
    scanned_at: datetime = SCANNED_AT,
) -> ScanResult:
    return ScanResult(
        findings=tuple(findings),
        suppressed=tuple(suppressed_findings),
        rules=(),
        coverage_gaps=(),
        source=source,
        scanned_at=scanned_at,
    )
