"""AWS Organizations reads: the organization, its OU tree, accounts, SCPs and RCPs.

I/O only. The result has the shape that
:func:`overgrant.collectors.aws.organization.organization_to_inventory` reads (the same file
an import takes), so a live collection and an import describe the organization identically.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from overgrant.collectors.aws.gaps import GapRecorder
from overgrant.collectors.aws.session import Client

GUARDRAIL_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")


def _list_all(client: Client, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator(operation).paginate(**params):
        items.extend(page.get(key) or ())
    return items


def _walk(
    org: Client, roots: list[dict[str, Any]], recorder: GapRecorder
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Every OU under the roots (with ``ParentId``), and every account found under a parent."""
    units: list[dict[str, Any]] = []
    accounts: dict[str, dict[str, Any]] = {}
    parents = deque(root["Id"] for root in roots)
    while parents:
        parent = parents.popleft()
        children = recorder.call_for(
            "organizations:ListOrganizationalUnitsForParent",
            "organizational units",
            parent,
            _list_all,
            org,
            "list_organizational_units_for_parent",
            "OrganizationalUnits",
            ParentId=parent,
        )
        for unit in children or ():
            units.append({**unit, "ParentId": parent})
            parents.append(unit["Id"])
        members = recorder.call_for(
            "organizations:ListAccountsForParent",
            "the OU of accounts",
            parent,
            _list_all,
            org,
            "list_accounts_for_parent",
            "Accounts",
            ParentId=parent,
        )
        for account in members or ():
            accounts[account["Id"]] = {**account, "ParentId": parent}
    return units, accounts


def _guardrails(org: Client, recorder: GapRecorder) -> list[dict[str, Any]]:
    """SCPs and RCPs with their content and the roots, OUs and accounts they are attached to."""
    policies: list[dict[str, Any]] = []
    for policy_type in GUARDRAIL_TYPES:
        kind = policy_type.replace("_", " ").lower()
        summaries = recorder.call(
            "organizations:ListPolicies",
            f"{kind} documents",
            _list_all,
            org,
            "list_policies",
            "Policies",
            Filter=policy_type,
        )
        for summary in summaries or ():
            described = recorder.call_for(
                "organizations:DescribePolicy",
                f"{kind} documents",
                summary["Id"],
                org.describe_policy,
                PolicyId=summary["Id"],
            )
            targets = recorder.call_for(
                "organizations:ListTargetsForPolicy",
                f"{kind} attachments",
                summary["Id"],
                _list_all,
                org,
                "list_targets_for_policy",
                "Targets",
                PolicyId=summary["Id"],
            )
            if described is None or targets is None:
                continue
            policy = described["Policy"]
            policies.append(
                {
                    "PolicySummary": policy.get("PolicySummary") or summary,
                    "Content": policy["Content"],
                    "Targets": targets,
                }
            )
    return policies


def fetch_organization(org: Client, recorder: GapRecorder) -> dict[str, Any]:
    """Describe the whole organization the caller belongs to.

    Raises:
        botocore.exceptions.ClientError: ``DescribeOrganization`` failed (not a member of an
            organization, or denied); the caller decides what that means.
    """
    organization = org.describe_organization()["Organization"]
    roots = recorder.call(
        "organizations:ListRoots",
        "the organization's roots and OUs",
        _list_all,
        org,
        "list_roots",
        "Roots",
    )
    units, placed = _walk(org, roots or [], recorder)
    # ListAccounts is the authoritative list: an account under an OU whose listing failed
    # is still collected, only without its place in the tree.
    listed = recorder.call(
        "organizations:ListAccounts",
        "member accounts",
        _list_all,
        org,
        "list_accounts",
        "Accounts",
    )
    accounts = dict(placed)
    for account in listed or ():
        accounts[account["Id"]] = {**account, **placed.get(account["Id"], {})}
    return {
        "Organization": organization,
        "Roots": roots or [],
        "OrganizationalUnits": units,
        "Accounts": sorted(accounts.values(), key=lambda a: str(a["Id"])),
        "Policies": _guardrails(org, recorder),
    }
