"""From IAM authorization details (``GetAccountAuthorizationDetails``) to the inventory.

Pure: the same function reads a page set fetched live by boto3 and a file written by
``aws iam get-account-authorization-details``, which is what makes a live collection and an
import of the same account give the same identities and documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from overgrant.codec import parse_datetime
from overgrant.collectors.aws.documents import decode_policy_document
from overgrant.collectors.aws.nature import classify_role, classify_user
from overgrant.errors import ExportError
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
    Scope,
    ScopeId,
    ScopeKind,
    Source,
)

DETAIL_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")


def account_of(arn: str) -> str:
    """The account field of an ARN (``aws`` for AWS managed policies)."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise ValueError(f"not an ARN: {arn!r}")
    return parts[4]


def when(value: object) -> datetime | None:
    """A timestamp as boto3 (datetime) or the CLI (ISO string) gives it."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return parse_datetime(value.isoformat())
    if isinstance(value, str):
        return parse_datetime(value)
    raise ValueError(f"not a timestamp: {value!r}")


def tags_of(entry: Mapping[str, Any]) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in entry.get("Tags") or ()}


class _Builder:
    """Accumulates inventory parts for one authorization-details document."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.identities: list[Identity] = []
        self.permission_sets: dict[str, PermissionSet] = {}
        self.grants: list[Grant] = []
        self.accounts: set[str] = set()

    def require(self, entry: Mapping[str, Any], key: str, pointer: str) -> Any:
        value = entry.get(key)
        if value is None or value == "":
            raise ExportError(f"{self.where}: {pointer}/{key} is missing")
        return value

    def add_managed_policy(self, entry: Mapping[str, Any], pointer: str) -> None:
        arn: str = self.require(entry, "Arn", pointer)
        default_id = entry.get("DefaultVersionId")
        default_doc: JsonValue = None
        other_versions: list[JsonValue] = []
        for index, version in enumerate(entry.get("PolicyVersionList") or ()):
            doc = decode_policy_document(
                version.get("Document"), f"{self.where}: {pointer}/PolicyVersionList/{index}"
            )
            if version.get("IsDefaultVersion") or version.get("VersionId") == default_id:
                default_doc = doc
            else:
                other_versions.append({"version_id": version.get("VersionId"), "document": doc})
        if default_doc is None:
            raise ExportError(f"{self.where}: {pointer} has no default policy version")
        account = account_of(arn)
        attributes: dict[str, JsonValue] = {"path": entry.get("Path", "/")}
        if other_versions:
            attributes["other_versions"] = other_versions
        self.permission_sets[arn] = PermissionSet(
            id=PermissionSetId(arn),
            cloud=Cloud.AWS,
            kind=PermissionSetKind.MANAGED_POLICY,
            name=entry.get("PolicyName") or arn.rsplit("/", 1)[-1],
            document=default_doc,
            builtin=account == "aws",
            container=None if account == "aws" else ScopeId(account),
            version=default_id,
            attributes=attributes,
        )

    def add_policies_of(
        self, holder: str, account: str, entry: Mapping[str, Any], inline_key: str, pointer: str
    ) -> None:
        """Inline documents, attached managed policies and the boundary of one identity."""
        scope = ScopeId(account)
        for index, inline in enumerate(entry.get(inline_key) or ()):
            name = self.require(inline, "PolicyName", f"{pointer}/{inline_key}/{index}")
            pset_id = PermissionSetId(f"{holder}#inline/{name}")
            self.permission_sets[pset_id] = PermissionSet(
                id=pset_id,
                cloud=Cloud.AWS,
                kind=PermissionSetKind.INLINE_POLICY,
                name=name,
                document=decode_policy_document(
                    inline.get("PolicyDocument"), f"{self.where}: {pointer}/{inline_key}/{index}"
                ),
                container=scope,
            )
            self.grants.append(
                Grant(identity=IdentityId(holder), permission_set=pset_id, scope=scope)
            )
        for index, attached in enumerate(entry.get("AttachedManagedPolicies") or ()):
            arn = self.require(attached, "PolicyArn", f"{pointer}/AttachedManagedPolicies/{index}")
            self.grants.append(
                Grant(identity=IdentityId(holder), permission_set=PermissionSetId(arn), scope=scope)
            )
        boundary = (entry.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        if boundary:
            self.grants.append(
                Grant(
                    identity=IdentityId(holder),
                    permission_set=PermissionSetId(boundary),
                    scope=scope,
                    purpose=GrantPurpose.BOUNDARY,
                )
            )

    def add_role(self, entry: Mapping[str, Any], pointer: str) -> None:
        arn: str = self.require(entry, "Arn", pointer)
        account = account_of(arn)
        self.accounts.add(account)
        name = entry.get("RoleName") or arn.rsplit("/", 1)[-1]
        path = entry.get("Path", "/")
        trust = decode_policy_document(
            self.require(entry, "AssumeRolePolicyDocument", pointer),
            f"{self.where}: {pointer}/AssumeRolePolicyDocument",
        )
        trust_id = PermissionSetId(f"{arn}#trust")
        self.permission_sets[trust_id] = PermissionSet(
            id=trust_id,
            cloud=Cloud.AWS,
            kind=PermissionSetKind.TRUST_POLICY,
            name=f"{name} trust policy",
            document=trust,
            container=ScopeId(account),
        )
        nature, reason = classify_role(name, path, trust)
        last_used = entry.get("RoleLastUsed") or {}
        attributes: dict[str, JsonValue] = {"path": path, "unique_id": entry.get("RoleId", "")}
        profiles = [p["Arn"] for p in entry.get("InstanceProfileList") or () if p.get("Arn")]
        if profiles:
            attributes["instance_profiles"] = profiles
        if entry.get("MaxSessionDuration"):
            attributes["max_session_duration"] = entry["MaxSessionDuration"]
        self.identities.append(
            Identity(
                id=IdentityId(arn),
                cloud=Cloud.AWS,
                kind=IdentityKind.ROLE,
                name=name,
                container=ScopeId(account),
                nature=nature,
                nature_reason=reason,
                created=when(entry.get("CreateDate")),
                last_used=when(last_used.get("LastUsedDate")),
                last_used_region=last_used.get("Region"),
                tags=tags_of(entry),
                trust_policy=trust_id,
                attributes=attributes,
            )
        )
        self.add_policies_of(arn, account, entry, "RolePolicyList", pointer)

    def add_user(self, entry: Mapping[str, Any], pointer: str, groups: Mapping[str, str]) -> None:
        arn: str = self.require(entry, "Arn", pointer)
        account = account_of(arn)
        self.accounts.add(account)
        member_of = tuple(
            IdentityId(groups.get(g) or f"arn:aws:iam::{account}:group/{g}")
            for g in entry.get("GroupList") or ()
        )
        nature, reason = classify_user(has_password=None, has_mfa=None, active_keys=None)
        self.identities.append(
            Identity(
                id=IdentityId(arn),
                cloud=Cloud.AWS,
                kind=IdentityKind.USER,
                name=entry.get("UserName") or arn.rsplit("/", 1)[-1],
                container=ScopeId(account),
                nature=nature,
                nature_reason=reason,
                created=when(entry.get("CreateDate")),
                tags=tags_of(entry),
                member_of=member_of,
                attributes={"path": entry.get("Path", "/"), "unique_id": entry.get("UserId", "")},
            )
        )
        self.add_policies_of(arn, account, entry, "UserPolicyList", pointer)

    def add_group(self, entry: Mapping[str, Any], pointer: str) -> None:
        arn: str = self.require(entry, "Arn", pointer)
        account = account_of(arn)
        self.accounts.add(account)
        self.identities.append(
            Identity(
                id=IdentityId(arn),
                cloud=Cloud.AWS,
                kind=IdentityKind.GROUP,
                name=entry.get("GroupName") or arn.rsplit("/", 1)[-1],
                container=ScopeId(account),
                nature_reason="a group: its members decide who uses its permissions",
                created=when(entry.get("CreateDate")),
                attributes={"path": entry.get("Path", "/"), "unique_id": entry.get("GroupId", "")},
            )
        )
        self.add_policies_of(arn, account, entry, "GroupPolicyList", pointer)


def _entries(details: Mapping[str, Any], key: str, where: str) -> Sequence[Mapping[str, Any]]:
    value = details.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ExportError(f"{where}: /{key} is not a list of objects")
    return value


def check_authorization_details_shape(details: object, where: str) -> Mapping[str, Any]:
    """Refuse documents that are not authorization-details output, naming what was expected."""
    if not isinstance(details, dict) or not any(k in details for k in DETAIL_LISTS):
        raise ExportError(
            f"{where}: not an 'aws iam get-account-authorization-details' export "
            f"(expected an object with {', '.join(DETAIL_LISTS)})"
        )
    if details.get("IsTruncated"):
        raise ExportError(
            f"{where}: the export is truncated (IsTruncated is true); export without "
            "--max-items so that the CLI follows every page"
        )
    return details


def to_inventory(details: object, *, where: str, source: Source | None = None) -> Inventory:
    """Turn one account's authorization details into an inventory.

    Args:
        details: the parsed output (all pages merged) of GetAccountAuthorizationDetails.
        where: names the document in errors (a file name, or ``account 123... (live)``).
        source: recorded in the inventory's provenance.

    Raises:
        ExportError: the document has another shape or a required field is missing.
    """
    doc = check_authorization_details_shape(details, where)
    builder = _Builder(where)
    try:
        groups = {
            str(g["GroupName"]): str(g["Arn"])
            for g in _entries(doc, "GroupDetailList", where)
            if g.get("GroupName") and g.get("Arn")
        }
        for i, entry in enumerate(_entries(doc, "Policies", where)):
            builder.add_managed_policy(entry, f"/Policies/{i}")
        for i, entry in enumerate(_entries(doc, "GroupDetailList", where)):
            builder.add_group(entry, f"/GroupDetailList/{i}")
        for i, entry in enumerate(_entries(doc, "UserDetailList", where)):
            builder.add_user(entry, f"/UserDetailList/{i}", groups)
        for i, entry in enumerate(_entries(doc, "RoleDetailList", where)):
            builder.add_role(entry, f"/RoleDetailList/{i}")
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise ExportError(f"{where}: unexpected content ({exc})") from None
    scopes = tuple(
        Scope(id=ScopeId(a), cloud=Cloud.AWS, kind=ScopeKind.ACCOUNT, name=a)
        for a in sorted(builder.accounts)
    )
    return Inventory(
        scopes=scopes,
        identities=tuple(builder.identities),
        permission_sets=tuple(builder.permission_sets.values()),
        grants=tuple(builder.grants),
        sources=(source,) if source else (),
    )
