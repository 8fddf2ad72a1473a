"""From resource listings with their policies to resources and resource-policy permission sets.

Pure. The input holds, per kind, the entries that
:mod:`~overgrant.collectors.aws.fetch_resources` returns (all regions together)::

    {"Buckets": [...], "Keys": [...], "Functions": [...], "Queues": [...], "Topics": [...],
     "Secrets": [...]}

A resource without a policy is kept with ``policy=None``: it was read and has none, which is
different from a resource whose policy could not be read (left out, with a coverage gap).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from overgrant.collectors.aws.documents import decode_policy_document
from overgrant.model import (
    Cloud,
    Inventory,
    PermissionSet,
    PermissionSetId,
    PermissionSetKind,
    Resource,
    ResourceId,
    ScopeId,
)

_Entry = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Shape:
    """Where one service keeps a resource's ARN, name and policy in its listing entries."""

    type: str
    arn: Callable[[_Entry, str], str]
    """ARN from the entry and the partition (S3 listings carry only the bucket name)."""
    name: Callable[[_Entry], str]
    policy: Callable[[_Entry], object]


def _attributes(entry: _Entry) -> Mapping[str, Any]:
    return entry.get("Attributes") or {}


SHAPES: dict[str, _Shape] = {
    "Buckets": _Shape(
        type="s3:bucket",
        arn=lambda e, partition: f"arn:{partition}:s3:::{e['Name']}",
        name=lambda e: str(e["Name"]),
        policy=lambda e: e.get("Policy"),
    ),
    "Keys": _Shape(
        type="kms:key",
        arn=lambda e, _: str(e["KeyArn"]),
        name=lambda e: str(e["KeyId"]),
        policy=lambda e: e.get("Policy"),
    ),
    "Functions": _Shape(
        type="lambda:function",
        arn=lambda e, _: str(e["FunctionArn"]),
        name=lambda e: str(e.get("FunctionName") or e["FunctionArn"].rsplit(":", 1)[-1]),
        policy=lambda e: e.get("Policy"),
    ),
    "Queues": _Shape(
        type="sqs:queue",
        arn=lambda e, _: str(_attributes(e)["QueueArn"]),
        name=lambda e: str(e["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1],
        policy=lambda e: _attributes(e).get("Policy"),
    ),
    "Topics": _Shape(
        type="sns:topic",
        arn=lambda e, _: str(e["TopicArn"]),
        name=lambda e: str(e["TopicArn"]).rsplit(":", 1)[-1],
        policy=lambda e: _attributes(e).get("Policy"),
    ),
    "Secrets": _Shape(
        type="secretsmanager:secret",
        arn=lambda e, _: str(e["ARN"]),
        name=lambda e: str(e.get("Name") or e["ARN"]),
        policy=lambda e: e.get("ResourcePolicy"),
    ),
}
"""One entry per kind of resource the collector reads; the key is the input's list name."""


def to_resource_policies(
    listings: Mapping[str, Any], *, account: str, where: str, partition: str = "aws"
) -> Inventory:
    """Resources and their policies (``<resource arn>#policy``) for one account.

    Raises:
        ExportError: a policy is not a JSON object (``where`` names the account).
    """
    resources: list[Resource] = []
    permission_sets: list[PermissionSet] = []
    scope = ScopeId(account)
    for key, shape in SHAPES.items():
        for entry in listings.get(key) or ():
            arn = shape.arn(entry, partition)
            name = shape.name(entry)
            raw = shape.policy(entry)
            policy_id = None
            if raw:
                policy_id = PermissionSetId(f"{arn}#policy")
                permission_sets.append(
                    PermissionSet(
                        id=policy_id,
                        cloud=Cloud.AWS,
                        kind=PermissionSetKind.RESOURCE_POLICY,
                        name=f"{name} resource policy",
                        document=decode_policy_document(raw, f"{where}: policy of {arn}"),
                        container=scope,
                    )
                )
            resources.append(
                Resource(
                    id=ResourceId(arn),
                    cloud=Cloud.AWS,
                    type=shape.type,
                    container=scope,
                    name=name,
                    policy=policy_id,
                )
            )
    return Inventory(resources=tuple(resources), permission_sets=tuple(permission_sets))
