"""Scan results built by hand for report tests: realistic findings, evidence and hostile names.

The rule engine is not needed: each finding is what a rule kind would report, with the
statements, attack path hops and facts a reviewer would check.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from overgrant.baseline import FindingDiff
from overgrant.findings import Evidence, Finding, PathHop, Severity, StatementEvidence, make_finding
from overgrant.model import Cloud, CoverageGap, GapReason, IdentityId, JsonValue, ScopeId
from overgrant.policies.result import ScanResult, SuppressedFinding, SuppressionKind
from overgrant.policies.rule import Rule, RuleStatus

ACCOUNT = "111111111111"
DATA_ACCOUNT = "222222222222"
DEPLOY = f"arn:aws:iam::{ACCOUNT}:role/ci-deploy"
LAMBDA_ADMIN = f"arn:aws:iam::{ACCOUNT}:role/lambda-admin"
PIPELINE = f"arn:aws:iam::{DATA_ACCOUNT}:role/service-role/data-pipeline"
ORG_ROLE = f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"
BACKUP_BOT = f"arn:aws:iam::{DATA_ACCOUNT}:user/backup-bot"
GH_ROLE = f"arn:aws:iam::{ACCOUNT}:role/gh-actions-deploy"
HOSTILE_SP = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"
HOSTILE_NAME = "<img src=x onerror=alert(1)>|a`b*c_d [x](javascript:alert(2))"
HOSTILE_NODE = "<svg onload=alert(4)>"
SCRIPT_BREAKER = "</script><script>alert(3)</script>\u2028&amp;"

ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
DEPLOY_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/ci-deploy-permissions"


def rule(
    rule_id: str, name: str, severity: Severity, kind: str, *, clouds: tuple[Cloud, ...] = ()
) -> Rule:
    return Rule(
        id=rule_id,
        name=name,
        title=name.replace("-", " ").capitalize(),
        severity=severity,
        clouds=clouds or (Cloud.AWS,),
        status=RuleStatus.STABLE,
        kind=kind,
        rationale=f"Why {name} matters. It cannot see session policies.",
        remediation=f"Remove the grant behind {name}; see `overgrant remediate`.",
        references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",),
        source=f"policies/rules/{rule_id}-{name}.yaml",
    )


RULES = (
    rule("OG101", "full-admin-workload", Severity.CRITICAL, "grant-pattern"),
    rule("OG104", "write-on-any-resource", Severity.MEDIUM, "grant-pattern"),
    rule("OG201", "escalation-path-to-admin", Severity.CRITICAL, "escalation-path"),
    rule("OG202", "cross-account-path-to-admin", Severity.HIGH, "escalation-path"),
    rule("OG303", "github-oidc-trust-without-sub", Severity.HIGH, "trust-relation"),
    rule("OG401", "stale-access-key", Severity.LOW, "stale-credentials"),
    rule("OG420", "identity-without-owner", Severity.INFO, "ownership"),
    rule(
        "OG150",
        "directory-role-on-service-principal",
        Severity.HIGH,
        "grant-pattern",
        clouds=(Cloud.AZURE,),
    ),
)


def statement(permission_set: str, index: int = 0, sid: str | None = None) -> StatementEvidence:
    return StatementEvidence(permission_set=permission_set, index=index, sid=sid)


def finding(
    rule_id: str,
    severity: Severity,
    identity: str,
    message: str,
    *,
    key: str = "",
    cloud: Cloud = Cloud.AWS,
    container: str = ACCOUNT,
    name: str | None = None,
    statements: tuple[StatementEvidence, ...] = (),
    path: tuple[PathHop, ...] = (),
    facts: dict[str, JsonValue] | None = None,
) -> Finding:
    rule_name = next(r.name for r in RULES if r.id == rule_id)
    return make_finding(
        rule_id=rule_id,
        rule_name=rule_name,
        severity=severity,
        identity=IdentityId(identity),
        identity_name=name if name is not None else identity.rsplit("/", 1)[-1],
        cloud=cloud,
        container=ScopeId(container),
        message=message,
        key=key,
        evidence=Evidence(statements=statements, path=path, facts=facts or {}),
    )


def escalation_to_admin() -> Finding:
    path = (
        PathHop(
            source=f"identity:{DEPLOY}",
            target=f"identity:{LAMBDA_ADMIN}",
            method="iam-passrole-lambda-create-function",
            outcome="allowed",
            permissions=(
                ("iam:PassRole", LAMBDA_ADMIN),
                ("lambda:CreateFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:*"),
                ("lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:*"),
            ),
            statements=(statement(DEPLOY_POLICY, 2, "DeployLambdas"),),
        ),
        PathHop(
            source=f"identity:{LAMBDA_ADMIN}",
            target=f"admin:aws/account/{ACCOUNT}",
            method="holds-admin",
            outcome="allowed",
            permissions=(("*", "*"),),
            statements=(statement(ADMIN_POLICY),),
        ),
    )
    return finding(
        "OG201",
        Severity.CRITICAL,
        DEPLOY,
        f"ci-deploy can become admin of account {ACCOUNT} in 2 hops via lambda-admin",
        key=f"iam-passrole-lambda-create-function>admin:aws/account/{ACCOUNT}",
        path=path,
        facts={"hops": 2, "target": f"admin:aws/account/{ACCOUNT}"},
    )


def cross_account_path() -> Finding:
    path = (
        PathHop(
            source=f"identity:{PIPELINE}",
            target=f"identity:{ORG_ROLE}",
            method="sts:AssumeRole",
            outcome="conditional",
            permissions=(("sts:AssumeRole", ORG_ROLE),),
            statements=(statement(f"{ORG_ROLE}#trust", 0, "TrustDataAccount"),),
        ),
        PathHop(
            source=f"identity:{ORG_ROLE}",
            target="admin:aws/organization/o-a1b2c3d4e5",
            method="holds-admin",
            outcome="allowed",
            permissions=(("organizations:*", "*"),),
            statements=(statement(ADMIN_POLICY),),
        ),
    )
    return finding(
        "OG202",
        Severity.HIGH,
        PIPELINE,
        "data-pipeline in another account can reach admin of the organization",
        key="sts:AssumeRole>admin:aws/organization/o-a1b2c3d4e5",
        container=DATA_ACCOUNT,
        path=path,
        facts={"unknown_condition_keys": ["aws:SourceIp"]},
    )


def hostile_azure_finding() -> Finding:
    """A service principal whose display name (any text in Entra ID) tries to inject markup."""
    path = (
        PathHop(
            source=f"identity:{HOSTILE_SP}",
            target=f"identity:{HOSTILE_NODE}",
            method="add-owner-credential",
            outcome="allowed",
            permissions=(("microsoft.directory/applications/credentials/update", "*"),),
        ),
        PathHop(
            source=f"identity:{HOSTILE_NODE}",
            target="admin:azure/tenant/contoso",
            method="holds-admin",
            outcome="allowed",
        ),
    )
    return finding(
        "OG150",
        Severity.HIGH,
        HOSTILE_SP,
        f"{HOSTILE_NAME} holds Application Administrator",
        cloud=Cloud.AZURE,
        container="contoso",
        name=HOSTILE_NAME,
        path=path,
        facts={"display_name": SCRIPT_BREAKER, "role": "Application Administrator"},
    )


def scan_findings() -> tuple[Finding, ...]:
    return (
        escalation_to_admin(),
        finding(
            "OG101",
            Severity.CRITICAL,
            DEPLOY,
            "ci-deploy (a workload) holds * on * through AdministratorAccess",
            key=ADMIN_POLICY,
            statements=(statement(ADMIN_POLICY),),
        ),
        cross_account_path(),
        hostile_azure_finding(),
        finding(
            "OG303",
            Severity.HIGH,
            GH_ROLE,
            "gh-actions-deploy trusts GitHub's OIDC provider without a sub condition",
            key="token.actions.githubusercontent.com",
            statements=(statement(f"{GH_ROLE}#trust", 0, "GitHubOidc"),),
            facts={"provider": "token.actions.githubusercontent.com", "conditions": ["aud"]},
        ),
        finding(
            "OG104",
            Severity.MEDIUM,
            BACKUP_BOT,
            "backup-bot can write s3 and ec2 on Resource *",
            key="s3,ec2",
            container=DATA_ACCOUNT,
            statements=(
                statement(f"{BACKUP_BOT}#inline/backup", 0, "S3Write"),
                statement(f"{BACKUP_BOT}#inline/backup", 1, "Snapshots"),
                statement(f"{BACKUP_BOT}#inline/backup", 2),
            ),
            facts={"actions": 37, "services": ["ec2", "s3"]},
        ),
        finding(
            "OG401",
            Severity.LOW,
            BACKUP_BOT,
            "access key AKIAIOSFODNN7EXAMPLE is 912 days old",
            key="AKIAIOSFODNN7EXAMPLE",
            container=DATA_ACCOUNT,
            facts={"key_age_days": 912, "max_age_days": 90, "last_used": None},
        ),
        finding(
            "OG420",
            Severity.INFO,
            LAMBDA_ADMIN,
            "lambda-admin has no owner tag",
            facts={"tags_checked": ["owner", "team"]},
        ),
    )


def scan_result(
    findings: tuple[Finding, ...] | None = None, *, gaps: bool = True, warnings: bool = True
) -> ScanResult:
    active = scan_findings() if findings is None else findings
    suppressed = (
        SuppressedFinding(
            finding=finding(
                "OG420",
                Severity.INFO,
                GH_ROLE,
                "gh-actions-deploy has no owner tag",
            ),
            kind=SuppressionKind.CONFIG,
            reason="owned by the platform team; tags land with TICKET-42",
            owner="platform@example.com",
            expires=date(2030, 1, 31),
        ),
        SuppressedFinding(
            finding=finding(
                "OG401",
                Severity.LOW,
                f"arn:aws:iam::{DATA_ACCOUNT}:user/legacy-etl",
                "access key AKIAOLDKEY is 400 days old",
                key="AKIAOLDKEY",
                container=DATA_ACCOUNT,
            ),
            kind=SuppressionKind.BASELINE,
            reason="in baseline .overgrant-baseline.json",
        ),
    )
    coverage = (
        CoverageGap(
            cloud=Cloud.AWS,
            scope=ScopeId("333333333333"),
            operation="iam:GetAccountAuthorizationDetails",
            reason=GapReason.ACCESS_DENIED,
            message="AccessDenied assuming OrganizationAccountAccessRole",
            affects="identities",
        ),
        CoverageGap(
            cloud=Cloud.AWS,
            scope=ScopeId(DATA_ACCOUNT),
            operation="s3:GetBucketPolicy",
            reason=GapReason.THROTTLED,
            affects="resource policies (s3)",
        ),
    )
    return ScanResult(
        findings=active,
        suppressed=suppressed,
        rules=RULES,
        coverage_gaps=coverage if gaps else (),
        source="snapshots/prod.json",
        scanned_at=datetime(2025, 6, 1, 2, 0, tzinfo=UTC),
        warnings=(
            (
                "suppression of OG401 for arn:aws:iam::222222222222:user/old-bot expired on "
                "2025-01-31 and no longer applies",
            )
            if warnings
            else ()
        ),
    )


def fixed_finding() -> Finding:
    return finding(
        "OG101",
        Severity.CRITICAL,
        f"arn:aws:iam::{ACCOUNT}:role/old-admin",
        "old-admin (a workload) holds * on * through AdministratorAccess",
        key=ADMIN_POLICY,
        statements=(statement(ADMIN_POLICY),),
    )


def scan_diff(result: ScanResult) -> FindingDiff:
    """Two findings new since the baseline, one fixed, the rest unchanged."""
    new = {escalation_to_admin().fingerprint, hostile_azure_finding().fingerprint}
    return FindingDiff(
        new=tuple(f for f in result.findings if f.fingerprint in new),
        fixed=(fixed_finding(),),
        unchanged=tuple(f for f in result.findings if f.fingerprint not in new),
    )
