"""Condition operators and policy variables, following the IAM User Guide's operator pages."""

from __future__ import annotations

import pytest

from overgrant.graph.effective.aws_conditions import compile_condition, evaluate_condition
from overgrant.graph.effective.aws_match import (
    ContextValue,
    Missing,
    compile_pieces,
    parse_template,
    resolve,
)
from overgrant.model import JsonValue


class Context:
    """A request context from a plain mapping; keys not given are unknown."""

    def __init__(self, values: dict[str, ContextValue]) -> None:
        self._values = {k.lower(): v for k, v in values.items()}

    def get(self, key: str) -> ContextValue:
        return self._values.get(key, Missing.UNKNOWN)


ABSENT = Missing.ABSENT
CASES: list[tuple[str, JsonValue, dict[str, ContextValue], bool | None]] = [
    (
        "string-equals",
        {"StringEquals": {"aws:username": "alice"}},
        {"aws:username": ("alice",)},
        True,
    ),
    (
        "string-equals-case-sensitive",
        {"StringEquals": {"aws:username": "Alice"}},
        {"aws:username": ("alice",)},
        False,
    ),
    (
        "string-equals-values-are-alternatives",
        {"StringEquals": {"aws:username": ["bob", "alice"]}},
        {"aws:username": ("alice",)},
        True,
    ),
    (
        "string-equals-absent-key",
        {"StringEquals": {"aws:username": "alice"}},
        {"aws:username": ABSENT},
        False,
    ),
    (
        "string-not-equals-absent-key-is-true",
        {"StringNotEquals": {"aws:username": "alice"}},
        {"aws:username": ABSENT},
        True,
    ),
    (
        "string-not-equals-is-nor",
        {"StringNotEquals": {"aws:username": ["bob", "alice"]}},
        {"aws:username": ("alice",)},
        False,
    ),
    (
        "string-equals-ignore-case",
        {"StringEqualsIgnoreCase": {"aws:username": "ALICE"}},
        {"aws:username": ("alice",)},
        True,
    ),
    (
        "string-like-wildcards",
        {"StringLike": {"s3:prefix": "home/*/a?c"}},
        {"s3:prefix": ("home/x/y/abc",)},
        True,
    ),
    (
        "string-like-no-match",
        {"StringLike": {"s3:prefix": "home/*"}},
        {"s3:prefix": ("work/x",)},
        False,
    ),
    (
        "string-not-like",
        {"StringNotLike": {"s3:prefix": "home/*"}},
        {"s3:prefix": ("work/x",)},
        True,
    ),
    (
        "if-exists-absent-is-true",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {"ec2:InstanceType": ABSENT},
        True,
    ),
    (
        "if-exists-present-is-checked",
        {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}},
        {"ec2:InstanceType": ("m5.large",)},
        False,
    ),
    (
        "null-true-when-absent",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:TokenIssueTime": ABSENT},
        True,
    ),
    (
        "null-false-when-present",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:TokenIssueTime": ("x",)},
        False,
    ),
    (
        "null-bool-value",
        {"Null": {"aws:TokenIssueTime": False}},
        {"aws:TokenIssueTime": ("x",)},
        True,
    ),
    (
        "for-all-values-subset",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}},
        {"aws:TagKeys": ("a",)},
        True,
    ),
    (
        "for-all-values-extra",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}},
        {"aws:TagKeys": ("a", "c")},
        False,
    ),
    (
        "for-all-values-absent-is-true",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}},
        {"aws:TagKeys": ABSENT},
        True,
    ),
    (
        "for-any-value-one",
        {"ForAnyValue:StringLike": {"aws:TagKeys": "env*"}},
        {"aws:TagKeys": ("x", "environment")},
        True,
    ),
    (
        "for-any-value-absent-is-false",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}},
        {"aws:TagKeys": ABSENT},
        False,
    ),
    (
        "for-any-value-negated",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": "a"}},
        {"aws:TagKeys": ("a", "b")},
        True,
    ),
    (
        "numeric-less-than",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": ("9",)},
        True,
    ),
    (
        "numeric-not-a-number",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": ("many",)},
        False,
    ),
    (
        "date-greater-than-epoch",
        {"DateGreaterThan": {"aws:CurrentTime": "1577836800"}},
        {"aws:CurrentTime": ("2021-01-01T00:00:00+00:00",)},
        True,
    ),
    (
        "date-less-than-iso",
        {"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
        {"aws:CurrentTime": ("2021-01-01T00:00:00+00:00",)},
        False,
    ),
    ("bool", {"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": ("false",)}, True),
    (
        "bool-json-boolean",
        {"Bool": {"aws:SecureTransport": True}},
        {"aws:SecureTransport": ("true",)},
        True,
    ),
    (
        "ip-address",
        {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.0/24"]}},
        {"aws:SourceIp": ("203.0.113.7",)},
        True,
    ),
    (
        "not-ip-address",
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": ("198.51.100.1",)},
        True,
    ),
    (
        "arn-like-segments",
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin-*"}},
        {"aws:PrincipalArn": ("arn:aws:iam::111122223333:role/admin-x",)},
        True,
    ),
    (
        "arn-like-case-sensitive",
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}},
        {"aws:PrincipalArn": ("arn:aws:iam::111122223333:role/admin",)},
        False,
    ),
    (
        "arn-not-equals",
        {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/a"}},
        {"aws:PrincipalArn": ("arn:aws:iam::111122223333:role/b",)},
        True,
    ),
    (
        "operators-are-and",
        {"StringEquals": {"aws:username": "alice"}, "Bool": {"aws:SecureTransport": "true"}},
        {"aws:username": ("alice",), "aws:SecureTransport": ("false",)},
        False,
    ),
    (
        "keys-are-and",
        {"StringEquals": {"aws:username": "alice", "aws:PrincipalAccount": "1"}},
        {"aws:username": ("alice",), "aws:PrincipalAccount": ("1",)},
        True,
    ),
    (
        "key-names-ignore-case",
        {"StringEquals": {"AWS:UserName": "alice"}},
        {"aws:username": ("alice",)},
        True,
    ),
    (
        "variable-in-value",
        {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}},
        {"aws:ResourceAccount": ("1",), "aws:PrincipalAccount": ("1",)},
        True,
    ),
    ("unknown-key", {"StringEquals": {"aws:SourceVpc": "vpc-1"}}, {}, None),
    (
        "false-beats-unknown",
        {"StringEquals": {"aws:SourceVpc": "vpc-1", "aws:username": "bob"}},
        {"aws:username": ("alice",)},
        False,
    ),
    (
        "unsupported-operator-is-unknown",
        {"StringSoundsLike": {"aws:username": "alyce"}},
        {"aws:username": ("alice",)},
        None,
    ),
]


