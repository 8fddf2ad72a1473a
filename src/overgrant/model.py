"""The cloud-neutral inventory: plain, frozen data shared by every part of overgrant.

Collectors and importers produce an :class:`Inventory`; the graph, rules and remediation read it.
Nothing here does I/O or knows a cloud SDK. Documents that a cloud defines (AWS policy documents,
Azure role definitions, GCP roles and binding conditions) are kept verbatim as :data:`JsonValue` so
that evaluation can follow each cloud's own semantics and reports can quote the source exactly.

Identifiers are plain strings with a :func:`typing.NewType` for each namespace:

* identities: an AWS ARN, an Entra object id, a GCP member such as
  ``serviceAccount:x@p.iam.gserviceaccount.com``;
* scopes: an AWS account id (``123456789012``), OU (``ou-...``), root (``r-...``) or organization
  (``o-...``); an Azure resource id (``/subscriptions/...``) or management group id; a GCP resource
  name (``organizations/1``, ``folders/2``, ``projects/p``);
* permission sets: the managed policy ARN, or ``<holder>#inline/<name>`` for inline documents,
  ``<role arn>#trust`` for trust policies and ``<resource arn>#policy`` for resource policies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NewType, Protocol, TypeAlias, TypeVar

JsonValue: TypeAlias = dict[str, "JsonValue"] | list["JsonValue"] | str | int | float | bool | None
"""A verbatim cloud document (policy, role definition, condition) as parsed from JSON."""

IdentityId = NewType("IdentityId", str)
ScopeId = NewType("ScopeId", str)
PermissionSetId = NewType("PermissionSetId", str)
ResourceId = NewType("ResourceId", str)
CredentialId = NewType("CredentialId", str)
WorkloadId = NewType("WorkloadId", str)
ProviderId = NewType("ProviderId", str)


class Cloud(StrEnum):
    AWS = "aws"
    AZURE = "azure"
    GCP = "gcp"


class IdentityKind(StrEnum):
    """What sort of principal an identity is, in its cloud's own vocabulary."""

    ROLE = "role"  # AWS IAM role
    USER = "user"  # AWS IAM user, Entra user
    GROUP = "group"  # AWS IAM group, Entra group, Google group
    ROOT = "root"  # AWS account root user
    SERVICE_PRINCIPAL = "service_principal"
    MANAGED_IDENTITY_SYSTEM = "managed_identity_system"
    MANAGED_IDENTITY_USER = "managed_identity_user"
    SERVICE_ACCOUNT = "service_account"  # GCP service account


class Nature(StrEnum):
    """Whether a person or a workload uses the identity (decided with a stated reason)."""

    HUMAN = "human"
    WORKLOAD = "workload"
    UNKNOWN = "unknown"


class CredentialKind(StrEnum):
    ACCESS_KEY = "access_key"  # AWS access key
    PASSWORD = "password"  # AWS console login profile
    MFA_DEVICE = "mfa_device"
    SERVICE_ACCOUNT_KEY = "service_account_key"
    CLIENT_SECRET = "client_secret"  # Entra application password
    CERTIFICATE = "certificate"  # Entra key credential
    FEDERATED = "federated"  # Entra federated identity credential


class PermissionSetKind(StrEnum):
    MANAGED_POLICY = "managed_policy"  # AWS managed or customer managed policy
    INLINE_POLICY = "inline_policy"
    SERVICE_CONTROL_POLICY = "service_control_policy"
    RESOURCE_CONTROL_POLICY = "resource_control_policy"
    TRUST_POLICY = "trust_policy"
    RESOURCE_POLICY = "resource_policy"
    ROLE_DEFINITION = "role_definition"  # Azure
    ROLE = "role"  # GCP predefined or custom role
    DENY_POLICY = "deny_policy"  # GCP IAM deny policy, Azure deny assignment


class GrantPurpose(StrEnum):
    """How a permission set applies to the identity that holds it."""

    ALLOW = "allow"  # grants permissions (may still contain Deny statements)
    BOUNDARY = "boundary"  # AWS permissions boundary: caps, never grants


