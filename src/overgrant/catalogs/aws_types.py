"""Plain records of AWS actions, resource types and services (Service Authorization data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class AccessLevel(StrEnum):
    """The access level AWS's Service Authorization Reference assigns to each action."""

    LIST = "List"
    READ = "Read"
    WRITE = "Write"
    TAGGING = "Tagging"
    PERMISSIONS_MANAGEMENT = "Permissions management"


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionResource:
    """One row of an action's resource-type table in the Service Authorization Reference."""

    resource_type: str
    """Resource type name (``bucket``, ``role``); empty when the row applies to ``"*"``."""
    required: bool
    """Whether a request for the action always names a resource of this type."""
    condition_keys: tuple[str, ...] = ()
    dependent_actions: tuple[str, ...] = ()
    """Actions that AWS also checks when this one is requested on this resource type."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AwsAction:
    """An IAM action known to the catalog."""

    name: str
    """Canonical spelling, ``service:ActionName`` (``s3:GetObject``)."""
    service: str
    """The service prefix (``s3``)."""
    access_level: AccessLevel
    resources: tuple[ActionResource, ...] = ()
    index: int = -1
    """Bit position of the action in the catalog's action sets."""

    @property
    def condition_keys(self) -> tuple[str, ...]:
        """Every condition key the action supports, over all its resource types, in order."""
        seen: dict[str, None] = {}
        for row in self.resources:
            for key in row.condition_keys:
                seen.setdefault(key, None)
        return tuple(seen)

    @property
    def resource_types(self) -> tuple[str, ...]:
        """Names of the resource types the action acts on (without the ``"*"`` row)."""
        return tuple(row.resource_type for row in self.resources if row.resource_type)


@dataclass(frozen=True, slots=True, kw_only=True)
class AwsResourceType:
    """A resource type of a service, with its ARN format."""

    service: str
    name: str
    arn: str
    """ARN template such as ``arn:${Partition}:s3:::${BucketName}``."""
    condition_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AwsService:
    """A service: its prefix, resource types and condition keys (key -> value type)."""

    prefix: str
    name: str
    resource_types: Mapping[str, AwsResourceType] = field(default_factory=dict)
    condition_keys: Mapping[str, str] = field(default_factory=dict)
    """Condition key -> type as AWS documents it (``String``, ``ARN``, ``ArrayOfString``...)."""
