"""The CloudTrail side of IAM actions: which event records a call leaves, and whether it leaves any.

One :class:`EventSpec` per IAM action the CloudTrail generator can use: the ``eventSource``
host, the ``eventName`` values CloudTrail writes for calls that need the action (they differ from
the action name for S3 — ``ListObjects`` needs ``s3:ListBucket`` — and Lambda, whose management
events carry the API version: ``GetFunction20150331v2``), whether the event is a data event,
read-only, and which resource type the call names.

:func:`visibility` classifies *any* action for a trail: ``logged``, ``data-off`` (a data event
the trail does not select) or ``never`` (CloudTrail records no event for it). The benchmark
counts as removable only what a trail could have shown.

Sources: the AWS CloudTrail User Guide (Logging data events: S3 object-level calls, Lambda
``Invoke``, DynamoDB item calls, SNS ``Publish``, SQS message calls, Kinesis records and
CloudWatch metric calls are data events) and each service's "Logging ... API calls with
CloudTrail" page (CloudWatch Logs does not record ``PutLogEvents``, ``GetLogEvents`` or
``FilterLogEvents``; X-Ray does not record trace uploads; API Gateway does not record
``execute-api`` invocations).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]
Params = Callable[[Mapping[str, str], str, str], Json | None]
"""Builds ``requestParameters`` from the resource's ARN pieces, the ARN and the region."""

LOGGED = "logged"
DATA_OFF = "data-off"
NEVER = "never"

# Data events by service: the actions whose calls CloudTrail records only when a trail selects
# that service's data events. S3 object-level calls (and listing a bucket's objects) first.
_DATA_EVENT_ACTIONS: dict[str, tuple[str, ...]] = {
    "s3": (
        "s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:ListBucket",
        "s3:ListBucketVersions", "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts",
        "s3:AbortMultipartUpload", "s3:RestoreObject", "s3:ReplicateObject",
        "s3:ReplicateDelete", "s3:BypassGovernanceRetention",
    ),
    "lambda": ("lambda:InvokeFunction", "lambda:InvokeAsync", "lambda:InvokeFunctionUrl"),
    "dynamodb": (
        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
        "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem", "dynamodb:PartiQL*", "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
    ),
    "sqs": (
        "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
    ),
    "sns": ("sns:Publish",),
    "kinesis": (
        "kinesis:PutRecord", "kinesis:PutRecords", "kinesis:GetRecords",
        "kinesis:GetShardIterator", "kinesis:SubscribeToShard",
    ),
    "cloudwatch": (
        "cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics",
        "cloudwatch:ListMetrics",
    ),
}  # fmt: skip

NEVER_LOGGED: tuple[str, ...] = (
    "logs:PutLogEvents",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "execute-api:Invoke",
    "execute-api:ManageConnections",
)
"""Actions no trail records, whatever its selectors."""


def _glob(patterns: tuple[str, ...]) -> re.Pattern[str]:
    body = "|".join(re.escape(p.lower()).replace(r"\*", ".*") for p in patterns)
    return re.compile(f"(?:{body})")


_NEVER_RE = _glob(NEVER_LOGGED)
_DATA_RE = {service: _glob(patterns) for service, patterns in _DATA_EVENT_ACTIONS.items()}


def visibility(action: str, data_events: tuple[str, ...]) -> str:
    """``logged``, ``data-off`` or ``never`` for an action under a trail with these data events."""
    lowered = action.lower()
    if _NEVER_RE.fullmatch(lowered):
        return NEVER
    service = lowered.partition(":")[0]
    pattern = _DATA_RE.get(service)
    if pattern is not None and pattern.fullmatch(lowered):
        return LOGGED if service in data_events else DATA_OFF
    return LOGGED


def is_data_event(action: str) -> bool:
    """Whether CloudTrail classes the action's calls as data events (``eventCategory: Data``)."""
    lowered = action.lower()
    pattern = _DATA_RE.get(lowered.partition(":")[0])
    return pattern is not None and pattern.fullmatch(lowered) is not None


