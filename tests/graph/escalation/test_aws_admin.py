"""Admin-equivalence: writing any identity policy onto oneself, with nothing but SCPs capping it."""

from __future__ import annotations

import pytest

from overgrant.catalogs.aws import AwsCatalog
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.effective.decision import Outcome
from overgrant.graph.escalation.aws import admin_decision
from overgrant.model import Cloud, Identity, IdentityId, IdentityKind, ScopeId

from .escalation_kit import (
    ACCOUNT,
    ADMIN_DOC,
    ADMIN_POLICY,
    OU,
    Doc,
    Estate,
    allow,
    deny,
    doc,
    role_arn,
    trusts_service,
    user_arn,
)

# The shape of AWS's PowerUserAccess: everything but IAM, Organizations and Account, plus the
# few IAM actions services need (AWS Managed Policy Reference: PowerUserAccess).
POWER_USER = doc(
    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
    allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles"]),
)
# The shape of AWS's IAMFullAccess (AWS Managed Policy Reference: IAMFullAccess).
IAM_FULL = doc(allow("iam:*"), allow(["organizations:DescribeAccount", "organizations:ListRoots"]))


def decide_admin(
    catalog: AwsCatalog,
    *policies: Doc,
    boundary: Doc | None = None,
    scp: Doc | None = None,
    user: bool = False,
) -> tuple[Outcome, str, tuple[str, ...]]:
    estate = Estate()
    if scp is not None:
        estate.organization(ACCOUNT)
        estate.scp(OU, "guard", scp)
    who = (
        estate.user("alice", *policies)
        if user
        else estate.role("alice", trusts_service("ec2.amazonaws.com"), *policies)
    )
    if boundary is not None:
        estate.attach(who, estate.managed("cap", boundary), boundary=True)
    inventory = estate.inventory()
    decision = admin_decision(AwsEvaluator(inventory, catalog), who)
    sets = tuple(ref.permission_set for ref in decision.statements)
    return decision.outcome, decision.reason, sets


def test_administrator_access_is_admin(aws_catalog: AwsCatalog) -> None:
    estate = Estate()
    alice = estate.role("alice", trusts_service("ec2.amazonaws.com"))
    estate.attach(alice, ADMIN_POLICY)
    inventory = estate.inventory()
    decision = admin_decision(AwsEvaluator(inventory, aws_catalog), alice)
    assert decision.outcome is Outcome.ALLOWED
    assert {r.permission_set for r in decision.statements} == {ADMIN_POLICY}
    assert "iam:PutRolePolicy" in decision.reason


def test_power_user_access_is_not_admin(aws_catalog: AwsCatalog) -> None:
    outcome, reason, _ = decide_admin(aws_catalog, POWER_USER)
    assert outcome is Outcome.DENIED
    assert "identity policy" in reason


def test_iam_full_access_is_admin_for_a_user(aws_catalog: AwsCatalog) -> None:
    outcome, _, sets = decide_admin(aws_catalog, IAM_FULL, user=True)
    assert outcome is Outcome.ALLOWED
    assert sets == (f"{user_arn('alice')}#inline/policy0",)


def test_a_boundary_that_caps_iam_makes_it_not_admin(aws_catalog: AwsCatalog) -> None:
    outcome, reason, _ = decide_admin(aws_catalog, ADMIN_DOC, boundary=POWER_USER)
    assert outcome is Outcome.DENIED
    assert "permissions boundary" in reason


def test_a_boundary_it_may_delete_does_not_stop_it(aws_catalog: AwsCatalog) -> None:
    outcome, _, sets = decide_admin(aws_catalog, ADMIN_DOC, boundary=ADMIN_DOC)
    assert outcome is Outcome.ALLOWED
    assert policy_in(sets, "#inline/policy0")


def test_a_boundary_it_may_not_delete_stops_it(aws_catalog: AwsCatalog) -> None:
    mine = role_arn("alice")
    outcome, reason, _ = decide_admin(
        aws_catalog, doc(allow("iam:PutRolePolicy", mine)), boundary=ADMIN_DOC
    )
    assert outcome is Outcome.DENIED
    assert "boundary" in reason


def test_an_scp_denying_iam_writes_makes_it_not_admin(aws_catalog: AwsCatalog) -> None:
    outcome, _, _ = decide_admin(aws_catalog, ADMIN_DOC, scp=doc(deny(["iam:Put*", "iam:Attach*"])))
    assert outcome is Outcome.DENIED


def test_an_scp_on_other_services_leaves_it_admin(aws_catalog: AwsCatalog) -> None:
    outcome, _, _ = decide_admin(aws_catalog, ADMIN_DOC, scp=doc(deny("organizations:*")))
    assert outcome is Outcome.ALLOWED


def test_admin_only_with_mfa_is_conditional(aws_catalog: AwsCatalog) -> None:
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    estate = Estate()
    alice = estate.role(
        "alice", trusts_service("ec2.amazonaws.com"), doc(allow("*", Condition=mfa))
    )
    decision = admin_decision(AwsEvaluator(estate.inventory(), aws_catalog), alice)
    assert decision.outcome is Outcome.CONDITIONAL
    assert "aws:multifactorauthpresent" in {k.lower() for k in decision.unknown_condition_keys}


def test_attaching_only_a_harmless_policy_is_not_admin(aws_catalog: AwsCatalog) -> None:
    only_read = {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}
    outcome, _, _ = decide_admin(
        aws_catalog,
        doc(allow("iam:AttachUserPolicy", user_arn("alice"), Condition=only_read)),
        user=True,
    )
    assert outcome is Outcome.DENIED


def test_writing_policies_onto_another_role_is_not_admin(aws_catalog: AwsCatalog) -> None:
    outcome, _, _ = decide_admin(aws_catalog, doc(allow("iam:PutRolePolicy", role_arn("other"))))
    assert outcome is Outcome.DENIED


def test_the_root_user_is_admin_and_a_group_is_not(aws_catalog: AwsCatalog) -> None:
    estate = Estate()
    group = estate.group("admins", ADMIN_DOC)
    root = Identity(
        id=IdentityId(f"arn:aws:iam::{ACCOUNT}:root"),
        cloud=Cloud.AWS,
        kind=IdentityKind.ROOT,
        name="root",
        container=ScopeId(ACCOUNT),
    )
    estate.identities.append(root)
    evaluator = AwsEvaluator(estate.inventory(), aws_catalog)
    assert admin_decision(evaluator, root.id).outcome is Outcome.ALLOWED
    assert admin_decision(evaluator, group).outcome is Outcome.DENIED


def test_an_unknown_identity_is_an_error(aws_catalog: AwsCatalog) -> None:
    evaluator = AwsEvaluator(Estate().inventory(), aws_catalog)
    with pytest.raises(KeyError):
        admin_decision(evaluator, role_arn("ghost"))


def policy_in(sets: tuple[str, ...], suffix: str) -> bool:
    return any(s.endswith(suffix) for s in sets)
