"""From an AWS Organizations description to scopes and guardrails (SCPs and RCPs).

The shape is the one overgrant writes for a live collection and reads as an import; it is
assembled from the outputs of the ``aws organizations`` CLI (see the README):

    {"Organization": <describe-organization .Organization>,
     "Roots": <list-roots .Roots>,
     "OrganizationalUnits": [{"Id", "Arn", "Name", "ParentId"}],
     "Accounts": [<list-accounts entry> + {"ParentId"}],
     "Policies": [{"PolicySummary": <describe-policy .Policy.PolicySummary>,
                   "Content": "<policy JSON>", "Targets": <list-targets-for-policy .Targets>}]}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from overgrant.collectors.aws.documents import decode_policy_document
from overgrant.errors import ExportError
from overgrant.model import (
    Cloud,
    Inventory,
    JsonValue,
    PermissionSet,
    PermissionSetId,
    PermissionSetKind,
    Scope,
    ScopeId,
    ScopeKind,
    ScopePolicy,
    ScopePolicyKind,
    Source,
)

_POLICY_KINDS = {
    "SERVICE_CONTROL_POLICY": (
        PermissionSetKind.SERVICE_CONTROL_POLICY,
        ScopePolicyKind.SERVICE_CONTROL_POLICY,
    ),
    "RESOURCE_CONTROL_POLICY": (
        PermissionSetKind.RESOURCE_CONTROL_POLICY,
        ScopePolicyKind.RESOURCE_CONTROL_POLICY,
    ),
}


def _list(doc: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    value = doc.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ExportError(f"{where}: /{key} is not a list of objects")
    return value


def _scopes(doc: Mapping[str, Any], where: str) -> list[Scope]:
    org = doc["Organization"]
    org_id = ScopeId(org["Id"])
    management = org.get("MasterAccountId") or org.get("ManagementAccountId")
    scopes = [
        Scope(
            id=org_id,
            cloud=Cloud.AWS,
            kind=ScopeKind.ORGANIZATION,
            name=org_id,
            attributes={"management_account": management, "feature_set": org.get("FeatureSet")},
        )
    ]
    for root in _list(doc, "Roots", where):
        scopes.append(
            Scope(
                id=ScopeId(root["Id"]),
                cloud=Cloud.AWS,
                kind=ScopeKind.ORGANIZATION_ROOT,
                name=root.get("Name") or "Root",
                parent=org_id,
            )
        )
    for ou in _list(doc, "OrganizationalUnits", where):
        scopes.append(
            Scope(
                id=ScopeId(ou["Id"]),
                cloud=Cloud.AWS,
                kind=ScopeKind.ORGANIZATIONAL_UNIT,
                name=ou.get("Name") or ou["Id"],
                parent=ScopeId(ou["ParentId"]),
            )
        )
    for account in _list(doc, "Accounts", where):
        attributes: dict[str, JsonValue] = {"status": account.get("Status", "ACTIVE")}
        if account.get("Email"):
            attributes["email"] = account["Email"]
        if account["Id"] == management:
            attributes["management_account"] = True
        scopes.append(
            Scope(
                id=ScopeId(account["Id"]),
                cloud=Cloud.AWS,
                kind=ScopeKind.ACCOUNT,
                name=account.get("Name") or account["Id"],
                parent=ScopeId(account["ParentId"]) if account.get("ParentId") else None,
                tags={str(t["Key"]): str(t.get("Value", "")) for t in account.get("Tags") or ()},
                attributes=attributes,
            )
        )
    return scopes


def _guardrails(
    doc: Mapping[str, Any], where: str
) -> tuple[list[PermissionSet], list[ScopePolicy]]:
    permission_sets: list[PermissionSet] = []
    attachments: list[ScopePolicy] = []
    for index, entry in enumerate(_list(doc, "Policies", where)):
        summary = entry.get("PolicySummary") or {}
        kinds = _POLICY_KINDS.get(summary.get("Type", "SERVICE_CONTROL_POLICY"))
        if kinds is None:  # tag, backup and AI opt-out policies grant and deny nothing
            continue
        pset_kind, attach_kind = kinds
        arn = summary.get("Arn") or summary.get("Id")
        if not arn:
            raise ExportError(f"{where}: /Policies/{index}/PolicySummary/Arn is missing")
        permission_sets.append(
            PermissionSet(
                id=PermissionSetId(arn),
                cloud=Cloud.AWS,
                kind=pset_kind,
                name=summary.get("Name") or arn,
                document=decode_policy_document(
                    entry.get("Content"), f"{where}: /Policies/{index}/Content"
                ),
                builtin=bool(summary.get("AwsManaged")),
                attributes={"policy_id": summary.get("Id", "")},
            )
        )
        for target in entry.get("Targets") or ():
            attachments.append(
                ScopePolicy(
                    scope=ScopeId(target["TargetId"]),
                    permission_set=PermissionSetId(arn),
                    kind=attach_kind,
                )
            )
    return permission_sets, attachments


def organization_to_inventory(
    doc: object, *, where: str, source: Source | None = None
) -> Inventory:
    """Turn an organization description into scopes, SCPs/RCPs and their attachments.

    Raises:
        ExportError: the document has another shape or a required field is missing.
    """
    if not isinstance(doc, dict) or not isinstance(doc.get("Organization"), dict):
        raise ExportError(
            f"{where}: not an overgrant organizations export (expected an object with "
            "Organization, Roots, OrganizationalUnits, Accounts and Policies)"
        )
    try:
        scopes = _scopes(doc, where)
        permission_sets, attachments = _guardrails(doc, where)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ExportError(f"{where}: unexpected content (missing or bad field {exc})") from None
    return Inventory(
        scopes=tuple(scopes),
        permission_sets=tuple(permission_sets),
        scope_policies=tuple(attachments),
        sources=(source,) if source else (),
    )
