"""AWS policy evaluation, scenario by scenario, written from the IAM User Guide.

Each row builds a small inventory, asks one question, and states the documented answer; the
comment above a group of rows names the page it follows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest
from aws_scenario_kit import (
    ACCOUNT,
    FULL_AWS_ACCESS,
    OTHER,
    allow,
    attach,
    bucket,
    deny,
    grant,
    group,
    inventory,
    organization,
    policy,
    resource,
    role,
    user,
)

from overgrant.catalogs.aws import AwsCatalog
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.effective.decision import Outcome
from overgrant.model import (
    Identity,
    IdentityId,
    IdentityKind,
    Inventory,
    PermissionSet,
    PermissionSetKind,
    ScopeId,
)

APP = role("app")
RUNNER = role("runner")
ALICE = user("alice")
BOB = user("bob")
OUTSIDER = role("partner", account=OTHER)
SLR = role("aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk")
ROOT = Identity(
    id=IdentityId(f"arn:aws:iam::{ACCOUNT}:root"),
    cloud=APP.cloud,
    kind=IdentityKind.ROOT,
    name="root",
    container=ScopeId(ACCOUNT),
)
OBJECT = "arn:aws:s3:::data/report.csv"
WORKER = "arn:aws:iam::111122223333:role/worker"
KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd"
QUEUE = "arn:aws:sqs:us-east-1:111122223333:queue"
OU = "ou-ab12-11111111"


def mine(name: str, *statements: dict[str, object], **options: object) -> PermissionSet:
    """A customer managed policy in the test account."""
    return policy(f"arn:aws:iam::{ACCOUNT}:policy/{name}", *statements, **options)  # type: ignore[arg-type]


def principal(*arns: str) -> dict[str, object]:
    """A Principal element naming AWS principals."""
    return {"AWS": list(arns) if len(arns) > 1 else arns[0]}


READ_S3 = policy("arn:aws:iam::aws:policy/S3Read", allow(["s3:Get*", "s3:List*"]))
S3_ALL = mine("S3All", allow("s3:*"))
NO_GET = mine("NoGet", deny("s3:GetObject"))
EC2_BOUNDARY = mine("BoundaryEc2", allow("ec2:*"))
DESCRIBE_BOUNDARY = mine("OnlyEc2Describe", allow("ec2:Describe*"))
EC2_RUN = mine("Ec2Run", allow("ec2:Run*"))
ONLY_IAM_GET = mine("OnlyIamGet", allow("*"), deny(None, NotAction="iam:Get*"))
ONE_BUCKET = mine("OneBucket", allow("s3:*", "arn:aws:s3:::unrelated/*"))
ALL_BUT_SECRET = mine(
    "AllButSecret",
    allow("s3:*", None, NotResource=["arn:aws:s3:::secret", "arn:aws:s3:::secret/*"]),
)
SEGMENT = mine("Segment", allow("iam:GetRole", "arn:aws:iam::*:role/app"))
SHORT_SEGMENT = mine("ShortSegment", allow("iam:GetRole", "arn:aws:iam:*:role/app"))
HOME = mine("Home", allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"))
HOME_OLD = mine("HomeOld", allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"), version=None)
TEAM_PREFIX = mine(
    "TeamPrefix", allow("s3:GetObject", "arn:aws:s3:::shared/${aws:PrincipalTag/team}/*")
)
LOGS_OF_ACCOUNT = mine("Logs", allow("s3:GetObject", "arn:aws:s3:::logs-${aws:PrincipalAccount}/*"))
BY_USERID = mine("ByUserId", allow("s3:GetObject", "arn:aws:s3:::u/${aws:userid}/*"))
CAROL = user("carol", attributes={"unique_id": "AIDACAROLEXAMPLE"})
OTHER_ORG_ONLY = mine(
    "OtherOrg",
    allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-otherorg"}}),
)
OUR_ORG_ONLY = mine(
    "OurOrg",
    allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg"}}),
)
FROM_OFFICE = mine(
    "Office", allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
)
DENY_NO_MFA = mine(
    "Mfa", deny("s3:*", Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})
)
UNTIL_2030 = mine(
    "Until2030",
    allow("s3:GetObject", Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}),
)
PASS_TO_EC2 = mine(
    "PassToEc2",
    allow("iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}),
)
ASSUME_ANY = mine("AssumeAny", allow("sts:AssumeRole"))
OUTSIDE_READ = policy("arn:aws:iam::444455556666:policy/Read", allow(["s3:GetObject", "sqs:*"]))
STAR = mine("Admin", allow("*"))
GET_STRING = mine("GetString", allow("s3:GetObject"))
GET_LIST = mine("GetList", allow(["s3:PutObject", "s3:GetObject"]))
MIXED_CASE = mine("Case", allow("S3:getobject"))
FUTURE = mine("Future", allow("futuresvc:DoThing"))
EC2_ONLY_SCP = policy("p-ec2only", allow("ec2:*"), kind=PermissionSetKind.SERVICE_CONTROL_POLICY)
RCP_ORG_ONLY = policy(
    "p-rcp-org-only",
    deny(
        "s3:*",
        Principal="*",
        Condition={"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorg"}},
    ),
    kind=PermissionSetKind.RESOURCE_CONTROL_POLICY,
)

Builder = Callable[[], Inventory]


def holding(
    identity: Identity, *sets: PermissionSet, boundary: PermissionSet | None = None
) -> Builder:
    """An inventory where ``identity`` holds ``sets`` (and ``boundary`` as its boundary)."""

    def build() -> Inventory:
        grants = [grant(identity, s) for s in sets]
        extra = [] if boundary is None else [boundary]
        grants += [grant(identity, b, boundary=True) for b in extra]
        return inventory(identities=[identity], permission_sets=[*sets, *extra], grants=grants)

    return build


def with_extra_sets(builder: Builder, *sets: PermissionSet) -> Builder:
    """Add permission sets nobody holds (their actions still enter the catalog)."""
    return lambda: replace(builder(), permission_sets=(*builder().permission_sets, *sets))


def in_group() -> Inventory:
    devs = group("devs")
    member = role("member", member_of=(devs.id,))
    return inventory(
        identities=[member, devs],
        permission_sets=[READ_S3, NO_GET],
        grants=[grant(member, READ_S3), grant(devs, NO_GET)],
    )


def org_with_ou_scp(identity: Identity, management: str | None = None) -> Builder:
    """The OU allows only EC2 through SCPs; the root and the account have FullAWSAccess."""

    def build() -> Inventory:
        return inventory(
            scopes=organization([ACCOUNT], management=management),
            identities=[identity],
            permission_sets=[S3_ALL, FULL_AWS_ACCESS, EC2_ONLY_SCP],
            grants=[grant(identity, S3_ALL)],
            scope_policies=[
                attach("r-ab12", FULL_AWS_ACCESS),
                attach(OU, EC2_ONLY_SCP),
                attach(ACCOUNT, FULL_AWS_ACCESS),
            ],
        )

    return build


def in_org(identity: Identity, *sets: PermissionSet) -> Builder:
    return lambda: replace(holding(identity, *sets)(), scopes=organization([ACCOUNT]))


def with_bucket(
    identity: Identity,
    sets: list[PermissionSet],
    statements: list[dict[str, object]],
    *,
    boundary: PermissionSet | None = None,
) -> Builder:
    """``identity`` holds ``sets``; bucket ``data`` in the test account has ``statements``."""

    def build() -> Inventory:
        bucket_policy = policy(
            "arn:aws:s3:::data#policy", *statements, kind=PermissionSetKind.RESOURCE_POLICY
        )  # type: ignore[arg-type]
        base = holding(identity, *sets, boundary=boundary)()
        return replace(
            base,
            permission_sets=(*base.permission_sets, bucket_policy),
            resources=(bucket("data", ACCOUNT, bucket_policy),),
        )

    return build


def trusting(
    statements: list[dict[str, object]], caller: Identity, *sets: PermissionSet
) -> Builder:
    """Role ``app`` with the given trust policy, and ``caller`` holding ``sets``."""

    def build() -> Inventory:
        trust = policy(f"{APP.id}#trust", *statements, kind=PermissionSetKind.TRUST_POLICY)  # type: ignore[arg-type]
        target = replace(APP, trust_policy=trust.id)
        base = holding(caller, *sets)()
        return replace(
            base,
            identities=(target, caller),
            permission_sets=(*base.permission_sets, trust),
        )

    return build


def kms_key(statements: list[dict[str, object]]) -> Builder:
    def build() -> Inventory:
        key_policy = policy(f"{KEY}#policy", *statements, kind=PermissionSetKind.RESOURCE_POLICY)  # type: ignore[arg-type]
        decrypt = mine("Decrypt", allow("kms:Decrypt"))
        base = holding(APP, decrypt)()
        return replace(
            base,
            permission_sets=(*base.permission_sets, key_policy),
            resources=(resource(KEY, "kms:key", ACCOUNT, key_policy),),
        )

    return build


def rcp_outside_org() -> Inventory:
    """The bucket's account is in o-exampleorg (RCP at its root); the caller's in o-otherorg."""
    theirs = organization([OTHER], org_id="o-otherorg", ou="ou-zz99-99999999", root="r-zz99")
    base = with_bucket(
        OUTSIDER, [OUTSIDE_READ], [allow("s3:GetObject", OBJECT, Principal=principal(OTHER))]
    )()
    return replace(
        base,
        scopes=(*organization([ACCOUNT]), *theirs),
        permission_sets=(*base.permission_sets, RCP_ORG_ONLY),
        scope_policies=(attach("r-ab12", RCP_ORG_ONLY, rcp=True),),
    )


def rcp_deny_only_inside_org() -> Inventory:
    """A deny-only RCP at the root, as exports list it (RCPFullAWSAccess left out)."""
    base = holding(APP, GET_STRING)()
    return replace(
        base,
        scopes=tuple(organization([ACCOUNT])),
        permission_sets=(*base.permission_sets, RCP_ORG_ONLY),
        scope_policies=(attach("r-ab12", RCP_ORG_ONLY, rcp=True),),
    )


def cross_account_bucket_without_policy() -> Inventory:
    return replace(holding(OUTSIDER, OUTSIDE_READ)(), resources=(bucket("data", ACCOUNT),))


@dataclass(frozen=True)
class Scenario:
    """One question and its documented answer."""

    id: str
    build: Builder
    identity: Identity
    action: str
    resource: str = "*"
    expected: Outcome = Outcome.ALLOWED
    context: dict[str, object] = field(default_factory=dict)
    keys: tuple[str, ...] = ()
    reason: str = ""
    at: datetime | None = None


A, D, C = Outcome.ALLOWED, Outcome.DENIED, Outcome.CONDITIONAL
NAMES_APP = [allow("s3:GetObject", OBJECT, Principal=principal(APP.id))]
EXCEPT_APP = principal(APP.id, f"arn:aws:iam::{ACCOUNT}:root")

SCENARIOS = [
    # IAM User Guide: Policy evaluation logic — an Allow in an identity-based policy grants;
    # "by default, all requests are implicitly denied"; an explicit deny in any policy wins.
    Scenario("allow-by-managed-policy", holding(APP, READ_S3), APP, "s3:GetObject", OBJECT),
    Scenario(
        "implicit-deny",
        holding(APP, READ_S3),
        APP,
        "s3:PutObject",
        OBJECT,
        D,
        reason="implicit deny",
    ),
    Scenario(
        "explicit-deny-in-another-policy",
        holding(APP, READ_S3, NO_GET),
        APP,
        "s3:GetObject",
        OBJECT,
        D,
        reason=f"explicit deny in arn:aws:iam::{ACCOUNT}:policy/NoGet",
    ),
    # IAM User Guide: IAM user groups — group policies apply to every member.
    Scenario("explicit-deny-in-group-policy", in_group, role("member"), "s3:GetObject", OBJECT, D),
    # IAM User Guide: Permissions boundaries — both the identity policy and the boundary must allow.
    Scenario(
        "boundary-blocks",
        holding(APP, S3_ALL, boundary=EC2_BOUNDARY),
        APP,
        "s3:GetObject",
        OBJECT,
        D,
        reason="permissions boundary",
    ),
    Scenario(
        "boundary-allows-identity-does-not",
        holding(APP, S3_ALL, boundary=EC2_BOUNDARY),
        APP,
        "ec2:RunInstances",
        expected=D,
    ),
    Scenario(
        "boundary-and-identity-allow",
        holding(APP, S3_ALL, EC2_RUN, boundary=EC2_BOUNDARY),
        APP,
        "ec2:RunInstances",
    ),
    # AWS Organizations User Guide: SCP evaluation — every level from the root must allow;
    # SCPs affect neither the management account nor service-linked roles.
    Scenario(
        "scp-at-ou-blocks",
        org_with_ou_scp(APP),
        APP,
        "s3:GetObject",
        OBJECT,
        D,
        reason=f"no SCP attached at {OU}",
    ),
    Scenario(
        "scp-at-ou-allows-ec2",
        org_with_ou_scp(APP),
        APP,
        "ec2:RunInstances",
        expected=D,
        reason="implicit deny: no identity",
    ),
    Scenario(
        "scp-skips-management-account",
        org_with_ou_scp(APP, management=ACCOUNT),
        APP,
        "s3:GetObject",
        OBJECT,
    ),
    Scenario("scp-skips-service-linked-role", org_with_ou_scp(SLR), SLR, "s3:GetObject", OBJECT),
    # IAM User Guide: NotAction — a Deny with NotAction denies everything except the listed.
    Scenario("deny-notaction-keeps-iam-get", holding(APP, ONLY_IAM_GET), APP, "iam:GetRole"),
    Scenario(
        "deny-notaction-blocks-others",
        holding(APP, ONLY_IAM_GET),
        APP,
        "iam:CreateUser",
        expected=D,
        reason="explicit deny",
    ),
    # IAM User Guide: Resource — the request's ARN must match; wildcards stay inside a segment.
    Scenario(
        "resource-limited-to-unrelated-arn",
        holding(APP, ONE_BUCKET),
        APP,
        "s3:GetObject",
        OBJECT,
        D,
    ),
    Scenario("resource-account-wildcard", holding(APP, SEGMENT), APP, "iam:GetRole", APP.id),
    Scenario(
        "resource-wildcard-not-across-colon",
        holding(APP, SHORT_SEGMENT),
        APP,
        "iam:GetRole",
        APP.id,
        D,
    ),
    Scenario(
        "resource-star-request-needs-star", holding(APP, ONE_BUCKET), APP, "s3:GetObject", "*", D
    ),
    # IAM User Guide: NotResource — every resource except the listed ones.
    Scenario(
        "notresource-allows-other-bucket", holding(APP, ALL_BUT_SECRET), APP, "s3:GetObject", OBJECT
    ),
    Scenario(
        "notresource-excludes-listed",
        holding(APP, ALL_BUT_SECRET),
        APP,
        "s3:GetObject",
        "arn:aws:s3:::secret/k",
        D,
    ),
    # IAM User Guide: Variables and tags — ${aws:username}, ${aws:PrincipalTag/key}; a
    # variable without a value matches nothing.
    Scenario(
        "username-variable-matches",
        holding(ALICE, HOME),
        ALICE,
        "s3:PutObject",
        "arn:aws:s3:::home/alice/n.txt",
    ),
    Scenario(
        "username-variable-other-user",
        holding(ALICE, HOME),
        ALICE,
        "s3:PutObject",
        "arn:aws:s3:::home/bob/n.txt",
        D,
    ),
    Scenario(
        "username-variable-absent-for-role",
        holding(APP, HOME),
        APP,
        "s3:PutObject",
        "arn:aws:s3:::home/app/n.txt",
        D,
    ),
    Scenario(
        "principal-tag-variable",
        holding(role("t", tags={"team": "blue"}), TEAM_PREFIX),
        role("t"),
        "s3:GetObject",
        "arn:aws:s3:::shared/blue/x",
    ),
    Scenario(
        "principal-account-variable",
        holding(APP, LOGS_OF_ACCOUNT),
        APP,
        "s3:GetObject",
        f"arn:aws:s3:::logs-{ACCOUNT}/x",
    ),
    Scenario(
        "userid-variable-user",
        holding(CAROL, BY_USERID),
        CAROL,
        "s3:GetObject",
        "arn:aws:s3:::u/AIDACAROLEXAMPLE/x",
    ),
    # A role session's aws:userid ends with the session name, unknown before the session.
    Scenario(
        "userid-variable-role-conditional",
        holding(APP, BY_USERID),
        APP,
        "s3:GetObject",
        "arn:aws:s3:::u/AROAEXAMPLE:s/x",
        C,
        keys=("aws:userid",),
    ),
    # IAM User Guide: Version — without 2012-10-17 a ${...} is literal text.
    Scenario(
        "missing-version-no-substitution",
        holding(ALICE, HOME_OLD),
        ALICE,
        "s3:PutObject",
        "arn:aws:s3:::home/alice/n.txt",
        D,
    ),
    Scenario(
        "missing-version-literal-match",
        holding(ALICE, HOME_OLD),
        ALICE,
        "s3:PutObject",
        "arn:aws:s3:::home/${aws:username}/n.txt",
    ),
    # Conditions on keys the inventory knows are decided; others make the outcome conditional
    # and are named (never dropped).
    Scenario(
        "principal-org-id-mismatch", in_org(APP, OTHER_ORG_ONLY), APP, "s3:GetObject", OBJECT, D
    ),
    Scenario("principal-org-id-match", in_org(APP, OUR_ORG_ONLY), APP, "s3:GetObject", OBJECT),
    Scenario(
        "principal-org-id-unknown",
        holding(APP, OUR_ORG_ONLY),
        APP,
        "s3:GetObject",
        OBJECT,
        C,
        keys=("aws:PrincipalOrgID",),
    ),
    Scenario(
        "unknown-condition-key",
        holding(APP, FROM_OFFICE),
        APP,
        "s3:GetObject",
        OBJECT,
        C,
        keys=("aws:SourceIp",),
    ),
    Scenario(
        "unknown-key-given-by-caller",
        holding(APP, FROM_OFFICE),
        APP,
        "s3:GetObject",
        OBJECT,
        context={"aws:SourceIp": "203.0.113.9"},
    ),
    Scenario(
        "deny-with-unknown-key",
        holding(APP, S3_ALL, DENY_NO_MFA),
        APP,
        "s3:GetObject",
        OBJECT,
        C,
        keys=("aws:MultiFactorAuthPresent",),
        reason="a Deny may apply",
    ),
    Scenario(
        "deny-with-key-given-false",
        holding(APP, S3_ALL, DENY_NO_MFA),
        APP,
        "s3:GetObject",
        OBJECT,
        D,
        context={"aws:MultiFactorAuthPresent": False},
    ),
    Scenario(
        "deny-with-key-given-true",
        holding(APP, S3_ALL, DENY_NO_MFA),
        APP,
        "s3:GetObject",
        OBJECT,
        context={"aws:MultiFactorAuthPresent": "true"},
    ),
    Scenario(
        "date-condition-before",
        holding(APP, UNTIL_2030),
        APP,
        "s3:GetObject",
        OBJECT,
        at=datetime(2029, 6, 1, tzinfo=UTC),
    ),
    Scenario(
        "date-condition-after",
        holding(APP, UNTIL_2030),
        APP,
        "s3:GetObject",
        OBJECT,
        D,
        at=datetime(2031, 6, 1, tzinfo=UTC),
    ),
    Scenario(
        "date-condition-no-time",
        holding(APP, UNTIL_2030),
        APP,
        "s3:GetObject",
        OBJECT,
        C,
        keys=("aws:CurrentTime",),
    ),
    Scenario(
        "passed-to-service-match",
        holding(APP, PASS_TO_EC2),
        APP,
        "iam:PassRole",
        WORKER,
        context={"iam:PassedToService": "ec2.amazonaws.com"},
    ),
    Scenario(
        "passed-to-service-mismatch",
        holding(APP, PASS_TO_EC2),
        APP,
        "iam:PassRole",
        WORKER,
        D,
        context={"iam:PassedToService": "lambda.amazonaws.com"},
    ),
    Scenario(
        "passed-to-service-unknown",
        holding(APP, PASS_TO_EC2),
        APP,
        "iam:PassRole",
        WORKER,
        C,
        keys=("iam:PassedToService",),
    ),
    # IAM User Guide: Policy evaluation for requests within a single account — either the
    # identity-based or the resource-based policy may allow; naming only the account delegates
    # to identity policies (Principal element: AWS account principals).
    Scenario(
        "same-account-resource-policy-alone",
        with_bucket(APP, [], NAMES_APP),
        APP,
        "s3:GetObject",
        OBJECT,
        reason="resource-based",
    ),
    Scenario(
        "same-account-account-principal-needs-identity",
        with_bucket(APP, [], [allow("s3:GetObject", OBJECT, Principal=principal(ACCOUNT))]),
        APP,
        "s3:GetObject",
        OBJECT,
        D,
    ),
    Scenario(
        "resource-policy-explicit-deny",
        with_bucket(APP, [S3_ALL], [deny("s3:GetObject", OBJECT, Principal="*")]),
        APP,
        "s3:GetObject",
        OBJECT,
        D,
        reason="explicit deny in arn:aws:s3:::data#policy",
    ),
    # IAM User Guide: Cross-account policy evaluation logic — both sides must allow.
    Scenario(
        "cross-account-both-allow",
        with_bucket(
            OUTSIDER, [OUTSIDE_READ], [allow("s3:GetObject", OBJECT, Principal=principal(OTHER))]
        ),
        OUTSIDER,
        "s3:GetObject",
        OBJECT,
    ),
    Scenario(
        "cross-account-resource-policy-only",
        with_bucket(
            OUTSIDER, [], [allow("s3:GetObject", OBJECT, Principal=principal(OUTSIDER.id))]
        ),
        OUTSIDER,
        "s3:GetObject",
        OBJECT,
        D,
        reason="identity-based policies do not allow",
    ),
    Scenario(
        "cross-account-identity-only",
        with_bucket(
            OUTSIDER, [OUTSIDE_READ], [allow("s3:GetObject", OBJECT, Principal=principal(ACCOUNT))]
        ),
        OUTSIDER,
        "s3:GetObject",
        OBJECT,
        D,
        reason="resource-based policy does not allow",
    ),
    Scenario(
        "cross-account-resource-without-policy",
        cross_account_bucket_without_policy,
        OUTSIDER,
        "s3:GetObject",
        OBJECT,
        D,
        reason="has no resource policy",
    ),
    Scenario(
        "cross-account-resource-not-collected",
        holding(OUTSIDER, OUTSIDE_READ),
        OUTSIDER,
        "sqs:SendMessage",
        QUEUE,
        C,
        reason="is unknown",
    ),
    # IAM User Guide: NotPrincipal — a Deny applies to all but the listed principal, which
    # escapes only with its account listed too.
    Scenario(
        "notprincipal-excludes-listed",
        with_bucket(APP, [S3_ALL], [deny("s3:*", OBJECT, NotPrincipal=EXCEPT_APP)]),
        APP,
        "s3:GetObject",
        OBJECT,
    ),
    Scenario(
        "notprincipal-denies-others",
        with_bucket(RUNNER, [S3_ALL], [deny("s3:*", OBJECT, NotPrincipal=EXCEPT_APP)]),
        RUNNER,
        "s3:GetObject",
        OBJECT,
        D,
        reason="explicit deny",
    ),
    Scenario(
        "notprincipal-without-account-denies",
        with_bucket(APP, [S3_ALL], [deny("s3:*", OBJECT, NotPrincipal=principal(APP.id))]),
        APP,
        "s3:GetObject",
        OBJECT,
        D,
    ),
    Scenario(
        "notprincipal-always-denies-bounded",
        with_bucket(
            APP, [S3_ALL], [deny("s3:*", OBJECT, NotPrincipal=EXCEPT_APP)], boundary=S3_ALL
        ),
        APP,
        "s3:GetObject",
        OBJECT,
        D,
    ),
    # IAM User Guide: Permissions boundaries — a resource policy naming a user is not limited
    # by the user's boundary; one naming a role is.
    Scenario(
        "boundary-spares-user-resource-grant",
        with_bucket(
            ALICE,
            [],
            [allow("s3:GetObject", OBJECT, Principal=principal(ALICE.id))],
            boundary=DESCRIBE_BOUNDARY,
        ),
        ALICE,
        "s3:GetObject",
        OBJECT,
    ),
    Scenario(
        "boundary-limits-role-resource-grant",
        with_bucket(APP, [], NAMES_APP, boundary=DESCRIBE_BOUNDARY),
        APP,
        "s3:GetObject",
        OBJECT,
        D,
    ),
    # IAM User Guide: roles — the trust policy is the resource policy of sts:AssumeRole.
    Scenario(
        "trust-names-caller",
        trusting([allow("sts:AssumeRole", None, Principal=principal(RUNNER.id))], RUNNER),
        RUNNER,
        "sts:AssumeRole",
        APP.id,
    ),
    Scenario(
        "trust-names-account-no-identity",
        trusting([allow("sts:AssumeRole", None, Principal=principal(ACCOUNT))], RUNNER),
        RUNNER,
        "sts:AssumeRole",
        APP.id,
        D,
    ),
    Scenario(
        "trust-names-account-with-identity",
        trusting([allow("sts:AssumeRole", None, Principal=principal(ACCOUNT))], RUNNER, ASSUME_ANY),
        RUNNER,
        "sts:AssumeRole",
        APP.id,
    ),
    Scenario(
        "trust-required-despite-identity",
        trusting(
            [allow("sts:AssumeRole", None, Principal={"Service": "ec2.amazonaws.com"})],
            RUNNER,
            ASSUME_ANY,
        ),
        RUNNER,
        "sts:AssumeRole",
        APP.id,
        D,
    ),
    # AWS KMS Developer Guide: Key policies — the key policy must allow, at least by account.
    Scenario(
        "kms-key-policy-delegates",
        kms_key([allow("kms:*", Principal=principal(f"arn:aws:iam::{ACCOUNT}:root"))]),
        APP,
        "kms:Decrypt",
        KEY,
    ),
    Scenario(
        "kms-key-policy-silent",
        kms_key([allow("kms:*", Principal=principal(f"arn:aws:iam::{OTHER}:root"))]),
        APP,
        "kms:Decrypt",
        KEY,
        D,
    ),
    # AWS Organizations User Guide: RCPs limit access to member accounts' resources.
    Scenario(
        "rcp-denies-outside-org",
        rcp_outside_org,
        OUTSIDER,
        "s3:GetObject",
        OBJECT,
        D,
        reason="explicit deny in p-rcp-org-only",
    ),
    # AWS Organizations User Guide: RCPFullAWSAccess is attached at every level and cannot be
    # detached, so an RCP that only denies never denies implicitly.
    Scenario(
        "rcp-deny-only-allows-inside-org",
        rcp_deny_only_inside_org,
        APP,
        "s3:GetObject",
        OBJECT,
    ),
    # IAM User Guide: Action — a string or a list; action names are not case-sensitive.
    Scenario("action-as-string", holding(APP, GET_STRING), APP, "s3:GetObject", OBJECT),
    Scenario("action-as-list", holding(APP, GET_LIST), APP, "s3:GetObject", OBJECT),
    Scenario(
        "action-case-insensitive-policy", holding(APP, MIXED_CASE), APP, "s3:GetObject", OBJECT
    ),
    Scenario(
        "action-case-insensitive-request", holding(APP, GET_STRING), APP, "S3:GETOBJECT", OBJECT
    ),
    # Actions missing from the catalog are kept and matched by wildcards.
    Scenario(
        "unknown-action-matched-by-star",
        with_extra_sets(holding(APP, STAR), FUTURE),
        APP,
        "futuresvc:DoThing",
    ),
    Scenario("unseen-action-matched-by-star", holding(APP, STAR), APP, "brandnew:Action"),
    Scenario("unknown-action-literal", holding(APP, FUTURE), APP, "FutureSvc:dothing"),
    Scenario(
        "unknown-action-not-matched-elsewhere",
        holding(APP, GET_STRING),
        APP,
        "futuresvc:DoThing",
        expected=D,
    ),
    # IAM User Guide: the account root user has full access (SCPs still apply).
    Scenario("root-user-full-access", lambda: inventory(identities=[ROOT]), ROOT, "iam:CreateUser"),
]


@pytest.mark.parametrize("case", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(case: Scenario, aws_catalog: AwsCatalog) -> None:
    evaluator = AwsEvaluator(case.build(), aws_catalog, at=case.at)
    decision = evaluator.decide(case.identity.id, case.action, case.resource, case.context or None)  # type: ignore[arg-type]
    assert decision.outcome is case.expected, decision
    assert decision.unknown_condition_keys == case.keys, decision
    assert case.reason in decision.reason, decision


def test_allowed_decision_names_the_granting_statement(aws_catalog: AwsCatalog) -> None:
    read = policy(
        "arn:aws:iam::aws:policy/R", allow("ec2:Describe*", Sid="Ec2"), allow("s3:Get*", Sid="S3")
    )
    decision = AwsEvaluator(holding(APP, read)(), aws_catalog).decide(
        APP.id, "s3:GetObject", OBJECT
    )
    refs = [(r.permission_set, r.index, r.sid, r.effect.value) for r in decision.statements]
    assert refs == [("arn:aws:iam::aws:policy/R", 1, "S3", "Allow")]


def test_conditional_decision_lists_the_undecided_statement(aws_catalog: AwsCatalog) -> None:
    evaluator = AwsEvaluator(holding(APP, S3_ALL, DENY_NO_MFA)(), aws_catalog)
    decision = evaluator.decide(APP.id, "s3:GetObject", OBJECT)
    assert [r.permission_set for r in decision.statements] == [DENY_NO_MFA.id]


def test_known_false_condition_outweighs_unknown_key(aws_catalog: AwsCatalog) -> None:
    both = mine(
        "Both",
        allow(
            "s3:GetObject",
            Condition={
                "StringEquals": {"aws:PrincipalOrgID": "o-otherorg"},
                "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
            },
        ),
    )
    evaluator = AwsEvaluator(in_org(APP, both)(), aws_catalog)
    assert evaluator.decide(APP.id, "s3:GetObject", OBJECT).outcome is Outcome.DENIED


def test_group_makes_no_requests(aws_catalog: AwsCatalog) -> None:
    devs = group("devs")
    evaluator = AwsEvaluator(inventory(identities=[devs]), aws_catalog)
    assert evaluator.decide(devs.id, "s3:GetObject").outcome is Outcome.DENIED


def test_unknown_identity_is_an_error(aws_catalog: AwsCatalog) -> None:
    evaluator = AwsEvaluator(inventory(identities=[APP]), aws_catalog)
    with pytest.raises(KeyError):
        evaluator.decide("arn:aws:iam::111122223333:role/nobody", "s3:GetObject")


def test_who_can_lists_allowed_and_conditional(aws_catalog: AwsCatalog) -> None:
    office, nobody, devs = role("office"), role("nobody"), group("devs")
    built = inventory(
        identities=[APP, office, nobody, devs],
        permission_sets=[READ_S3, FROM_OFFICE],
        grants=[grant(APP, READ_S3), grant(office, FROM_OFFICE), grant(devs, READ_S3)],
    )
    found = dict(AwsEvaluator(built, aws_catalog).who_can("s3:GetObject", OBJECT))
    assert set(found) == {APP.id, office.id}
    assert found[APP.id].outcome is Outcome.ALLOWED
    assert found[office.id].unknown_condition_keys == ("aws:SourceIp",)


def test_who_can_fills_variables_per_identity(aws_catalog: AwsCatalog) -> None:
    built = inventory(
        identities=[ALICE, BOB],
        permission_sets=[HOME],
        grants=[grant(ALICE, HOME), grant(BOB, HOME)],
    )
    found = AwsEvaluator(built, aws_catalog).who_can("s3:GetObject", "arn:aws:s3:::home/bob/x")
    assert [identity for identity, _ in found] == [BOB.id]


def test_same_document_is_compiled_once(aws_catalog: AwsCatalog) -> None:
    first, second = role("one"), role("two")
    inline = PermissionSetKind.INLINE_POLICY
    read_a = policy(f"{first.id}#inline/read", allow("s3:GetObject"), kind=inline)
    read_b = policy(f"{second.id}#inline/read", allow("s3:GetObject"), kind=inline)
    built = inventory(
        identities=[first, second],
        permission_sets=[read_a, read_b],
        grants=[grant(first, read_a), grant(second, read_b)],
    )
    evaluator = AwsEvaluator(built, aws_catalog)
    index = evaluator._index  # the compile cache is internal; it is what this test is about
    assert index.compiled(read_a.id) is index.compiled(read_b.id)
    assert evaluator.decide(second.id, "s3:GetObject").statements[0].permission_set == read_b.id
