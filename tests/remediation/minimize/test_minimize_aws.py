"""The minimizer through ``plan_aws``: what is kept, removed, retained, and why."""

from __future__ import annotations

import orjson
import pytest

from overgrant.catalogs.aws import AwsCatalog
from overgrant.errors import InputError
from overgrant.model import GrantPurpose, Nature
from overgrant.remediation.aws import plan_aws
from overgrant.remediation.minimize import MinimizeOptions
from overgrant.remediation.plan import IdentityPlan, PlanStatus
from overgrant.usage import UsageEvidence
from tests.remediation.minimize.kit import (
    ACCOUNT,
    ADMIN,
    Estate,
    TrailObservability,
    advisor,
    allow,
    deny,
    doc,
    evidence,
    statements,
    used,
    window,
)

BUCKET = "arn:aws:s3:::acme-lake"
JOB = f"arn:aws:glue:eu-west-1:{ACCOUNT}:job/nightly"


def plan_one(
    estate: Estate,
    identity: str,
    usage: UsageEvidence,
    catalog: AwsCatalog,
    options: MinimizeOptions | None = None,
) -> IdentityPlan:
    plan = plan_aws(
        estate.inventory(),
        usage,
        catalog,
        observability=TrailObservability(),
        identities=[identity],
        options=options or MinimizeOptions(),
    )
    (found,) = plan.plans
    return found


def test_admin_role_keeps_exactly_the_observed_calls(catalog: AwsCatalog) -> None:
    estate = Estate()
    role = estate.role("pipeline", ADMIN)
    usage = evidence(
        used(role, "s3:GetObject", f"{BUCKET}/raw/a.parquet"), used(role, "glue:StartJobRun", JOB)
    )
    plan = plan_one(estate, role, usage, catalog)

    assert plan.status is PlanStatus.PROPOSED, plan.summary
    kept = {
        (s["Sid"], orjson.dumps(s["Action"]).decode(), orjson.dumps(s["Resource"]).decode())
        for s in statements(plan.new_policies)
        if s["Sid"] in ("GlueUsed", "S3Used")
    }
    assert kept == {
        ("GlueUsed", '"glue:StartJobRun"', f'"{JOB}"'),
        ("S3Used", '"s3:GetObject"', f'"{BUCKET}/raw/a.parquet"'),
    }
    assert plan.proof is not None and plan.proof.passed
    assert plan.proof.replayed_calls == 2 and plan.proof.replay_denials == 0
    ec2 = next(r for r in plan.removed if r.action == "ec2:*")
    assert ec2.granted_by == ("p0#0",)
    assert "not used in 90 days of cloudtrail-files" in ec2.reason
    assert plan.replaces[0].name == "p0" and not plan.replaces[0].managed
    # Never-logged actions stay, flagged; the data events the trail recorded do not.
    assert any(r.action == "s3:ListAllMyBuckets" for r in plan.retained)
    assert all(r.action != "s3:PutObject" for r in plan.retained)
    assert len(plan.removed) < 600  # grouped per service, not 20,000 lines


def test_unrecorded_data_events_are_kept_not_removed(catalog: AwsCatalog) -> None:
    estate = Estate()
    role = estate.role("app", doc(allow(["s3:GetObject", "s3:PutObject", "s3:ListBucket"], "*")))
    usage = evidence(used(role, "s3:ListBucket", BUCKET), windows=(window(data_events=()),))
    plan = plan_one(estate, role, usage, catalog)

    assert {r.action for r in plan.retained} == {"s3:GetObject", "s3:PutObject"}
    assert all("could show it" in r.reason for r in plan.retained)
    # The one used action is only narrowed to the bucket it was used on.
    (narrowed,) = plan.removed
    assert (narrowed.action, narrowed.resource) == ("s3:ListBucket", "*")
    assert narrowed.reason.startswith(f"narrowed to {BUCKET}: used only there")


def test_short_window_keeps_and_flags(catalog: AwsCatalog) -> None:
    estate = Estate()
    role = estate.role("app", doc(allow(["sqs:SendMessage", "sqs:DeleteQueue"])))
    usage = evidence(used(role, "sqs:SendMessage", "*"), windows=(window(12),))
    plan = plan_one(estate, role, usage, catalog)

    assert plan.status is PlanStatus.NOTHING_TO_REMOVE
    (kept,) = plan.retained
    assert kept.action == "sqs:DeleteQueue"
    assert "covers only 12 days (need 30)" in kept.reason


def test_access_advisor_use_without_records_is_kept(catalog: AwsCatalog) -> None:
    estate = Estate()
    role = estate.role("app", doc(allow(["sqs:SendMessage", "sns:Publish", "sns:CreateTopic"])))
    usage = evidence(used(role, "sqs:SendMessage", "*"), services=(advisor(role, "sns", 3),))
    plan = plan_one(estate, role, usage, catalog)

    assert plan.status is PlanStatus.NOTHING_TO_REMOVE
    assert {r.action for r in plan.retained} == {"sns:CreateTopic", "sns:Publish"}
    assert "Access Advisor shows sns used" in plan.retained[0].reason


