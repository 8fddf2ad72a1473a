"""The bundled sample: data-pipeline (AdministratorAccess) used two things in 92 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from overgrant.api import sample_inventory
from overgrant.catalogs.aws import AwsCatalog
from overgrant.model import Cloud, IdentityId, ScopeId
from overgrant.remediation.aws import plan_aws
from overgrant.remediation.plan import PlanStatus
from overgrant.usage import EvidenceWindow, UsageEvidence, UsageRecord
from tests.remediation.minimize.kit import TrailObservability, statements

ROLE = "arn:aws:iam::222222222222:role/data-pipeline"
OBJECT = "arn:aws:s3:::acme-data-lake/raw/2026/10/part-0.parquet"
JOB = "arn:aws:glue:eu-west-1:222222222222:job/nightly-etl"
END = datetime(2026, 11, 1, tzinfo=UTC)


def _record(action: str, resource: str) -> UsageRecord:
    return UsageRecord(
        cloud=Cloud.AWS,
        identity=IdentityId(ROLE),
        action=action,
        resource=resource,
        first_seen=END - timedelta(days=80),
        last_seen=END - timedelta(days=1),
        count=80,
        source="cloudtrail-files",
    )


def test_data_pipeline_gets_a_proven_small_policy(catalog: AwsCatalog) -> None:
    usage = UsageEvidence(
        records=(_record("s3:GetObject", OBJECT), _record("glue:StartJobRun", JOB)),
        windows=(
            EvidenceWindow(
                cloud=Cloud.AWS,
                source="cloudtrail-files",
                scope=ScopeId("222222222222"),
                start=END - timedelta(days=92),
                end=END,
                data_events=("s3",),
            ),
        ),
    )
    plan = plan_aws(sample_inventory(), usage, catalog, observability=TrailObservability(), at=END)
    (pipeline,) = [p for p in plan.plans if p.identity == ROLE]

    assert pipeline.status is PlanStatus.PROPOSED, pipeline.summary
    assert pipeline.proof is not None and pipeline.proof.passed
    assert [r.name for r in pipeline.replaces] == ["AdministratorAccess"]
    used = {s["Sid"]: (s["Action"], s["Resource"]) for s in statements(pipeline.new_policies)}
    assert used["GlueUsed"] == ("glue:StartJobRun", JOB)
    assert used["S3Used"] == ("s3:GetObject", OBJECT)
    assert pipeline.kept_actions < 50 < 20000 < pipeline.granted_actions
    assert any(r.action == "iam:*" for r in pipeline.removed)
    # Accounts without evidence get nothing, and say why.
    other = [p for p in plan.plans if p.account == "333333333333"]
    assert other and all(p.status is PlanStatus.NO_EVIDENCE for p in other)
