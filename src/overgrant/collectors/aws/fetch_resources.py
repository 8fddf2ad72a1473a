"""Resource policies: S3 buckets, KMS keys, Lambda functions, SQS queues, SNS topics, secrets.

I/O only. Each function lists one kind of resource and reads the policy of each, returning
the listing entries with the policy added in the service's own field name; the listing itself
may raise (the caller records that as a gap for the whole kind), while a failed read of one
resource's policy is recorded here and that resource is left out, so that "could not read"
never looks like "has no policy". :mod:`~overgrant.collectors.aws.resources` turns the
results into resources and permission sets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import ClientError

from overgrant.collectors.aws.gaps import GapRecorder, error_code
from overgrant.collectors.aws.session import Client

_Reader = Callable[[], dict[str, Any]]


def _absent_when(codes: frozenset[str], read: _Reader) -> _Reader:
    """Wrap ``read`` so that the error codes meaning "no policy" give an empty reply."""

    def reader() -> dict[str, Any]:
        try:
            return read()
        except ClientError as error:
            if error_code(error) in codes:
                return {}
            raise

    return reader


def _read_each(
    recorder: GapRecorder,
    operation: str,
    affects: str,
    items: Iterable[tuple[str, dict[str, Any], _Reader]],
) -> list[dict[str, Any]]:
    """Run one policy read per item; merge each reply into its item, or leave a failed one out."""
    out: list[dict[str, Any]] = []
    for target, item, read in items:
        reply = recorder.call_for(operation, affects, target, read)
        if reply is not None:
            reply.pop("ResponseMetadata", None)
            out.append({**item, **reply})
    return out


def _paginated(client: Client, operation: str, key: str, **params: Any) -> list[Any]:
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**params):
        items.extend(page.get(key) or ())
    return items


def fetch_bucket_policies(s3: Client, recorder: GapRecorder) -> list[dict[str, Any]]:
    """``ListBuckets`` entries with ``Policy`` (the JSON string) when the bucket has one."""
    buckets = s3.list_buckets().get("Buckets") or []

    def reader(name: str) -> _Reader:
        # S3 answers NoSuchBucketPolicy (404) for a bucket without a policy.
        return _absent_when(
            frozenset({"NoSuchBucketPolicy"}), lambda: s3.get_bucket_policy(Bucket=name)
        )

    items = ((b["Name"], b, reader(b["Name"])) for b in buckets)
    return _read_each(recorder, "s3:GetBucketPolicy", "bucket policies of S3 buckets", items)


def fetch_key_policies(kms: Client, recorder: GapRecorder) -> list[dict[str, Any]]:
    """``ListKeys`` entries with ``Policy``: every KMS key has a key policy named ``default``."""
    keys = _paginated(kms, "list_keys", "Keys")

    def reader(key_id: str) -> _Reader:
        return lambda: kms.get_key_policy(KeyId=key_id, PolicyName="default")

    items = ((k["KeyArn"], k, reader(k["KeyId"])) for k in keys)
    return _read_each(recorder, "kms:GetKeyPolicy", "key policies of KMS keys", items)


def fetch_function_policies(
    lambda_client: Client, functions: Iterable[dict[str, Any]], recorder: GapRecorder
) -> list[dict[str, Any]]:
    """``ListFunctions`` entries (listed by the caller) with ``Policy`` when one exists."""

    def reader(arn: str) -> _Reader:
        # Lambda answers ResourceNotFoundException for a function without a resource policy.
        return _absent_when(
            frozenset({"ResourceNotFoundException"}),
            lambda: lambda_client.get_policy(FunctionName=arn),
        )

    items = ((f["FunctionArn"], f, reader(f["FunctionArn"])) for f in functions)
    return _read_each(recorder, "lambda:GetPolicy", "resource policies of Lambda functions", items)


def fetch_queue_policies(sqs: Client, recorder: GapRecorder) -> list[dict[str, Any]]:
    """``{"QueueUrl", "Attributes": {"QueueArn", "Policy"?}}`` for every SQS queue."""
    urls = _paginated(sqs, "list_queues", "QueueUrls")

    def reader(url: str) -> _Reader:
        return lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "Policy"])

    items = ((url, {"QueueUrl": url}, reader(url)) for url in urls)
    return _read_each(recorder, "sqs:GetQueueAttributes", "access policies of SQS queues", items)


def fetch_topic_policies(sns: Client, recorder: GapRecorder) -> list[dict[str, Any]]:
    """``{"TopicArn", "Attributes": {"Policy"...}}`` for every SNS topic."""
    topics = _paginated(sns, "list_topics", "Topics")

    def reader(arn: str) -> _Reader:
        return lambda: sns.get_topic_attributes(TopicArn=arn)

    items = ((t["TopicArn"], t, reader(t["TopicArn"])) for t in topics)
    return _read_each(recorder, "sns:GetTopicAttributes", "access policies of SNS topics", items)


def fetch_secret_policies(secrets: Client, recorder: GapRecorder) -> list[dict[str, Any]]:
    """``ListSecrets`` entries with ``ResourcePolicy`` when the secret has one."""
    listed = _paginated(secrets, "list_secrets", "SecretList")

    def reader(arn: str) -> _Reader:
        return lambda: secrets.get_resource_policy(SecretId=arn)

    items = ((s["ARN"], s, reader(s["ARN"])) for s in listed)
    return _read_each(
        recorder, "secretsmanager:GetResourcePolicy", "resource policies of secrets", items
    )
