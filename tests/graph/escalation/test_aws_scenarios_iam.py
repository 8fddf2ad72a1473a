"""Escalation scenarios through IAM itself: policies, credentials, groups and trust.

Written from the AWS documentation and the methods' public sources (Rhino Security Labs' 21
methods, pathfinding.cloud, BishopFox iam-vulnerable, PMapper's edge checks). Each positive has
look-alikes (ids starting ``not/``) that must not escalate.
"""

from __future__ import annotations

import pytest

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.escalation import EscalationMethod

from .escalation_kit import (
    group_arn,
    policy_arn,
    role_arn,
    user_arn,
)
from .escalation_scenarios import (
    PROD,
    assume_after_attach,
    detach_deny,
    join_group,
    keys_for_bob,
    lift_boundary,
    login_profile,
    own_group,
    policy_version,
    rewrite_trust,
    self_policy,
)
from .scenario_check import ADMIN, CONDITIONAL, Edge, Scenario, check

SCENARIOS: dict[str, Scenario] = {
    # policy modification (Rhino 1, 2, 7-12)
    "iam-create-policy-version": Scenario(
        policy_version(action="iam:CreatePolicyVersion", other_versions=0),
        present=(Edge("iam-create-policy-version", ADMIN, via=(policy_arn("alice-tools"),)),),
    ),
    "iam-create-policy-version/five-versions-and-may-delete-one": Scenario(
        policy_version(action="iam:CreatePolicyVersion", other_versions=4, delete=True),
        present=(
            Edge(
                "iam-create-policy-version",
                ADMIN,
                permissions=(("iam:DeletePolicyVersion", policy_arn("alice-tools")),),
            ),
        ),
    ),
    "not/iam-create-policy-version/five-versions-none-deletable": Scenario(
        policy_version(action="iam:CreatePolicyVersion", other_versions=4),
        absent=(("iam-create-policy-version", ADMIN),),
    ),
    "iam-set-default-policy-version": Scenario(
        policy_version(action="iam:SetDefaultPolicyVersion", other_versions=1),
        present=(Edge("iam-set-default-policy-version", ADMIN, via=(policy_arn("alice-tools"),)),),
    ),
    "not/iam-set-default-policy-version/no-other-version": Scenario(
        policy_version(action="iam:SetDefaultPolicyVersion", other_versions=0),
        absent=(("iam-set-default-policy-version", ADMIN),),
    ),
    "iam-attach-user-policy/limited-by-iam-policy-arn": Scenario(
        self_policy(
            "iam:AttachUserPolicy",
            user=True,
            condition={"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
        ),
        present=(Edge("iam-attach-user-policy", ADMIN, CONDITIONAL),),
        absent=(("holds-admin", ADMIN),),
    ),
    "iam-attach-role-policy/limited-by-iam-policy-arn": Scenario(
        self_policy(
            "iam:AttachRolePolicy",
            user=False,
            condition={"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
        ),
        present=(Edge("iam-attach-role-policy", ADMIN, CONDITIONAL),),
        absent=(("holds-admin", ADMIN),),
    ),
    "iam-attach-user-policy/unconditional-is-holds-admin": Scenario(
        self_policy("iam:AttachUserPolicy", user=True),
        present=(Edge("holds-admin", ADMIN),),
        absent=(("iam-attach-user-policy", ADMIN),),
    ),
    "iam-attach-group-policy": Scenario(
        own_group("iam:AttachGroupPolicy"),
        present=(Edge("iam-attach-group-policy", ADMIN, via=(group_arn("team"),)),),
    ),
    "iam-put-user-policy/under-a-boundary": Scenario(
        self_policy("iam:PutUserPolicy", user=True, boundary=["iam:PutUserPolicy", "s3:*"]),
        present=(Edge("iam-put-user-policy", ADMIN, CONDITIONAL, note="permissions boundary"),),
        absent=(("holds-admin", ADMIN),),
    ),
    "iam-put-role-policy/with-mfa-condition-is-conditional-admin": Scenario(
        self_policy(
            "iam:PutRolePolicy",
            user=False,
            condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        ),
        present=(Edge("holds-admin", ADMIN, CONDITIONAL),),
        absent=(("iam-put-role-policy", ADMIN),),  # no less conditional than holds-admin
    ),
    "iam-put-role-policy/unconditional-is-holds-admin": Scenario(
        self_policy("iam:PutRolePolicy", user=False),
        present=(
            Edge("holds-admin", ADMIN, permissions=(("iam:PutRolePolicy", role_arn("alice")),)),
        ),
        absent=(("iam-put-role-policy", ADMIN),),
    ),
    "iam-put-group-policy": Scenario(
        own_group("iam:PutGroupPolicy"),
        present=(Edge("iam-put-group-policy", ADMIN, via=(group_arn("team"),)),),
    ),
    "not/iam-attach-group-policy/group-she-is-not-in": Scenario(
        own_group("iam:AttachGroupPolicy", member=False),
        absent=(("iam-attach-group-policy", ADMIN),),
    ),
    "iam-delete-role-permissions-boundary": Scenario(
        lift_boundary(), present=(Edge("iam-delete-role-permissions-boundary", ADMIN),)
    ),
    "not/iam-delete-role-permissions-boundary/no-boundary-to-delete": Scenario(
        lift_boundary(boundary=False), absent=(("iam-delete-role-permissions-boundary", ADMIN),)
    ),
    "iam-detach-deny-policy": Scenario(
        detach_deny(),
        present=(Edge("iam-detach-deny-policy", ADMIN, via=(policy_arn("no-s3-delete"),)),),
    ),
    "not/iam-detach-deny-policy/attached-policy-denies-nothing": Scenario(
        detach_deny(denies=False), absent=(("iam-detach-deny-policy", ADMIN),)
    ),
    # credential creation (Rhino 4-6)
    "iam-create-access-key": Scenario(
        keys_for_bob(keys=1), present=(Edge("iam-create-access-key", user_arn("bob")),)
    ),
    "iam-create-access-key/credentials-not-collected": Scenario(
        keys_for_bob(collected=False),
        present=(
            Edge(
                "iam-create-access-key",
                user_arn("bob"),
                CONDITIONAL,
                note="credentials not collected",
            ),
        ),
    ),
    "not/iam-create-access-key/user-has-two-keys": Scenario(
        keys_for_bob(keys=2), absent=(("*", user_arn("bob")),)
    ),
    "not/iam-create-access-key/deny-in-group-policy": Scenario(
        keys_for_bob(via_group_deny=True), absent=(("*", user_arn("bob")),)
    ),
    "iam-create-login-profile": Scenario(
        login_profile(password=False),
        present=(Edge("iam-create-login-profile", user_arn("bob")),),
        absent=(("iam-update-login-profile", user_arn("bob")),),
    ),
    "not/iam-create-login-profile/target-has-mfa": Scenario(
        login_profile(password=False, mfa=True), absent=(("*", user_arn("bob")),)
    ),
    "iam-update-login-profile": Scenario(
        login_profile(password=True),
        present=(Edge("iam-update-login-profile", user_arn("bob")),),
        absent=(("iam-create-login-profile", user_arn("bob")),),
    ),
    # group membership (Rhino 13)
    "iam-add-user-to-group": Scenario(
        join_group(target="admins"),
        present=(Edge("iam-add-user-to-group", ADMIN, via=(group_arn("admins"),)),),
    ),
    "iam-add-user-to-group/weaker-group-is-conditional": Scenario(
        join_group(target="readers"),
        present=(
            Edge("iam-add-user-to-group", ADMIN, CONDITIONAL, note="may fall short of admin"),
        ),
    ),
    # trust modification and assuming (Rhino 14)
    "iam-update-assume-role-policy": Scenario(
        rewrite_trust,
        present=(
            Edge("iam-update-assume-role-policy", PROD),
            Edge("iam-update-assume-role-policy-direct", PROD),
        ),
        absent=(("sts-assume-role", PROD),),
    ),
    "iam-attach-role-policy-assume-role": Scenario(
        assume_after_attach(trusted=True),
        present=(Edge("iam-attach-role-policy-assume-role", PROD), Edge("sts-assume-role", PROD)),
    ),
    "not/iam-attach-role-policy-assume-role/trust-names-another-principal": Scenario(
        assume_after_attach(trusted=False), absent=(("*", PROD),)
    ),
    # passing a role to compute (Rhino 3, 15, 16, 18, 20, 21 and later research)
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario(
    name: str, aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    check(SCENARIOS[name], aws_catalog, methods)