def test_blind_spots_from_the_evidence_are_kept(catalog: AwsCatalog) -> None:
    estate = Estate()
    role = estate.role(
        "app", doc(allow(["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteQueue"]))
    )
    usage = UsageEvidence(
        records=(used(role, "sqs:SendMessage", "*"),),
        windows=(window(),),
        blind_spots=("sqs:Receive*",),
    )
    plan = plan_one(estate, role, usage, catalog)

    assert plan.status is PlanStatus.PROPOSED
    assert [r.action for r in plan.retained] == ["sqs:ReceiveMessage"]
    assert [r.action for r in plan.removed] == ["sqs:DeleteQueue"]


def test_many_objects_under_one_path_become_a_pattern(catalog: AwsCatalog) -> None:
    estate = Estate()
    role = estate.role(
        "etl", doc(allow("s3:GetObject", f"{BUCKET}/*"), allow("s3:PutBucketPolicy"))
    )
    objects = [f"{BUCKET}/logs/2026/{n}.gz" for n in range(6)]
    few = [f"{BUCKET}/other/{n}.gz" for n in range(2)]
    usage = evidence(*(used(role, "s3:GetObject", o) for o in objects + few))
    plan = plan_one(estate, role, usage, catalog)

    (s3,) = [s for s in statements(plan.new_policies) if s["Sid"] == "S3Used"]
    assert s3["Resource"] == [f"{BUCKET}/logs/2026/*", *few]
    assert plan.proof is not None and plan.proof.passed


def test_never_generalised_wider_than_today(catalog: AwsCatalog) -> None:
    estate = Estate()
    objects = [f"{BUCKET}/logs/2026/{n}.gz" for n in range(6)]
    role = estate.role("etl", doc(allow("s3:GetObject", objects), allow("s3:DeleteBucket")))
    usage = evidence(*(used(role, "s3:GetObject", o) for o in objects))
    plan = plan_one(estate, role, usage, catalog)

    (s3,) = [s for s in statements(plan.new_policies) if s["Sid"] == "S3Used"]
    assert s3["Resource"] == sorted(objects)


def test_conditions_and_denies_are_carried_over(catalog: AwsCatalog) -> None:
    region = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    estate = Estate()
    role = estate.role(
        "ops",
        doc(allow("ec2:*", "*", Condition=region), deny("ec2:TerminateInstances", Sid="NoKill")),
    )
    usage = evidence(
        used(role, "ec2:StartInstances", "arn:aws:ec2:eu-west-1:123456789012:instance/i-1")
    )
    plan = plan_one(estate, role, usage, catalog)

    assert plan.status is PlanStatus.PROPOSED
    found = statements(plan.new_policies)
    (ec2,) = [s for s in found if s["Sid"] == "Ec2Used"]
    assert ec2["Condition"] == region
    carried = [s for s in found if s["Effect"] == "Deny"]
    assert carried == [{**deny("ec2:TerminateInstances"), "Sid": "CarriedP0NoKill"}]
    assert plan.proof is not None and plan.proof.passed


def test_call_without_resource_keeps_the_statement_resources(catalog: AwsCatalog) -> None:
    estate = Estate()
    table = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/orders"
    role = estate.role("api", doc(allow(["dynamodb:Query", "dynamodb:DeleteTable"], table)))
    plan = plan_one(estate, role, evidence(used(role, "dynamodb:Query")), catalog)

    (kept,) = [s for s in statements(plan.new_policies) if s["Sid"] == "DynamodbUsed"]
    assert kept["Resource"] == table and kept["Action"] == "dynamodb:Query"
    assert [r.action for r in plan.removed] == ["dynamodb:DeleteTable"]


def test_not_resource_statement_keeps_its_exclusions(catalog: AwsCatalog) -> None:
    estate = Estate()
    secret = "arn:aws:s3:::secret/*"
    role = estate.role(
        "reader",
        doc(
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:DeleteObject"],
                "NotResource": secret,
            }
        ),
    )
    plan = plan_one(estate, role, evidence(used(role, "s3:GetObject", f"{BUCKET}/k")), catalog)

    (kept,) = [s for s in statements(plan.new_policies) if s["Sid"] == "S3Used"]
    assert kept["NotResource"] == secret
    assert plan.proof is not None and plan.proof.passed


def test_boundary_and_group_policies_are_left_alone(catalog: AwsCatalog) -> None:
    estate = Estate()
    group = estate.group("devs", doc(allow("cloudwatch:GetMetricData")))
    user = estate.user("bot", doc(allow(["sqs:SendMessage", "sqs:DeleteQueue"])), groups=(group,))
    estate.managed(user, "cap", doc(allow("sqs:*")), GrantPurpose.BOUNDARY)
    plan = plan_one(estate, user, evidence(used(user, "sqs:SendMessage", "*")), catalog)

    assert plan.status is PlanStatus.PROPOSED
    assert [r.name for r in plan.kept_attachments] == ["cap"]
    assert [r.name for r in plan.replaces] == ["p0"]
    notes = plan.attributes["notes"]
    assert isinstance(notes, list)
    assert any("group policies (devs) are shared and not rewritten" in str(n) for n in notes)