class ScopeKind(StrEnum):
    ORGANIZATION = "organization"  # AWS organization, GCP organization
    ORGANIZATION_ROOT = "organization_root"  # AWS organization root (r-...)
    ORGANIZATIONAL_UNIT = "organizational_unit"
    ACCOUNT = "account"
    TENANT = "tenant"
    MANAGEMENT_GROUP = "management_group"
    SUBSCRIPTION = "subscription"
    RESOURCE_GROUP = "resource_group"
    FOLDER = "folder"
    PROJECT = "project"
    RESOURCE = "resource"


class ScopePolicyKind(StrEnum):
    SERVICE_CONTROL_POLICY = "service_control_policy"
    RESOURCE_CONTROL_POLICY = "resource_control_policy"
    DENY = "deny"  # Azure deny assignment, GCP deny policy


class WorkloadKind(StrEnum):
    EC2_INSTANCE = "ec2_instance"
    LAMBDA_FUNCTION = "lambda_function"
    ECS_TASK_DEFINITION = "ecs_task_definition"
    VIRTUAL_MACHINE = "virtual_machine"
    APP_SERVICE = "app_service"
    GCE_INSTANCE = "gce_instance"
    CLOUD_RUN_SERVICE = "cloud_run_service"
    CLOUD_FUNCTION = "cloud_function"
    OTHER = "other"


class ProviderKind(StrEnum):
    OIDC = "oidc"
    SAML = "saml"


