"""Check generated exports against botocore's own response shapes (offline, no credentials).

Every key must be a member of the IAM/Organizations output shape it sits in, with the right
type, length and pattern; policy documents must be decoded JSON objects (as the CLI prints
them); and the cross-references must agree (attachment counts, group names, default versions,
OU parents, policy targets).

    python bench/check_aws_export.py /tmp/org          # a directory written by generate_aws_org
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import botocore.session
from botocore.model import ListShape, Shape, StringShape, StructureShape

# Fields the real API returns on every item of our kinds (others, such as Tags, may be absent).
ALWAYS = {
    "RoleDetail": {
        "Path",
        "RoleName",
        "RoleId",
        "Arn",
        "CreateDate",
        "AssumeRolePolicyDocument",
        "InstanceProfileList",
        "RolePolicyList",
        "AttachedManagedPolicies",
        "RoleLastUsed",
    },
    "UserDetail": {
        "Path",
        "UserName",
        "UserId",
        "Arn",
        "CreateDate",
        "UserPolicyList",
        "GroupList",
        "AttachedManagedPolicies",
    },
    "GroupDetail": {
        "Path",
        "GroupName",
        "GroupId",
        "Arn",
        "CreateDate",
        "GroupPolicyList",
        "AttachedManagedPolicies",
    },
    "ManagedPolicyDetail": {
        "PolicyName",
        "PolicyId",
        "Arn",
        "Path",
        "DefaultVersionId",
        "AttachmentCount",
        "PermissionsBoundaryUsageCount",
        "IsAttachable",
        "CreateDate",
        "UpdateDate",
        "PolicyVersionList",
    },
}
ID_PATTERNS = {
    "RoleId": "AROA",
    "UserId": "AIDA",
    "GroupId": "AGPA",
    "PolicyId": "ANPA",
    "InstanceProfileId": "AIPA",
}


@functools.cache
def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    """The shape's pattern, or ``None`` where it uses Java classes (``\\p{...}``) Python lacks."""
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _output(service: str, operation: str) -> StructureShape:
    """The response shape of one API operation, from botocore's bundled service model."""
    model = botocore.session.get_session().get_service_model(service)
    shape = model.operation_model(operation).output_shape
    assert shape is not None, f"{service}:{operation} has no output shape"
    return shape


class Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(f"{where}: {message}")

    def value(
        self, value: Any, shape: Shape, where: str, extra: frozenset[str] = frozenset()
    ) -> None:
        kind = shape.type_name
        if isinstance(shape, StructureShape):
            self._structure(value, shape, where, extra)
        elif isinstance(shape, ListShape):
            if not isinstance(value, list):
                self.fail(where, "expected a list")
                return
            for i, item in enumerate(value):
                self.value(item, shape.member, f"{where}[{i}]", extra)
        elif isinstance(shape, StringShape):
            self._string(value, shape, where)
        elif kind == "timestamp":
            if not isinstance(value, str):
                self.fail(where, "expected an ISO 8601 string")
            else:
                datetime.fromisoformat(value)
        elif kind == "boolean" and not isinstance(value, bool):
            self.fail(where, "expected a boolean")
        elif kind in ("integer", "long") and (
            not isinstance(value, int) or isinstance(value, bool)
        ):
            self.fail(where, "expected an integer")

    def _structure(
        self, value: Any, shape: StructureShape, where: str, extra: frozenset[str]
    ) -> None:
        if not isinstance(value, dict):
            self.fail(where, f"expected an object ({shape.name})")
            return
        for key in value.keys() - shape.members.keys() - extra:
            self.fail(where, f"{key!r} is not a member of {shape.name}")
        for key in ALWAYS.get(shape.name, set()) - value.keys():
            self.fail(where, f"missing {key!r}")
        for key, member in shape.members.items():
            if key in value:
                self.value(value[key], member, f"{where}.{key}", extra)
            if (
                key in ID_PATTERNS
                and key in value
                and not re.fullmatch(ID_PATTERNS[key] + "[A-Z0-9]{17}", value[key])
            ):
                self.fail(f"{where}.{key}", f"{value[key]!r} is not a {ID_PATTERNS[key]} id")

    def _string(self, value: Any, shape: StringShape, where: str) -> None:
        if shape.name == "policyDocumentType":  # the CLI decodes these into objects
            if not (isinstance(value, dict) and "Statement" in value and "Version" in value):
                self.fail(
                    where, "policy document is not a decoded object with Version and Statement"
                )
            return
        if not isinstance(value, str):
            self.fail(where, "expected a string")
            return
        meta = shape.metadata
        if not meta.get("min", 0) <= len(value) <= meta.get("max", 10**9):
            self.fail(where, f"length {len(value)} outside [{meta.get('min')}, {meta.get('max')}]")
        pattern = _compiled(meta.get("pattern"))
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(where, f"{value!r} does not match {meta['pattern']}")
        if shape.enum and value not in shape.enum:
            self.fail(where, f"{value!r} not in {shape.enum}")