def test_managed_policy_is_detached_with_its_arn(catalog: AwsCatalog) -> None:
    estate = Estate()
    role = estate.role("svc")
    arn = estate.managed(role, "AdministratorAccess", ADMIN, aws=True)
    plan = plan_one(estate, role, evidence(used(role, "sqs:SendMessage", "*")), catalog)

    (replaced,) = plan.replaces
    assert replaced.managed and replaced.arn == arn


def test_large_policies_split_within_the_size_limit(catalog: AwsCatalog) -> None:
    estate = Estate()
    role = estate.role("bulk", ADMIN)
    records = [
        used(role, "s3:GetObject", f"arn:aws:s3:::bucket-{n}/object-with-a-long-name-{n}")
        for n in range(150)
    ]
    plan = plan_one(estate, role, evidence(*records), catalog, MinimizeOptions(generalise_at=1000))

    assert plan.status is PlanStatus.PROPOSED
    assert len(plan.new_policies) >= 2
    for policy in plan.new_policies:
        assert len(orjson.dumps(policy.document)) <= 6144
    assert plan.proof is not None and plan.proof.passed
    quota = plan_one(
        estate,
        role,
        evidence(*records),
        catalog,
        MinimizeOptions(generalise_at=1000, max_managed_policies=1),
    )
    assert quota.status is PlanStatus.UNSUPPORTED and "quota allows 1" in quota.summary


def test_without_evidence_nothing_is_proposed(catalog: AwsCatalog) -> None:
    estate = Estate()
    role = estate.role("app", ADMIN)
    uncovered = plan_one(estate, role, evidence(windows=(window(account="999999999999"),)), catalog)
    assert uncovered.status is PlanStatus.NO_EVIDENCE
    assert uncovered.summary == f"no usage evidence covers account {ACCOUNT}; nothing is proposed"
    unused = plan_one(estate, role, evidence(), catalog)
    assert unused.status is PlanStatus.NO_EVIDENCE and not unused.new_policies


def test_default_selection_and_service_linked_roles(catalog: AwsCatalog) -> None:
    estate = Estate()
    estate.role("app", ADMIN)
    linked = estate.role(
        "AWSServiceRoleForSupport", ADMIN, path="/aws-service-role/support.amazonaws.com/"
    )
    estate.user("alice", ADMIN, nature=Nature.HUMAN)
    estate.group("admins", ADMIN)
    plan = plan_aws(estate.inventory(), evidence(), catalog, observability=TrailObservability())

    assert sorted(p.name for p in plan.plans) == ["AWSServiceRoleForSupport", "app"]
    (slr,) = [p for p in plan.plans if p.identity == linked]
    assert slr.status is PlanStatus.UNSUPPORTED and "service-linked" in slr.summary
    with pytest.raises(InputError, match="no AWS role or user"):
        plan_aws(
            estate.inventory(),
            evidence(),
            catalog,
            observability=TrailObservability(),
            identities=["arn:aws:iam::1:role/nope"],
        )


def test_region_limited_evidence_is_noted(catalog: AwsCatalog) -> None:
    estate = Estate()
    role = estate.role("app", doc(allow(["sqs:SendMessage", "sqs:DeleteQueue"])))
    usage = evidence(used(role, "sqs:SendMessage", "*"), windows=(window(regions=("eu-west-1",)),))
    plan = plan_one(estate, role, usage, catalog)

    assert "evidence covers only eu-west-1" in plan.summary
    assert "(eu-west-1 only)" in plan.removed[0].reason


def test_a_failed_proof_writes_nothing_and_says_why(catalog: AwsCatalog) -> None:
    # In a version 2008-10-17 document "${aws:username}" is plain text; carried into a
    # 2012-10-17 document it would become a variable (bucket/bot/... for this user): wider.
    estate = Estate()
    literal = "arn:aws:s3:::bucket/${aws:username}/*"
    user = estate.user(
        "bot",
        {
            "Version": "2008-10-17",
            "Statement": [allow(["s3:GetObject", "s3:DeleteObject"], literal)],
        },
    )
    plan = plan_one(estate, user, evidence(used(user, "s3:GetObject")), catalog)

    assert plan.status is PlanStatus.PROOF_FAILED
    assert plan.summary.startswith("proof failed: nothing is written")
    assert plan.new_policies == ()
    assert plan.proof is not None and not plan.proof.no_wider
    assert plan.proof.failures == (
        f"overgrant-lp-bot#S3Used: s3:GetObject on {literal} is not within any statement of today",
    )
