"""Small builders for AWS inventories used by the evaluator tests (pure data, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable

from overgrant.model import (
    Cloud,
    Grant,
    GrantPurpose,
    Identity,
    IdentityId,
    IdentityKind,
    Inventory,
    JsonValue,
    PermissionSet,
    PermissionSetId,
    PermissionSetKind,
    Resource,
    ResourceId,
    Scope,
    ScopeId,
    ScopeKind,
    ScopePolicy,
    ScopePolicyKind,
)

ACCOUNT = "111122223333"
OTHER = "444455556666"
V2012 = "2012-10-17"


def role(name: str, account: str = ACCOUNT, **fields: object) -> Identity:
    """An IAM role in ``account``."""
    return Identity(
        id=IdentityId(f"arn:aws:iam::{account}:role/{name}"),
        cloud=Cloud.AWS,
        kind=IdentityKind.ROLE,
        name=name.rsplit("/", 1)[-1],
        container=ScopeId(account),
        **fields,  # type: ignore[arg-type]
    )


def user(name: str, account: str = ACCOUNT, **fields: object) -> Identity:
    """An IAM user in ``account``."""
    return Identity(
        id=IdentityId(f"arn:aws:iam::{account}:user/{name}"),
        cloud=Cloud.AWS,
        kind=IdentityKind.USER,
        name=name,
        container=ScopeId(account),
        **fields,  # type: ignore[arg-type]
    )


def group(name: str, account: str = ACCOUNT) -> Identity:
    """An IAM group in ``account``."""
    return Identity(
        id=IdentityId(f"arn:aws:iam::{account}:group/{name}"),
        cloud=Cloud.AWS,
        kind=IdentityKind.GROUP,
        name=name,
        container=ScopeId(account),
    )


def statement(
    effect: str, action: JsonValue = None, resource: JsonValue = "*", **more: JsonValue
) -> dict[str, JsonValue]:
    """A statement; ``action`` may be a string or list; extra elements by keyword."""
    body: dict[str, JsonValue] = {"Effect": effect}
    if action is not None:
        body["Action"] = action
    if resource is not None:
        body["Resource"] = resource
    body.update(more)
    return body


def allow(
    action: JsonValue = None, resource: JsonValue = "*", **more: JsonValue
) -> dict[str, JsonValue]:
    """An Allow statement."""
    return statement("Allow", action, resource, **more)


def deny(
    action: JsonValue = None, resource: JsonValue = "*", **more: JsonValue
) -> dict[str, JsonValue]:
    """A Deny statement."""
    return statement("Deny", action, resource, **more)


def document(
    *statements: dict[str, JsonValue], version: str | None = V2012
) -> dict[str, JsonValue]:
    """A policy document; ``version=None`` leaves ``Version`` out."""
    body: dict[str, JsonValue] = {"Statement": list(statements)}
    if version is not None:
        body["Version"] = version
    return body


def policy(
    set_id: str,
    *statements: dict[str, JsonValue],
    version: str | None = V2012,
    kind: PermissionSetKind = PermissionSetKind.MANAGED_POLICY,
) -> PermissionSet:
    """A permission set holding a document made of ``statements``."""
    return PermissionSet(
        id=PermissionSetId(set_id),
        cloud=Cloud.AWS,
        kind=kind,
        name=set_id.rsplit("/", 1)[-1],
        document=document(*statements, version=version),
    )


def grant(identity: Identity, permission_set: PermissionSet, *, boundary: bool = False) -> Grant:
    """Attach ``permission_set`` to ``identity`` (as its boundary when asked)."""
    return Grant(
        identity=identity.id,
        permission_set=permission_set.id,
        scope=identity.container,
        purpose=GrantPurpose.BOUNDARY if boundary else GrantPurpose.ALLOW,
    )


def bucket(
    name: str, account: str, policy_set: PermissionSet | None = None, **fields: object
) -> Resource:
    """An S3 bucket, optionally with a bucket policy."""
    return Resource(
        id=ResourceId(f"arn:aws:s3:::{name}"),
        cloud=Cloud.AWS,
        type="s3:bucket",
        container=ScopeId(account),
        name=name,
        policy=None if policy_set is None else policy_set.id,
        **fields,  # type: ignore[arg-type]
    )


def organization(
    accounts: Iterable[str],
    *,
    org_id: str = "o-exampleorg",
    management: str | None = None,
    ou: str = "ou-ab12-11111111",
    root: str = "r-ab12",
) -> tuple[Scope, ...]:
    """An organization: a root, one OU, and ``accounts`` under the OU (management: the root)."""
    scopes = [
        Scope(id=ScopeId(org_id), cloud=Cloud.AWS, kind=ScopeKind.ORGANIZATION, name="org"),
        Scope(
            id=ScopeId(root),
            cloud=Cloud.AWS,
            kind=ScopeKind.ORGANIZATION_ROOT,
            name="Root",
            parent=ScopeId(org_id),
        ),
        Scope(
            id=ScopeId(ou),
            cloud=Cloud.AWS,
            kind=ScopeKind.ORGANIZATIONAL_UNIT,
            name="Workloads",
            parent=ScopeId(root),
        ),
    ]
    for account in accounts:
        parent = root if account == management else ou
        scopes.append(
            Scope(
                id=ScopeId(account),
                cloud=Cloud.AWS,
                kind=ScopeKind.ACCOUNT,
                name=account,
                parent=ScopeId(parent),
                attributes={"management_account": account == management},
            )
        )
    return tuple(scopes)


def attach(scope: str, permission_set: PermissionSet, *, rcp: bool = False) -> ScopePolicy:
    """Attach an SCP (or RCP) to a scope."""
    kind = (
        ScopePolicyKind.RESOURCE_CONTROL_POLICY if rcp else ScopePolicyKind.SERVICE_CONTROL_POLICY
    )
    return ScopePolicy(scope=ScopeId(scope), permission_set=permission_set.id, kind=kind)


FULL_AWS_ACCESS = policy(
    "p-FullAWSAccess", allow("*"), kind=PermissionSetKind.SERVICE_CONTROL_POLICY
)


def resource(
    arn: str, kind: str, account: str, policy_set: PermissionSet | None = None
) -> Resource:
    """Any resource with an optional resource-based policy."""
    return Resource(
        id=ResourceId(arn),
        cloud=Cloud.AWS,
        type=kind,
        container=ScopeId(account),
        policy=None if policy_set is None else policy_set.id,
    )


def inventory(**parts: Iterable[object]) -> Inventory:
    """An inventory from keyword parts given as any iterables."""
    return Inventory(**{name: tuple(items) for name, items in parts.items()})  # type: ignore[arg-type]
