"""Importing native AWS exports: shapes, documents, and bad files."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from overgrant.collectors.aws.export import import_authorization_details
from overgrant.errors import ExportError
from overgrant.model import (
    CredentialKind,
    GrantPurpose,
    IdentityKind,
    Nature,
    PermissionSetKind,
    ScopeKind,
)
from overgrant.sample import sample_files, sample_inventory

ACCOUNT = "123456789012"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
INLINE = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
}


def _role(**overrides: object) -> dict[str, object]:
    role: dict[str, object] = {
        "Path": "/",
        "RoleName": "worker",
        "RoleId": "AROAEXAMPLEEXAMPLE1",
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/worker",
        "CreateDate": "2024-01-02T03:04:05Z",
        "AssumeRolePolicyDocument": TRUST,
        "InstanceProfileList": [],
        "RolePolicyList": [{"PolicyName": "read", "PolicyDocument": INLINE}],
        "AttachedManagedPolicies": [],
        "Tags": [{"Key": "owner", "Value": "team-a"}],
        "RoleLastUsed": {"LastUsedDate": "2026-11-01T00:00:00+00:00", "Region": "eu-west-1"},
    }
    role.update(overrides)
    return role


def _export(tmp_path: Path, document: object, name: str = "authz.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


def test_role_with_inline_policy_and_trust(tmp_path: Path) -> None:
    inventory = import_authorization_details([_export(tmp_path, {"RoleDetailList": [_role()]})])
    (role,) = inventory.identities
    assert role.kind is IdentityKind.ROLE and role.container == ACCOUNT
    assert role.nature is Nature.WORKLOAD and "lambda.amazonaws.com" in role.nature_reason
    assert role.tags == {"owner": "team-a"}
    assert role.last_used is not None and role.last_used.year == 2026
    documents = {p.kind: p.document for p in inventory.permission_sets}
    assert documents[PermissionSetKind.TRUST_POLICY] == TRUST
    assert documents[PermissionSetKind.INLINE_POLICY] == INLINE
    assert role.trust_policy == f"{role.id}#trust"
    assert [s.kind for s in inventory.scopes] == [ScopeKind.ACCOUNT]


def test_url_encoded_policy_documents_decode_to_the_same_object(tmp_path: Path) -> None:
    encoded = _role(
        AssumeRolePolicyDocument=quote(json.dumps(TRUST)),
        RolePolicyList=[{"PolicyName": "read", "PolicyDocument": quote(json.dumps(INLINE))}],
    )
    plain = import_authorization_details(
        [_export(tmp_path, {"RoleDetailList": [_role()]}, "a.json")]
    )
    raw = import_authorization_details([_export(tmp_path, {"RoleDetailList": [encoded]}, "b.json")])
    assert {p.id: p.document for p in raw.permission_sets} == {
        p.id: p.document for p in plain.permission_sets
    }


def test_managed_policy_without_name_takes_it_from_the_arn(tmp_path: Path) -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:policy/team/deploy"
    policy = {
        "Arn": arn,
        "DefaultVersionId": "v2",
        "PolicyVersionList": [
            {"Document": INLINE, "VersionId": "v2", "IsDefaultVersion": True},
            {"Document": TRUST, "VersionId": "v1", "IsDefaultVersion": False},
        ],
    }
    role = _role(
        AttachedManagedPolicies=[{"PolicyArn": arn}],
        PermissionsBoundary={"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn},
    )
    inventory = import_authorization_details(
        [_export(tmp_path, {"RoleDetailList": [role], "Policies": [policy]})]
    )
    managed = next(p for p in inventory.permission_sets if p.id == arn)
    assert managed.name == "deploy" and managed.version == "v2" and managed.document == INLINE
    assert managed.attributes["other_versions"] == [{"version_id": "v1", "document": TRUST}]
    purposes = sorted(g.purpose for g in inventory.grants if g.permission_set == arn)
    assert purposes == [GrantPurpose.ALLOW, GrantPurpose.BOUNDARY]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"RoleDetailList": [{"Arn": ', "not valid JSON at line 1"),
        ('{"Reservations": []}', "not an 'aws iam get-account-authorization-details' export"),
        ('[{"RoleName": "x"}]', "not an 'aws iam get-account-authorization-details' export"),
        (
            json.dumps({"RoleDetailList": [_role(AssumeRolePolicyDocument="%7Bnot-json")]}),
            "not valid JSON",
        ),
        (json.dumps({"RoleDetailList": [_role(Arn=None)]}), "/RoleDetailList/0/Arn is missing"),
        (json.dumps({"RoleDetailList": [], "IsTruncated": True}), "truncated"),
        (json.dumps({"RoleDetailList": {"a": 1}}), "/RoleDetailList is not a list of objects"),
    ],
    ids=[
        "truncated-json",
        "other-export",
        "array",
        "bad-encoded-doc",
        "missing-arn",
        "paged",
        "bad-list",
    ],
)
def test_bad_exports_get_one_clear_message(tmp_path: Path, content: str, expected: str) -> None:
    path = _export(tmp_path, content)
    with pytest.raises(ExportError) as caught:
        import_authorization_details([path])
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_sample_estate_has_the_documented_problems() -> None:
    inventory = sample_inventory()
    names = {i.name: i for i in inventory.identities}
    assert names["ci-deploy"].nature is Nature.WORKLOAD
    assert names["alice"].nature is Nature.HUMAN
    ci_keys = [c for c in inventory.credentials if c.identity == names["ci-deploy"].id]
    assert {c.kind for c in ci_keys} == {CredentialKind.ACCESS_KEY}
    assert any(c.last_used is None for c in ci_keys), "one CI key was never used"
    accounts = [s for s in inventory.scopes if s.kind is ScopeKind.ACCOUNT]
    assert len(accounts) == 4 and all(s.parent for s in accounts)
    assert any(
        p.kind is PermissionSetKind.RESOURCE_CONTROL_POLICY for p in inventory.permission_sets
    )
    roots = [i for i in inventory.identities if i.kind is IdentityKind.ROOT]
    assert len(roots) == 4
    assert {p.name for p in sample_files()} >= {"organization.json", "111111111111.authz.json"}