class GapReason(StrEnum):
    ACCESS_DENIED = "access_denied"
    THROTTLED = "throttled"
    NOT_FOUND = "not_found"
    ERROR = "error"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """A node of a cloud's resource hierarchy: organization, OU, account, subscription, project."""

    id: ScopeId
    cloud: Cloud
    kind: ScopeKind
    name: str
    parent: ScopeId | None = None
    """The scope that contains this one; ``None`` at the top of the hierarchy."""
    tags: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, JsonValue] = field(default_factory=dict)
    """Cloud-specific facts, e.g. ``{"management_account": true}`` for an AWS org's payer."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Identity:
    """A principal that can hold permissions: a role, user, group, service principal or account."""

    id: IdentityId
    cloud: Cloud
    kind: IdentityKind
    name: str
    container: ScopeId
    """The account, subscription/tenant or project that owns the identity."""
    nature: Nature = Nature.UNKNOWN
    nature_reason: str = ""
    """Why :attr:`nature` was decided, in one short sentence (evidence a reviewer can check)."""
    created: datetime | None = None
    last_used: datetime | None = None
    last_used_region: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    owners: tuple[str, ...] = ()
    """Owners the cloud records outside tags (Entra application owners, for instance)."""
    member_of: tuple[IdentityId, ...] = ()
    """Groups the identity belongs to."""
    trust_policy: PermissionSetId | None = None
    """The permission set saying who may become this identity (AWS role trust policy)."""
    attributes: Mapping[str, JsonValue] = field(default_factory=dict)
    """Cloud-specific facts: AWS ``path``, ``unique_id``, ``max_session_duration``..."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Credential:
    """A long-lived secret or factor held by an identity."""

    id: CredentialId
    cloud: Cloud
    kind: CredentialKind
    identity: IdentityId
    active: bool = True
    created: datetime | None = None
    last_used: datetime | None = None
    last_used_service: str | None = None
    last_used_region: str | None = None
    expires: datetime | None = None
    attributes: Mapping[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class PermissionSet:
    """A policy or role in its cloud's own terms; ``document`` is exactly what the cloud gave."""

    id: PermissionSetId
    cloud: Cloud
    kind: PermissionSetKind
    name: str
    document: JsonValue
    builtin: bool = False
    """Defined by the provider: AWS managed policy, Azure built-in role, GCP predefined role."""
    container: ScopeId | None = None
    """Where a custom permission set is defined; ``None`` for provider-defined ones."""
    version: str | None = None
    attributes: Mapping[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Grant:
    """An identity holds a permission set at a scope (attachment, role assignment or binding)."""

    identity: IdentityId
    permission_set: PermissionSetId
    scope: ScopeId
    """Where the grant applies: the AWS account, the Azure assignment scope, the GCP resource."""
    purpose: GrantPurpose = GrantPurpose.ALLOW
    condition: JsonValue = None
    """A condition on the grant itself (Azure ABAC condition, GCP binding condition), verbatim."""
    attributes: Mapping[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopePolicy:
    """A guardrail attached to a scope: SCP, RCP, Azure deny assignment, GCP deny policy."""

    scope: ScopeId
    permission_set: PermissionSetId
    kind: ScopePolicyKind


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """A resource that carries its own access policy (S3 bucket, KMS key, queue, secret...)."""

    id: ResourceId
    cloud: Cloud
    type: str
    """Service-qualified type such as ``s3:bucket`` or ``kms:key``."""
    container: ScopeId
    name: str = ""
    policy: PermissionSetId | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Workload:
    """Compute that runs as identities: instance profile, Lambda role, managed identity."""

    id: WorkloadId
    cloud: Cloud
    kind: WorkloadKind
    name: str
    container: ScopeId
    identities: tuple[IdentityId, ...]
    attributes: Mapping[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class FederationProvider:
    """An external identity provider trusted by a cloud (OIDC or SAML)."""

    id: ProviderId
    cloud: Cloud
    kind: ProviderKind
    container: ScopeId
    url: str = ""
    """Issuer URL for OIDC (``token.actions.githubusercontent.com``); empty for SAML."""
    audiences: tuple[str, ...] = ()
    created: datetime | None = None
    attributes: Mapping[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverageGap:
    """Something the collector could not read: the report must never call this part clean."""

    cloud: Cloud
    scope: ScopeId
    operation: str
    """The API that failed, such as ``iam:GetAccountAuthorizationDetails``."""
    reason: GapReason
    message: str = ""
    affects: str = ""
    """What is missing as a result, such as ``identities`` or ``resource policies (s3)``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where part of the inventory came from: a live collection or an imported export."""

    kind: str
    """``aws-live``, ``aws-authz-export``, ``aws-organizations-export``, ``sample``..."""
    cloud: Cloud
    detail: str = ""
    collected_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Inventory:
    """Everything overgrant knows about an estate, for every cloud at once."""

    scopes: tuple[Scope, ...] = ()
    identities: tuple[Identity, ...] = ()
    credentials: tuple[Credential, ...] = ()
    permission_sets: tuple[PermissionSet, ...] = ()
    grants: tuple[Grant, ...] = ()
    scope_policies: tuple[ScopePolicy, ...] = ()
    resources: tuple[Resource, ...] = ()
    workloads: tuple[Workload, ...] = ()
    federation_providers: tuple[FederationProvider, ...] = ()
    coverage_gaps: tuple[CoverageGap, ...] = ()
    sources: tuple[Source, ...] = ()

    def merge(self, other: Inventory) -> Inventory:
        """Combine two inventories; the first occurrence of an id wins where both hold it."""
        return merge_inventories((self, other))


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_HasId)
_V = TypeVar("_V")


def _unique_by_id(groups: Iterable[Iterable[_T]]) -> tuple[_T, ...]:
    seen: dict[str, _T] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item.id, item)
    return tuple(seen.values())


def _unique_by_value(groups: Iterable[Iterable[_V]]) -> tuple[_V, ...]:
    # The dataclasses hold dicts and so are unhashable; repr is deterministic for them.
    seen: dict[str, _V] = {}
    for group in groups:
        for item in group:
            seen.setdefault(repr(item), item)
    return tuple(seen.values())


def merge_inventories(parts: Sequence[Inventory]) -> Inventory:
    """Combine several inventories (accounts collected apart, several exports) into one.

    Objects with an id are de-duplicated by id, the first occurrence winning (AWS managed
    policies appear in every account's export); the rest are de-duplicated by value.
    """
    return Inventory(
        scopes=_unique_by_id(p.scopes for p in parts),
        identities=_unique_by_id(p.identities for p in parts),
        credentials=_unique_by_id(p.credentials for p in parts),
        permission_sets=_unique_by_id(p.permission_sets for p in parts),
        grants=_unique_by_value(p.grants for p in parts),
        scope_policies=_unique_by_value(p.scope_policies for p in parts),
        resources=_unique_by_id(p.resources for p in parts),
        workloads=_unique_by_id(p.workloads for p in parts),
        federation_providers=_unique_by_id(p.federation_providers for p in parts),
        coverage_gaps=_unique_by_value(p.coverage_gaps for p in parts),
        sources=_unique_by_value(p.sources for p in parts),
    )