def blind_patterns(data_events: tuple[str, ...]) -> tuple[str, ...]:
    """The action patterns a trail with these data events cannot show."""
    found = list(NEVER_LOGGED)
    for service, patterns in _DATA_EVENT_ACTIONS.items():
        if service not in data_events:
            found.extend(patterns)
    return tuple(found)


@dataclass(frozen=True, slots=True)
class EventSpec:
    """How calls needing one IAM action appear in CloudTrail."""

    action: str
    source: str
    """``eventSource``, e.g. ``s3.amazonaws.com``."""
    names: tuple[str, ...]
    """``eventName`` values of calls that need the action; the first is the usual one."""
    read_only: bool
    resource_type: str | None
    """The catalog's resource type the call names (its ARN template); ``None``: no resource."""
    params: Params
    trail_type: str | None = None
    """``resources[].type`` when CloudTrail lists the resource (``AWS::S3::Object``)."""
    region: str | None = None
    """Fixed region of a global service's events (IAM: ``us-east-1``)."""

    @property
    def service(self) -> str:
        """The IAM service prefix."""
        return self.action.partition(":")[0]


# -- requestParameters, per API family ----------------------------------------------------------


def _none(parts: Mapping[str, str], arn: str, region: str) -> Json | None:
    return None


def _s3_host(bucket: str, region: str) -> str:
    return f"{bucket}.s3.{region}.amazonaws.com"


def _s3_bucket(parts: Mapping[str, str], arn: str, region: str) -> Json:
    bucket = parts["BucketName"]
    return {"bucketName": bucket, "Host": _s3_host(bucket, region)}


def _s3_list(parts: Mapping[str, str], arn: str, region: str) -> Json:
    bucket = parts["BucketName"]
    return {"list-type": "2", "bucketName": bucket, "Host": _s3_host(bucket, region),
            "prefix": "", "encoding-type": "url"}  # fmt: skip


def _s3_object(parts: Mapping[str, str], arn: str, region: str) -> Json:
    bucket = parts["BucketName"]
    return {"bucketName": bucket, "Host": _s3_host(bucket, region), "key": parts["ObjectName"]}


def _s3_version(parts: Mapping[str, str], arn: str, region: str) -> Json:
    # GetObject with a versionId needs s3:GetObjectVersion, not s3:GetObject.
    return {**_s3_object(parts, arn, region), "versionId": "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd"}


def _named(key: str, part: str, *, arn_value: bool = False) -> Params:
    def build(parts: Mapping[str, str], arn: str, region: str) -> Json:
        return {key: arn if arn_value else parts[part]}

    return build


def _queue_url(parts: Mapping[str, str], arn: str, region: str) -> Json:
    account = arn.split(":")[4]
    url = f"https://sqs.{region}.amazonaws.com/{account}/{parts['QueueName']}"
    return {"queueUrl": url}