def check_authorization_details(
    checker: Checker, data: Any, where: str, account: str | None
) -> None:
    checker.value(data, _output("iam", "GetAccountAuthorizationDetails"), where)
    if data.get("IsTruncated") is not False:
        checker.fail(where, "IsTruncated must be false")
    principals = data["RoleDetailList"] + data["UserDetailList"] + data["GroupDetailList"]
    attached = Counter(p["PolicyArn"] for x in principals for p in x["AttachedManagedPolicies"])
    bounded = Counter(
        x["PermissionsBoundary"]["PermissionsBoundaryArn"]
        for x in principals
        if "PermissionsBoundary" in x
    )
    policies = {p["Arn"]: p for p in data["Policies"]}
    for arn in (attached.keys() | bounded.keys()) - policies.keys():
        checker.fail(where, f"{arn} is attached but missing from Policies")
    for arn, policy in policies.items():
        if (policy["AttachmentCount"], policy["PermissionsBoundaryUsageCount"]) != (
            attached[arn],
            bounded[arn],
        ):
            checker.fail(where, f"{arn}: counts disagree with the principals")
        defaults = [v["VersionId"] for v in policy["PolicyVersionList"] if v["IsDefaultVersion"]]
        if defaults != [policy["DefaultVersionId"]]:
            checker.fail(
                where, f"{arn}: default version {defaults} vs {policy['DefaultVersionId']}"
            )
    groups = {g["GroupName"] for g in data["GroupDetailList"]}
    for user in data["UserDetailList"]:
        for name in set(user["GroupList"]) - groups:
            checker.fail(where, f"user {user['UserName']} is in unknown group {name}")
    if account is not None:
        for principal in principals:
            if principal["Arn"].split(":")[4] != account:
                checker.fail(where, f"{principal['Arn']} is not in account {account}")
    names = Counter((r["Arn"].split(":")[4], r["RoleName"].lower()) for r in data["RoleDetailList"])
    if names and names.most_common(1)[0][1] > 1:  # IAM names are unique regardless of case
        checker.fail(where, f"duplicate role name {names.most_common(1)[0][0]}")
    ids = Counter(r["RoleId"] for r in data["RoleDetailList"])
    if ids and ids.most_common(1)[0][1] > 1:
        checker.fail(where, f"duplicate RoleId {ids.most_common(1)[0][0]}")


def check_organization(checker: Checker, data: Any, accounts_on_disk: set[str]) -> None:
    import json

    model = botocore.session.get_session().get_service_model("organizations")
    shape = model.shape_for
    with_parent = frozenset({"ParentId"})
    checker.value(data["Organization"], shape("Organization"), "Organization")
    checker.value(data["Roots"], _output("organizations", "ListRoots").members["Roots"], "Roots")
    checker.value(
        data["OrganizationalUnits"],
        shape("OrganizationalUnits"),
        "OrganizationalUnits",
        with_parent,
    )
    checker.value(data["Accounts"], shape("Accounts"), "Accounts", with_parent)
    parents = {r["Id"] for r in data["Roots"]} | {o["Id"] for o in data["OrganizationalUnits"]}
    targets = parents | {a["Id"] for a in data["Accounts"]}
    for item in data["OrganizationalUnits"] + data["Accounts"]:
        if item["ParentId"] not in parents:
            checker.fail("Accounts/OUs", f"{item['Id']} has unknown parent {item['ParentId']}")
    if data["Accounts"][0]["Id"] != data["Organization"]["MasterAccountId"]:
        checker.fail("Accounts", "the first account is not the management account")
    if {a["Id"] for a in data["Accounts"]} != accounts_on_disk:
        checker.fail("Accounts", "accounts differ from the per-account files")
    for i, policy in enumerate(data["Policies"]):
        where = f"Policies[{i}]"
        checker.value(policy["PolicySummary"], shape("PolicySummary"), f"{where}.PolicySummary")
        checker.value(policy["Targets"], shape("PolicyTargets"), f"{where}.Targets")
        if policy["PolicySummary"]["Type"] not in (
            "SERVICE_CONTROL_POLICY",
            "RESOURCE_CONTROL_POLICY",
        ):
            checker.fail(where, "unexpected policy type")
        if not isinstance(json.loads(policy["Content"]).get("Statement"), list):
            checker.fail(where, "Content is not a policy document")
        for target in policy["Targets"]:
            if target["TargetId"] not in targets:
                checker.fail(where, f"unknown target {target['TargetId']}")


def check_directory(directory: Path) -> list[str]:
    import orjson

    checker = Checker()
    account_files = sorted(p for p in directory.glob("*.json") if p.stem.isdigit())
    for path in account_files:
        check_authorization_details(checker, orjson.loads(path.read_bytes()), path.name, path.stem)
    organization = directory / "organization.json"
    if organization.exists():
        check_organization(
            checker, orjson.loads(organization.read_bytes()), {p.stem for p in account_files}
        )
    return checker.problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Check generated AWS exports against botocore's shapes."
    )
    parser.add_argument(
        "path", type=Path, help="a directory from generate_aws_org.py, or one export file"
    )
    args = parser.parse_args(argv)
    if args.path.is_dir():
        problems = check_directory(args.path)
    else:
        import orjson

        checker = Checker()
        check_authorization_details(
            checker, orjson.loads(args.path.read_bytes()), args.path.name, None
        )
        problems = checker.problems
    for problem in problems:
        print(problem)
    print("OK" if not problems else f"{len(problems)} problem(s) (first 50 shown)")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
