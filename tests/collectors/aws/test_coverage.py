"""What could not be read is a coverage gap, never a clean account: denials and throttling."""

from __future__ import annotations

import json

from overgrant.collectors.aws.live import collect_aws
from overgrant.model import CoverageGap, GapReason, IdentityKind, Inventory, ScopeKind

from .estate import ACCOUNT, allow, doc
from .harness import Moto
from .shim import ShimServer, always, fail_times, query_error

GAAD = "GetAccountAuthorizationDetails"
READABLE = [  # everything the collector reads, but for the authorization details
    "sts:GetCallerIdentity",
    "iam:List*",
    "iam:GetLoginProfile",
    "iam:GetAccessKeyLastUsed",
    "iam:GetOpenIDConnectProvider",
    "ec2:Describe*",
    "s3:List*",
    "s3:GetBucketPolicy",
    "kms:List*",
    "kms:GetKeyPolicy",
    "lambda:List*",
    "lambda:Get*",
    "ecs:List*",
    "ecs:Describe*",
    "sqs:List*",
    "sqs:GetQueueAttributes",
    "sns:List*",
    "sns:GetTopicAttributes",
    "secretsmanager:List*",
    "secretsmanager:GetResourcePolicy",
]


def _gap(inventory: Inventory, operation: str) -> CoverageGap:
    return next(g for g in inventory.coverage_gaps if g.operation == operation)


def test_an_account_that_denies_iam_reads_is_a_gap_not_a_clean_account(moto: Moto) -> None:
    iam = moto.client("iam")
    iam.create_role(RoleName="hidden", AssumeRolePolicyDocument=doc())
    iam.create_user(UserName="auditor")
    iam.put_user_policy(UserName="auditor", PolicyName="audit", PolicyDocument=doc(allow(READABLE)))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    moto.client("s3").create_bucket(Bucket="still-read-bucket")
    moto.enforce_iam()

    session = moto.session(key["AccessKeyId"], key["SecretAccessKey"])
    inventory = collect_aws(moto.options(), session=session)

    gap = _gap(inventory, f"iam:{GAAD}")
    assert (gap.scope, gap.reason) == (ACCOUNT, GapReason.ACCESS_DENIED)
    assert gap.message.startswith("AccessDenied: ")
    assert gap.affects.startswith("identities")
    # moto 5 checks Lambda's signature wrongly while it enforces IAM (SignatureDoesNotMatch,
    # 403): that read fails too, and is reported, not hidden.
    assert {g.operation for g in inventory.coverage_gaps} == {
        f"iam:{GAAD}",
        "lambda:ListFunctions",
    }
    assert [i for i in inventory.identities if i.kind is IdentityKind.ROLE] == []
    # The account is present, and the run carried on with the next APIs.
    assert [(s.id, s.kind) for s in inventory.scopes] == [(ACCOUNT, ScopeKind.ACCOUNT)]
    assert [r.name for r in inventory.resources] == ["still-read-bucket"]


def test_throttling_within_the_retries_is_absorbed(moto: Moto, shim: ShimServer) -> None:
    moto.client("iam").create_role(RoleName="app", AssumeRolePolicyDocument=doc())
    shim.shim.on_action(GAAD, fail_times(2, query_error("Throttling", "Rate exceeded")))

    inventory = collect_aws(moto.options(shim.endpoint, max_attempts=3), session=moto.session())

    assert inventory.coverage_gaps == ()
    assert [i.name for i in inventory.identities] == ["app"]
    assert (shim.shim.seen[GAAD], shim.shim.answered[GAAD]) == (3, 2)


def test_throttling_beyond_the_retries_is_a_throttled_gap(moto: Moto, shim: ShimServer) -> None:
    moto.client("iam").create_role(RoleName="app", AssumeRolePolicyDocument=doc())
    moto.client("s3").create_bucket(Bucket="still-read-bucket")
    shim.shim.on_action(GAAD, always(query_error("Throttling", "Rate exceeded")))

    inventory = collect_aws(moto.options(shim.endpoint, max_attempts=2), session=moto.session())

    (gap,) = inventory.coverage_gaps
    assert (gap.operation, gap.scope, gap.reason) == (f"iam:{GAAD}", ACCOUNT, GapReason.THROTTLED)
    assert gap.message == "Throttling: Rate exceeded"
    assert inventory.identities == ()
    assert [r.name for r in inventory.resources] == ["still-read-bucket"]
    assert shim.shim.seen[GAAD] == 2


def test_a_denied_read_of_one_user_is_a_gap_naming_that_user(moto: Moto, shim: ShimServer) -> None:
    iam = moto.client("iam")
    for name in ("ci-bot", "deployer"):
        iam.create_user(UserName=name)
        iam.create_access_key(UserName=name)
    shim.shim.on_action(
        "ListAccessKeys",
        lambda request: (
            query_error("AccessDenied", "not authorized", status=403)
            if request.form.get("UserName") == "deployer"
            else None
        ),
    )

    inventory = collect_aws(moto.options(shim.endpoint), session=moto.session())

    (gap,) = inventory.coverage_gaps
    assert (gap.operation, gap.reason) == ("iam:ListAccessKeys", GapReason.ACCESS_DENIED)
    assert gap.affects == "access keys of users (deployer)"
    natures = {i.name: (i.nature.value, i.nature_reason) for i in inventory.identities}
    assert natures == {
        "ci-bot": ("workload", "has access keys and no console password"),
        "deployer": ("unknown", "has no console password; its access keys could not be read"),
    }
    assert {c.identity.rsplit("/", 1)[-1] for c in inventory.credentials} == {"ci-bot"}
    assert json.dumps(gap.affects)  # plain text, fit for a report
