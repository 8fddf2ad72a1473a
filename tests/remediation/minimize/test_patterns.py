"""Containment between IAM patterns: the test that guards every generalisation and the proof."""

from __future__ import annotations

import pytest

from overgrant.remediation.minimize.patterns import (
    action_contained,
    glob_contains,
    resource_contained,
)


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("*", "arn:aws:s3:::b/2026/*", True),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/2026/*", True),
        ("arn:aws:s3:::b/2026/*", "arn:aws:s3:::b/*", False),
        ("arn:aws:s3:::b/20*/*", "arn:aws:s3:::b/2026/*", True),
        ("arn:aws:s3:::b/20*/x", "arn:aws:s3:::b/2026/*", False),
        ("arn:aws:s3:::b/*/logs", "arn:aws:s3:::b/2026/*", False),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/2026/k.gz", True),
        ("arn:aws:s3:::b/x?", "arn:aws:s3:::b/x*", False),  # '?' matches the literal '*' only
        ("arn:aws:s3:::b/x**", "arn:aws:s3:::b/x*", True),
        ("arn:aws:*:*:*:table/*", "arn:aws:dynamodb:eu-west-1:1:table/t/*", True),
        ("arn:aws:iam::*", "arn:aws:iam::1:role/a", False),  # a segment wildcard stops at ':'
    ],
)
def test_glob_contains_arns(outer: str, inner: str, expected: bool) -> None:
    assert glob_contains(outer, inner, arn=True) is expected


def test_literal_inner_matches_like_iam() -> None:
    assert glob_contains("arn:aws:s3:::b/?.txt", "arn:aws:s3:::b/a.txt", arn=True)
    assert not glob_contains("arn:aws:s3:::b/?.txt", "arn:aws:s3:::b/ab.txt", arn=True)


def test_resource_within_not_resource_only_for_literals() -> None:
    outers = ("arn:aws:s3:::secret/*",)
    assert resource_contained("arn:aws:s3:::open/k", outers, negated=True)
    assert not resource_contained("arn:aws:s3:::secret/k", outers, negated=True)
    assert not resource_contained("arn:aws:s3:::open/*", outers, negated=True)


def test_actions_ignore_case_and_respect_not_action() -> None:
    assert action_contained("S3:GetObject*", ("s3:get*",), negated=False)
    assert not action_contained("s3:Get*", ("s3:GetObject*",), negated=False)
    assert action_contained("ec2:Describe*", ("iam:*", "organizations:*"), negated=True)
    assert not action_contained("iam:Get*", ("iam:*",), negated=True)
    assert not action_contained("iam:Get*", ("i*:CreateUser",), negated=True)
    assert action_contained("iam:GetRole", ("iam:Create*",), negated=True)
    assert not action_contained("iam:CreateRole", ("iam:Create*",), negated=True)