@pytest.mark.parametrize(
    ("block", "values", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_condition(
    block: JsonValue, values: dict[str, ContextValue], expected: bool | None
) -> None:
    condition = compile_condition(block, variables=True)
    assert condition is not None
    result = evaluate_condition(condition, Context(values))
    assert result.value is expected
    assert bool(result.unknown) == (expected is None)


def test_unknown_result_names_the_key_as_written() -> None:
    condition = compile_condition({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, variables=True)
    assert condition is not None
    assert evaluate_condition(condition, Context({})).unknown == {"aws:SourceIp"}


def test_variable_in_value_with_unknown_key_is_unknown() -> None:
    block = {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}
    condition = compile_condition(block, variables=True)
    assert condition is not None
    result = evaluate_condition(condition, Context({"aws:ResourceAccount": ("1",)}))
    assert result.value is None
    assert result.unknown == {"aws:PrincipalAccount"}


def test_without_variables_a_dollar_brace_is_literal() -> None:
    block = {"StringEquals": {"aws:username": "${aws:username}"}}
    condition = compile_condition(block, variables=False)
    assert condition is not None
    literal = Context({"aws:username": ("${aws:username}",)})
    assert evaluate_condition(condition, literal).value is True


def _match(pattern: str, value: str, values: dict[str, ContextValue] | None = None) -> bool | None:
    resolved = resolve(parse_template(pattern, variables=True), Context(values or {}))
    if resolved.pieces is None:
        return None if resolved.unknown else False
    return compile_pieces(resolved.pieces, arn=True).matches(value)


def test_special_variables_are_literal_characters() -> None:
    assert _match("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*") is True
    assert _match("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/anything") is False
    assert _match("arn:aws:s3:::b/${?}x", "arn:aws:s3:::b/?x") is True


def test_variable_default_value() -> None:
    pattern = "arn:aws:s3:::home/${aws:username, 'shared'}/*"
    assert _match(pattern, "arn:aws:s3:::home/shared/f", {"aws:username": ABSENT}) is True
    assert _match(pattern, "arn:aws:s3:::home/alice/f", {"aws:username": ("alice",)}) is True


def test_substituted_value_is_not_a_wildcard() -> None:
    values: dict[str, ContextValue] = {"aws:PrincipalTag/p": ("*",)}
    assert _match("arn:aws:s3:::b/${aws:PrincipalTag/p}", "arn:aws:s3:::b/x", values) is False


def test_variable_without_value_matches_nothing_and_unknown_stays_unknown() -> None:
    assert (
        _match("arn:aws:s3:::h/${aws:username}", "arn:aws:s3:::h/", {"aws:username": ABSENT})
        is False
    )
    assert _match("arn:aws:s3:::h/${aws:username}", "arn:aws:s3:::h/x") is None


def test_resource_part_wildcard_spans_colons_and_slashes() -> None:
    assert _match(
        "arn:aws:logs:*:*:log-group:app*", "arn:aws:logs:us-east-1:1:log-group:app:log-stream:x"
    )
    assert not _match("arn:aws:logs:*:log-group:*", "arn:aws:logs:us-east-1:1:log-group:app")
