"""Remediation plans written by hand from the bundled sample estate, as the minimizer would."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from overgrant.api import sample_inventory
from overgrant.model import IdentityId, Inventory, PermissionSetId
from overgrant.remediation.plan import (
    IdentityPlan,
    NewPolicy,
    PlanStatus,
    Proof,
    RemediationPlan,
    Removal,
    Replacement,
    Retention,
)

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 3, 31, tzinfo=UTC)
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"
LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

DATA_PIPELINE_DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadRawZone",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::data-lake-raw", "arn:aws:s3:::data-lake-raw/*"],
        },
        {
            "Sid": "WriteCuratedZone",
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::data-lake-curated/*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        },
        {"Sid": "Glue", "Effect": "Allow", "Action": ["glue:GetTable"], "Resource": "*"},
    ],
}
ORDERS_DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
            "Resource": "arn:aws:dynamodb:eu-west-1:222222222222:table/orders",
        }
    ],
}
CI_DOCS = (
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["ecr:PutImage"], "Resource": "*"},
        ],
    },
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": "arn:aws:iam::111111111111:role/app-*",
                "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
            }
        ],
    },
)


def _proof(replayed: int) -> Proof:
    return Proof(passed=True, no_wider=True, covers_usage=True, replayed_calls=replayed)


def data_pipeline() -> IdentityPlan:
    arn = "arn:aws:iam::222222222222:role/data-pipeline"
    return IdentityPlan(
        identity=IdentityId(arn),
        account="222222222222",
        name="data-pipeline",
        kind="role",
        status=PlanStatus.PROPOSED,
        summary="AdministratorAccess replaced by 4 observed S3 and Glue actions",
        window_start=START,
        window_end=END,
        evidence_sources=("cloudtrail-files",),
        used_calls=5,
        new_policies=(
            NewPolicy(
                name="data-pipeline-least-privilege",
                document=DATA_PIPELINE_DOC,
                description="Observed use of data-pipeline, 2026-01-01 to 2026-03-31",
            ),
        ),
        replaces=(
            Replacement(
                permission_set=PermissionSetId(ADMIN),
                name="AdministratorAccess",
                managed=True,
                arn=ADMIN,
            ),
        ),
        removed=(
            Removal(
                action="s3:DeleteBucket",
                granted_by=("AdministratorAccess#0",),
                reason="not used in 89 days of CloudTrail",
            ),
            Removal(
                action="s3:PutBucketPolicy",
                granted_by=("AdministratorAccess#0",),
                reason="not used in 89 days of CloudTrail",
            ),
            Removal(
                action="iam:CreateUser",
                granted_by=("AdministratorAccess#0",),
                reason="not used in 89 days of CloudTrail",
            ),
            Removal(
                action="ec2:RunInstances",
                granted_by=("AdministratorAccess#0",),
                reason="not used in 89 days of CloudTrail",
            ),
        ),
        retained=(
            Retention(
                action="s3:GetObject",
                resource="arn:aws:s3:::data-lake-raw/*",
                reason="S3 data events are not recorded",
            ),
        ),
        proof=_proof(412),
        granted_actions=13_245,
        kept_actions=4,
    )


def orders_api() -> IdentityPlan:
    return IdentityPlan(
        identity=IdentityId("arn:aws:iam::222222222222:role/orders-api"),
        account="222222222222",
        name="orders-api",
        kind="role",
        status=PlanStatus.PROPOSED,
        window_start=START,
        window_end=END,
        evidence_sources=("cloudtrail-files", "access-advisor"),
        used_calls=2,
        new_policies=(NewPolicy(name="orders-api-least-privilege", document=ORDERS_DOC),),
        replaces=(
            Replacement(
                permission_set=PermissionSetId(
                    "arn:aws:iam::222222222222:role/orders-api#inline/orders-table"
                ),
                name="orders-table",
                managed=False,
            ),
        ),
        kept_attachments=(
            Replacement(
                permission_set=PermissionSetId(LAMBDA_BASIC),
                name="AWSLambdaBasicExecutionRole",
                managed=True,
                arn=LAMBDA_BASIC,
            ),
        ),
        removed=(
            Removal(
                action="dynamodb:Query",
                resource="arn:aws:dynamodb:eu-west-1:222222222222:table/orders",
                reason="not used",
                granted_by=("orders-table#0",),
            ),
            Removal(
                action="dynamodb:UpdateItem",
                resource="arn:aws:dynamodb:eu-west-1:222222222222:table/orders",
                reason="not used",
                granted_by=("orders-table#0",),
            ),
            Removal(
                action="sqs:SendMessage",
                resource="arn:aws:sqs:eu-west-1:222222222222:order-events",
                reason="not used",
                granted_by=("orders-table#1",),
            ),
        ),
        proof=_proof(37),
        granted_actions=5,
        kept_actions=2,
    )


def ci_deploy() -> IdentityPlan:
    """A user whose managed and inline policies are both replaced, by two new policies."""
    return IdentityPlan(
        identity=IdentityId("arn:aws:iam::111111111111:user/ci-deploy"),
        account="111111111111",
        name="ci-deploy",
        kind="user",
        status=PlanStatus.PROPOSED,
        window_start=START,
        window_end=END,
        evidence_sources=("cloudtrail-lookup",),
        used_calls=2,
        new_policies=(
            NewPolicy(name="ci-deploy-least-privilege-1", document=CI_DOCS[0]),
            NewPolicy(name="ci-deploy-least-privilege-2", document=CI_DOCS[1]),
        ),
        replaces=(
            Replacement(
                permission_set=PermissionSetId(POWER_USER),
                name="PowerUserAccess",
                managed=True,
                arn=POWER_USER,
            ),
            Replacement(
                permission_set=PermissionSetId(
                    "arn:aws:iam::111111111111:user/ci-deploy#inline/pass-any-role"
                ),
                name="pass-any-role",
                managed=False,
            ),
        ),
        removed=(
            Removal(
                action="ec2:TerminateInstances",
                reason="not used",
                granted_by=("PowerUserAccess#0",),
            ),
        ),
        proof=_proof(9),
        granted_actions=10_000,
        kept_actions=2,
    )


def no_evidence(identity: str = "arn:aws:iam::222222222222:role/vendor-billing") -> IdentityPlan:
    return IdentityPlan(
        identity=IdentityId(identity),
        account=identity.split(":")[4],
        name=identity.rsplit("/", 1)[-1],
        kind="role",
        status=PlanStatus.NO_EVIDENCE,
        summary="no CloudTrail or Access Advisor source covers account 222222222222",
    )


def remediation_plan(*plans: IdentityPlan) -> RemediationPlan:
    return RemediationPlan(
        plans=plans or (data_pipeline(), orders_api(), ci_deploy(), no_evidence()),
        generated_at=datetime(2026, 4, 1, 12, 0, tzinfo=UTC),
        min_window_days=30,
        blind_spots=("s3:GetObject (data events off)",),
    )


def inventory() -> Inventory:
    return sample_inventory()


def with_identity_attributes(inventory: Inventory, arn: str, **changes: object) -> Inventory:
    """The inventory with one identity's fields changed (hostile tags, a description...)."""
    identities = tuple(
        dataclasses.replace(i, **changes) if i.id == arn else i  # type: ignore[arg-type]
        for i in inventory.identities
    )
    return dataclasses.replace(inventory, identities=identities)
