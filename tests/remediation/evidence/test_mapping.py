"""The CloudTrail mapping: event to permissions, resource ARNs, and what CloudTrail cannot show."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from overgrant.catalogs.aws import AwsCatalog, load_aws_catalog
from overgrant.catalogs.cloudtrail import CloudTrailMapping, load_cloudtrail_mapping
from overgrant.errors import ConfigError
from overgrant.model import Cloud, ScopeId
from overgrant.usage import EvidenceWindow

ACCOUNT = "222222222222"


@pytest.fixture(scope="module")
def catalog() -> AwsCatalog:
    return load_aws_catalog()


@pytest.fixture(scope="module")
def mapping(catalog: AwsCatalog) -> CloudTrailMapping:
    return load_cloudtrail_mapping(catalog)


def _event(source: str, name: str, params: dict[str, Any] | None = None, **extra: Any) -> Any:
    return {
        "eventSource": f"{source}.amazonaws.com",
        "eventName": name,
        "awsRegion": "eu-west-1",
        "recipientAccountId": ACCOUNT,
        "userIdentity": {"type": "IAMUser", "arn": f"arn:aws:iam::{ACCOUNT}:user/ci"},
        "requestParameters": params,
        **extra,
    }


def _window(
    source: str = "cloudtrail-files", regions: tuple[str, ...] = (), data: tuple[str, ...] = ()
) -> EvidenceWindow:
    return EvidenceWindow(
        cloud=Cloud.AWS,
        source=source,
        scope=ScopeId(ACCOUNT),
        start=datetime(2026, 8, 22, tzinfo=UTC),
        end=datetime(2026, 11, 20, tzinfo=UTC),
        regions=regions,
        data_events=data,
    )


# -- the data file against the catalog -------------------------------------------------------


def test_every_action_the_file_names_is_in_the_catalog_or_declared_unknown(
    mapping: CloudTrailMapping, catalog: AwsCatalog
) -> None:
    problems = []
    for action in mapping.named_actions():
        if action.lower() in mapping.unknown_to_catalog:
            continue
        if "*" in action or "?" in action:
            if not catalog.expand(action):
                problems.append(f"{action} matches no catalog action")
        elif not catalog.is_known(action):
            problems.append(f"{action} is not in the catalog")
    assert problems == []


def test_every_resource_template_is_for_a_resource_type_the_service_has(
    mapping: CloudTrailMapping, catalog: AwsCatalog
) -> None:
    templates = mapping.templated_resource_types()
    assert ("iam", "role") in templates
    missing = [
        f"{prefix}/{kind}"
        for prefix, kind in templates
        if catalog.resource_type(prefix, kind) is None
    ]
    assert missing == []


# -- events to permissions -------------------------------------------------------------------


def test_the_default_rule_is_prefix_and_event_name(mapping: CloudTrailMapping) -> None:
    assert mapping.actions_for(_event("ec2", "DescribeInstances", {})) == (
        ("ec2:DescribeInstances", "*"),
    )


@pytest.mark.parametrize(
    ("source", "name", "action"),
    [
        ("monitoring", "PutMetricAlarm", "cloudwatch:PutMetricAlarm"),
        ("email", "SendEmail", "ses:SendEmail"),
        ("tagging", "GetResources", "tag:GetResources"),
        ("lambda", "UpdateFunctionCode20150331v2", "lambda:UpdateFunctionCode"),
        ("lambda", "ListFunctions20150331", "lambda:ListFunctions"),
        ("lambda", "Invoke", "lambda:InvokeFunction"),
        ("cloudfront", "UpdateDistribution2020_05_31", "cloudfront:UpdateDistribution"),
        ("s3", "ListBuckets", "s3:ListAllMyBuckets"),
    ],
)
def test_event_names_that_differ_from_the_action(
    mapping: CloudTrailMapping, source: str, name: str, action: str
) -> None:
    assert [a for a, _ in mapping.actions_for(_event(source, name, {}))] == [action]


def test_s3_calls_map_to_bucket_or_object_permissions_on_their_own_arns(
    mapping: CloudTrailMapping,
) -> None:
    listing = _event("s3", "ListObjectsV2", {"bucketName": "lake", "prefix": "raw/"})
    head = _event("s3", "HeadObject", {"bucketName": "lake", "key": "raw/a.json"})
    versioned = _event("s3", "GetObject", {"bucketName": "lake", "key": "k", "versionId": "3"})
    assert mapping.actions_for(listing) == (("s3:ListBucket", "arn:aws:s3:::lake"),)
    assert mapping.actions_for(head) == (("s3:GetObject", "arn:aws:s3:::lake/raw/a.json"),)
    assert mapping.actions_for(versioned) == (
        ("s3:GetObject", "arn:aws:s3:::lake/k"),
        ("s3:GetObjectVersion", "arn:aws:s3:::lake/k"),
    )


def test_a_resource_comes_from_the_actions_own_resource_type(mapping: CloudTrailMapping) -> None:
    # The event names a policy and a role; iam:AttachRolePolicy is authorized on the role.
    attach = _event(
        "iam",
        "AttachRolePolicy",
        {"roleName": "app", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
    )
    assert mapping.actions_for(attach) == (
        ("iam:AttachRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/app"),
    )
    service = _event(
        "ecs",
        "UpdateService",
        {"cluster": f"arn:aws:ecs:eu-west-1:{ACCOUNT}:cluster/internal", "service": "web"},
    )
    assert mapping.actions_for(service) == (
        ("ecs:UpdateService", f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/internal/web"),
    )
    queue = _event(
        "sqs", "SendMessage", {"queueUrl": f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/jobs"}
    )
    assert mapping.actions_for(queue) == (
        ("sqs:SendMessage", f"arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs"),
    )


def test_the_events_resources_element_is_used_when_parameters_say_nothing(
    mapping: CloudTrailMapping,
) -> None:
    function = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:resize"
    invoke = _event(
        "lambda",
        "Invoke",
        {},
        resources=[
            {"type": "AWS::Lambda::Function", "ARN": function},
            {"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::unrelated"},  # not a function
        ],
    )
    assert mapping.actions_for(invoke) == (("lambda:InvokeFunction", function),)


def test_calls_that_hand_a_role_to_a_service_also_need_pass_role(
    mapping: CloudTrailMapping,
) -> None:
    create = _event(
        "lambda", "CreateFunction20150331", {"functionName": "f", "role": "lambda-exec"}
    )
    assert mapping.actions_for(create) == (
        ("lambda:CreateFunction", f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:f"),
        ("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/lambda-exec"),
    )
    launch = {"instanceType": "t3.micro", "iamInstanceProfile": {"name": "web"}}
    assert ("iam:PassRole", "*") in mapping.actions_for(_event("ec2", "RunInstances", launch))
    plain = mapping.actions_for(_event("ec2", "RunInstances", {"instanceType": "t3.micro"}))
    assert [a for a, _ in plain] == ["ec2:RunInstances"]


def test_session_tags_on_assume_role_need_tag_session(mapping: CloudTrailMapping) -> None:
    role = "arn:aws:iam::333333333333:role/deployer"
    tagged = {"roleArn": role, "roleSessionName": "s", "tags": [{"key": "team", "value": "a"}]}
    assert mapping.actions_for(_event("sts", "AssumeRole", tagged)) == (
        ("sts:AssumeRole", role),
        ("sts:TagSession", role),
    )


def test_an_event_without_source_or_name_needs_nothing(mapping: CloudTrailMapping) -> None:
    assert mapping.actions_for({"eventName": "X"}) == ()


# -- what could have been seen ---------------------------------------------------------------


def test_data_event_actions_are_observable_only_where_data_events_were_recorded(
    mapping: CloudTrailMapping,
) -> None:
    management_only = _window()
    with_s3 = _window(data=("s3",))
    assert not mapping.is_observable("s3:GetObject", management_only)
    assert not mapping.is_observable("s3:ListBucket", management_only)
    assert mapping.is_observable("s3:PutBucketPolicy", management_only)
    assert mapping.is_observable("s3:GetObject", with_s3)
    assert mapping.is_observable("S3:getobject", with_s3)  # IAM names ignore case
    assert not mapping.is_observable("dynamodb:GetItem", with_s3)
    assert mapping.is_observable("dynamodb:DescribeTable", with_s3)


def test_permissions_no_event_names_are_never_observable(mapping: CloudTrailMapping) -> None:
    everything = _window(data=("s3", "lambda", "dynamodb", "sqs", "sns", "logs", "cloudwatch"))
    for action in ("iam:PassRole", "sts:TagSession", "aws-portal:ViewBilling"):
        assert not mapping.is_observable(action, everything)
    assert "iam:PassRole" in mapping.blind_spots(everything)


def test_global_services_need_us_east_1(mapping: CloudTrailMapping) -> None:
    assert not mapping.is_observable("iam:CreateRole", _window(regions=("eu-west-1",)))
    assert mapping.is_observable("iam:CreateRole", _window(regions=("eu-west-1", "us-east-1")))
    assert mapping.is_observable("iam:CreateRole", _window())  # all regions
    assert mapping.is_observable("ec2:RunInstances", _window(regions=("eu-west-1",)))


def test_event_history_shows_no_data_events_and_other_sources_show_nothing_here(
    mapping: CloudTrailMapping,
) -> None:
    lookup = _window("cloudtrail-lookup")
    assert mapping.is_observable("ec2:RunInstances", lookup)
    assert not mapping.is_observable("lambda:InvokeFunction", lookup)
    assert not mapping.is_observable("ec2:RunInstances", _window("access-advisor"))


def test_asking_is_cheap_once_a_window_shape_is_known(mapping: CloudTrailMapping) -> None:
    window = _window(regions=("eu-west-1", "us-east-1"), data=("s3",))
    actions = [f"svc{i % 300}:Action{i % 1000}" for i in range(200_000)]
    started = time.perf_counter()
    for action in actions:
        mapping.is_observable(action, window)
    assert time.perf_counter() - started < 1.0


# -- loading ---------------------------------------------------------------------------------


def test_a_malformed_file_is_a_config_error_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("version: 1\nrenamed:\n  s3:ListObjects: s3:ListBucket\n")
    with pytest.raises(ConfigError, match=r"mapping\.yaml: /renamed/s3:ListObjects: must be"):
        load_cloudtrail_mapping(path=path)
    path.write_text(
        "version: 1\nextra:\n  - event: ec2:RunInstances\n    actions: [iam:PassRole]\n"
    )
    with pytest.raises(ConfigError, match=r"/extra/0/when: must name a request parameter"):
        load_cloudtrail_mapping(path=path)
    path.write_text("version: 2\n")
    with pytest.raises(ConfigError, match=r"/version must be 1"):
        load_cloudtrail_mapping(path=path)
    path.write_text("renamed: [\n")
    with pytest.raises(ConfigError, match=r"mapping\.yaml: not valid YAML"):
        load_cloudtrail_mapping(path=path)