def _queue_attributes(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {**_queue_url(parts, arn, region), "attributeNames": ["All"]}


def _kms(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {"keyId": arn, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}


def _kms_data_key(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {"keyId": arn, "keySpec": "AES_256"}


def _ssm_parameter(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {"name": "/" + parts["ParameterNameWithoutLeadingSlash"], "withDecryption": True}


def _ssm_path(parts: Mapping[str, str], arn: str, region: str) -> Json:
    path = "/" + parts["ParameterNameWithoutLeadingSlash"]
    return {"path": path, "recursive": True, "withDecryption": True}


def _ecr_images(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {
        "imageIds": [{"imageTag": "latest"}],
        "acceptedMediaTypes": ["application/vnd.docker.distribution.manifest.v2+json"],
        "repositoryName": parts["RepositoryName"],
        "registryId": arn.split(":")[4],
    }


def _ecr_layer(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {
        "repositoryName": parts["RepositoryName"],
        "registryId": arn.split(":")[4],
        "layerDigest": "sha256:" + "5b0e3c7a" * 8,
    }


def _role_name(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {"roleName": parts["RoleNameWithPath"].rsplit("/", 1)[-1]}


def _assume_role(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {"roleArn": arn, "roleSessionName": "ci-deploy", "durationSeconds": 3600}


def _log_stream(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {"logGroupName": parts["LogGroupName"], "logStreamName": parts["LogStreamName"]}


def _glue_table(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {"databaseName": parts["DatabaseName"], "name": parts["TableName"]}


def _ecs_services(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {"cluster": parts["ClusterName"], "services": [parts["ServiceName"]]}


def _codebuild(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {"projectName": parts["ProjectName"]}


def _describe(parts: Mapping[str, str], arn: str, region: str) -> Json:
    return {"maxResults": 100}


def _spec(
    action: str,
    names: str,
    resource_type: str | None,
    params: Params = _none,
    *,
    read: bool = True,
    trail_type: str | None = None,
    source: str | None = None,
    region: str | None = None,
) -> EventSpec:
    service = action.partition(":")[0]
    return EventSpec(
        action=action,
        source=source or f"{service}.amazonaws.com",
        names=tuple(names.split("|")),
        read_only=read,
        resource_type=resource_type,
        params=params,
        trail_type=trail_type,
        region=region,
    )


_OBJ = "AWS::S3::Object"
_FN = "AWS::Lambda::Function"
_TABLE = "AWS::DynamoDB::Table"
_KEY = "AWS::KMS::Key"
_ROLE = "AWS::IAM::Role"
_REPO = "AWS::ECR::Repository"
_IAM = "us-east-1"  # IAM is global; CloudTrail records its events in US East (N. Virginia)

SPECS: tuple[EventSpec, ...] = (
    # S3: bucket-level calls are management events; object-level calls and listing are data.
    _spec("s3:ListAllMyBuckets", "ListBuckets", None, region="us-east-1"),
    _spec("s3:GetBucketLocation", "GetBucketLocation", "bucket", _s3_bucket),
    _spec("s3:GetBucketPolicy", "GetBucketPolicy", "bucket", _s3_bucket),
    _spec("s3:GetEncryptionConfiguration", "GetBucketEncryption", "bucket", _s3_bucket),
    _spec("s3:GetBucketTagging", "GetBucketTagging", "bucket", _s3_bucket),
    _spec("s3:GetLifecycleConfiguration", "GetBucketLifecycle", "bucket", _s3_bucket),
    _spec("s3:GetBucketVersioning", "GetBucketVersioning", "bucket", _s3_bucket),
    # ListObjectsV2 is recorded as ListObjects with "list-type": "2" among its parameters.
    _spec("s3:ListBucket", "ListObjects", "bucket", _s3_list),
    _spec("s3:ListBucketVersions", "ListObjectVersions", "bucket", _s3_bucket),
    _spec("s3:GetObject", "GetObject|HeadObject", "object", _s3_object, trail_type=_OBJ),
    _spec("s3:GetObjectVersion", "GetObject", "object", _s3_version, trail_type=_OBJ),
    _spec(
        "s3:PutObject",
        "PutObject|CreateMultipartUpload|UploadPart|CompleteMultipartUpload",
        "object",
        _s3_object,
        read=False,
        trail_type=_OBJ,
    ),
    _spec("s3:DeleteObject", "DeleteObject", "object", _s3_object, read=False, trail_type=_OBJ),
    _spec(
        "s3:AbortMultipartUpload",
        "AbortMultipartUpload",
        "object",
        _s3_object,
        read=False,
        trail_type=_OBJ,
    ),
    # Lambda: management event names carry the API version they were called with.
    _spec(
        "lambda:InvokeFunction",
        "Invoke",
        "function",
        _named("functionName", "", arn_value=True),
        read=False,
        trail_type=_FN,
    ),
    _spec(
        "lambda:GetFunction",
        "GetFunction20150331v2",
        "function",
        _named("functionName", "FunctionName"),
    ),
    _spec(
        "lambda:GetFunctionConfiguration",
        "GetFunctionConfiguration20150331v2",
        "function",
        _named("functionName", "FunctionName"),
    ),
    _spec("lambda:ListFunctions", "ListFunctions20150331", None),
    _spec("lambda:ListEventSourceMappings", "ListEventSourceMappings20150331", None),
    _spec(
        "lambda:UpdateFunctionCode",
        "UpdateFunctionCode20150331v2",
        "function",
        _named("functionName", "FunctionName"),
        read=False,
    ),
    _spec(
        "lambda:UpdateFunctionConfiguration",
        "UpdateFunctionConfiguration20150331v2",
        "function",
        _named("functionName", "FunctionName"),
        read=False,
    ),
    _spec(
        "lambda:ListTags", "ListTags20170331", "function", _named("resource", "", arn_value=True)
    ),
    # DynamoDB: item calls are data events, table calls management events.
    _spec(
        "dynamodb:GetItem", "GetItem", "table", _named("tableName", "TableName"), trail_type=_TABLE
    ),
    _spec("dynamodb:Query", "Query", "table", _named("tableName", "TableName"), trail_type=_TABLE),
    _spec(
        "dynamodb:PutItem",
        "PutItem",
        "table",
        _named("tableName", "TableName"),
        read=False,
        trail_type=_TABLE,
    ),
    _spec(
        "dynamodb:UpdateItem",
        "UpdateItem",
        "table",
        _named("tableName", "TableName"),
        read=False,
        trail_type=_TABLE,
    ),
    _spec("dynamodb:DescribeTable", "DescribeTable", "table", _named("tableName", "TableName")),
    _spec("dynamodb:ListTables", "ListTables", None),
    # SQS: message calls are data events.
    _spec("sqs:SendMessage", "SendMessage|SendMessageBatch", "queue", _queue_url, read=False),
    _spec("sqs:ReceiveMessage", "ReceiveMessage", "queue", _queue_url),
    _spec("sqs:DeleteMessage", "DeleteMessage|DeleteMessageBatch", "queue", _queue_url, read=False),
    _spec("sqs:GetQueueUrl", "GetQueueUrl", "queue", _named("queueName", "QueueName")),
    _spec("sqs:GetQueueAttributes", "GetQueueAttributes", "queue", _queue_attributes),
    _spec("sqs:ListQueues", "ListQueues", None),
    # SNS: Publish is a data event.
    _spec("sns:Publish", "Publish", "topic", _named("topicArn", "", arn_value=True), read=False),
    _spec(
        "sns:GetTopicAttributes",
        "GetTopicAttributes",
        "topic",
        _named("topicArn", "", arn_value=True),
    ),
    _spec("sns:ListTopics", "ListTopics", None),
    # KMS: every call is a management event and lists the key.
    _spec("kms:Decrypt", "Decrypt", "key", _kms, trail_type=_KEY),
    _spec("kms:Encrypt", "Encrypt", "key", _kms, trail_type=_KEY),
    _spec("kms:GenerateDataKey", "GenerateDataKey", "key", _kms_data_key, trail_type=_KEY),
    _spec(
        "kms:DescribeKey",
        "DescribeKey",
        "key",
        _named("keyId", "", arn_value=True),
        trail_type=_KEY,
    ),
    _spec("kms:ListAliases", "ListAliases", None),
    # Secrets Manager, SSM Parameter Store.
    _spec(
        "secretsmanager:GetSecretValue",
        "GetSecretValue",
        "Secret",
        _named("secretId", "", arn_value=True),
    ),
    _spec(
        "secretsmanager:DescribeSecret",
        "DescribeSecret",
        "Secret",
        _named("secretId", "", arn_value=True),
    ),
    _spec("secretsmanager:ListSecrets", "ListSecrets", None),
    _spec("ssm:GetParameter", "GetParameter", "parameter", _ssm_parameter),
    _spec("ssm:GetParameters", "GetParameters", "parameter", _ssm_parameter),
    _spec("ssm:GetParametersByPath", "GetParametersByPath", "parameter", _ssm_path),
    _spec("ssm:DescribeParameters", "DescribeParameters", None, _describe),
    # ECR.
    _spec("ecr:GetAuthorizationToken", "GetAuthorizationToken", None),
    _spec("ecr:BatchGetImage", "BatchGetImage", "repository", _ecr_images, trail_type=_REPO),
    _spec(
        "ecr:GetDownloadUrlForLayer",
        "GetDownloadUrlForLayer",
        "repository",
        _ecr_layer,
        trail_type=_REPO,
    ),
    _spec("ecr:DescribeRepositories", "DescribeRepositories", None),
    # EC2 descriptions (no resource: Describe* calls authorize on "*").
    _spec("ec2:DescribeInstances", "DescribeInstances", None, _describe),
    _spec("ec2:DescribeSecurityGroups", "DescribeSecurityGroups", None, _describe),
    _spec("ec2:DescribeSubnets", "DescribeSubnets", None, _describe),
    _spec("ec2:DescribeVpcs", "DescribeVpcs", None, _describe),
    _spec("ec2:DescribeNetworkInterfaces", "DescribeNetworkInterfaces", None, _describe),
    _spec("ec2:DescribeRegions", "DescribeRegions", None),
    _spec("ec2:DescribeTags", "DescribeTags", None, _describe),
    _spec("ec2:DescribeVolumes", "DescribeVolumes", None, _describe),
    # IAM and STS.
    _spec("iam:GetRole", "GetRole", "role", _role_name, region=_IAM),
    _spec("iam:ListRoles", "ListRoles", None, region=_IAM),
    _spec(
        "iam:ListAttachedRolePolicies", "ListAttachedRolePolicies", "role", _role_name, region=_IAM
    ),
    _spec("iam:ListRolePolicies", "ListRolePolicies", "role", _role_name, region=_IAM),
    _spec("iam:ListPolicies", "ListPolicies", None, region=_IAM),
    _spec("iam:ListUsers", "ListUsers", None, region=_IAM),
    _spec("iam:GetAccountSummary", "GetAccountSummary", None, region=_IAM),
    _spec("sts:AssumeRole", "AssumeRole", "role", _assume_role, read=False, trail_type=_ROLE),
    # CloudWatch Logs and CloudWatch.
    _spec("logs:CreateLogStream", "CreateLogStream", "log-stream", _log_stream, read=False),
    _spec("logs:PutLogEvents", "PutLogEvents", "log-stream", _log_stream, read=False),
    _spec("logs:DescribeLogGroups", "DescribeLogGroups", None),
    _spec("cloudwatch:DescribeAlarms", "DescribeAlarms", None, source="monitoring.amazonaws.com"),
    _spec(
        "cloudwatch:PutMetricData",
        "PutMetricData",
        None,
        read=False,
        source="monitoring.amazonaws.com",
    ),
    _spec("xray:PutTraceSegments", "PutTraceSegments", None, read=False),
    # Deployment and orchestration.
    _spec("cloudformation:DescribeStacks", "DescribeStacks", None),
    _spec("cloudformation:ListStacks", "ListStacks", None),
    _spec(
        "states:StartExecution",
        "StartExecution",
        "statemachine",
        _named("stateMachineArn", "", arn_value=True),
        read=False,
    ),
    _spec("states:ListStateMachines", "ListStateMachines", None),
    _spec("ecs:DescribeServices", "DescribeServices", "service", _ecs_services),
    _spec("ecs:ListClusters", "ListClusters", None),
    _spec("eks:DescribeCluster", "DescribeCluster", "cluster", _named("name", "ClusterName")),
    _spec("eks:ListClusters", "ListClusters", None),
    _spec("codebuild:StartBuild", "StartBuild", "project", _codebuild, read=False),
    _spec("codebuild:BatchGetBuilds", "BatchGetBuilds", None),
    _spec("glue:GetTable", "GetTable", "table", _glue_table),
    _spec("glue:GetDatabases", "GetDatabases", None),
    _spec("athena:ListWorkGroups", "ListWorkGroups", None),
    _spec("rds:DescribeDBInstances", "DescribeDBInstances", None),
    _spec("cloudtrail:DescribeTrails", "DescribeTrails", None),
    _spec("tag:GetResources", "GetResources", None, source="tagging.amazonaws.com"),
    _spec(
        "elasticloadbalancing:DescribeLoadBalancers",
        "DescribeLoadBalancers",
        None,
    ),
    _spec("autoscaling:DescribeAutoScalingGroups", "DescribeAutoScalingGroups", None),
    _spec("organizations:DescribeOrganization", "DescribeOrganization", None, region=_IAM),
)
"""Every action the generator may use, with the records its calls leave."""

BY_ACTION: dict[str, EventSpec] = {spec.action.lower(): spec for spec in SPECS}
