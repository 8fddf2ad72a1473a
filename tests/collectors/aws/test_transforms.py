"""Pure parts of the live collector: page merging, gap bookkeeping, sign-in facts, options."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from overgrant.collectors.aws.authz import to_inventory
from overgrant.collectors.aws.credentials import to_credentials, with_sign_in_facts
from overgrant.collectors.aws.fetch_iam import (
    fetch_authorization_details,
    merge_authorization_pages,
)
from overgrant.collectors.aws.gaps import GapRecorder, gap_reason
from overgrant.collectors.aws.live import AwsCollectOptions, collect_aws
from overgrant.errors import CollectionError, ConfigError
from overgrant.model import (
    Cloud,
    GapReason,
    Identity,
    IdentityId,
    IdentityKind,
    Nature,
    ScopeId,
)

ACCOUNT = "123456789012"
TRUST = {"Version": "2012-10-17", "Statement": []}


def _role(name: str) -> dict[str, Any]:
    return {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
        "AssumeRolePolicyDocument": TRUST,
    }


PAGES = [
    {
        "UserDetailList": [{"UserName": "u1", "Arn": f"arn:aws:iam::{ACCOUNT}:user/u1"}],
        "GroupDetailList": [],
        "RoleDetailList": [_role("r1")],
        "Policies": [],
        "IsTruncated": True,
        "Marker": "page-2",
        "ResponseMetadata": {"HTTPStatusCode": 200},
    },
    {
        "UserDetailList": [],
        "GroupDetailList": [{"GroupName": "g1", "Arn": f"arn:aws:iam::{ACCOUNT}:group/g1"}],
        "RoleDetailList": [_role("r2")],
        "Policies": [],
        "IsTruncated": False,
    },
]


def test_pages_are_merged_into_one_document_of_the_cli_shape() -> None:
    merged = merge_authorization_pages(PAGES)
    assert set(merged) == {"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"}
    assert [r["RoleName"] for r in merged["RoleDetailList"]] == ["r1", "r2"]
    names = {i.name for i in to_inventory(merged, where="test").identities}
    assert names == {"u1", "g1", "r1", "r2"}


class _Paginator:
    def __init__(self, calls: list[dict[str, Any]]) -> None:
        self.calls = calls

    def paginate(self, **params: Any) -> Iterator[dict[str, Any]]:
        self.calls.append(params)
        return iter(PAGES)


class _Iam:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def get_paginator(self, operation: str) -> _Paginator:
        assert operation == "get_account_authorization_details"
        return _Paginator(self.calls)


def test_every_page_is_fetched_through_the_paginator() -> None:
    iam = _Iam()
    details = fetch_authorization_details(iam)
    assert len(details["RoleDetailList"]) == 2
    assert iam.calls == [{"PaginationConfig": {"PageSize": 1000}}]


def _error(code: str, status: int = 400, message: str = "no") -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "Operation")


@pytest.mark.parametrize(
    ("code", "status", "reason"),
    [
        ("AccessDenied", 403, GapReason.ACCESS_DENIED),
        ("AccessDeniedException", 400, GapReason.ACCESS_DENIED),
        ("UnauthorizedOperation", 403, GapReason.ACCESS_DENIED),
        ("AuthorizationError", 403, GapReason.ACCESS_DENIED),
        ("SomethingElse", 403, GapReason.ACCESS_DENIED),
        ("Throttling", 400, GapReason.THROTTLED),
        ("ThrottlingException", 400, GapReason.THROTTLED),
        ("TooManyRequestsException", 429, GapReason.THROTTLED),
        ("InternalFailure", 500, GapReason.ERROR),
    ],
)
def test_errors_are_classified(code: str, status: int, reason: GapReason) -> None:
    assert gap_reason(_error(code, status)) is reason


def test_failures_of_one_operation_fold_into_one_gap_naming_the_objects() -> None:
    recorder = GapRecorder(ACCOUNT)

    def refuse(user: str) -> None:
        raise _error("AccessDenied", 403, f"not allowed for {user}")

    for index in range(7):
        assert recorder.call_for("iam:ListAccessKeys", "keys", f"u{index}", refuse, "x") is None
    assert recorder.call("iam:ListUsers", "users", lambda: 42) == 42
    (gap,) = recorder.gaps()
    assert (gap.scope, gap.reason, gap.message) == (
        ACCOUNT,
        GapReason.ACCESS_DENIED,
        "AccessDenied: not allowed for x",
    )
    assert gap.affects == "keys (u0, u1, u2, u3, u4 and 2 more)"
    assert recorder.failed("iam:ListAccessKeys")
    assert not recorder.failed("iam:ListUsers")


def test_non_aws_errors_are_not_turned_into_gaps() -> None:
    recorder = GapRecorder(ACCOUNT)

    def bug() -> None:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        recorder.call("iam:ListUsers", "users", bug)


def _user(name: str) -> Identity:
    return Identity(
        id=IdentityId(f"arn:aws:iam::{ACCOUNT}:user/{name}"),
        cloud=Cloud.AWS,
        kind=IdentityKind.USER,
        name=name,
        container=ScopeId(ACCOUNT),
    )


def test_unknown_sign_in_facts_stay_unknown() -> None:
    used = datetime(2025, 1, 2, tzinfo=UTC)
    sign_in = {
        "nothing-read": {"UserName": "nothing-read"},
        "keys-only": {
            "LoginProfile": None,
            "MFADevices": [],
            "AccessKeyMetadata": [
                {
                    "AccessKeyId": "AKIA1",
                    "Status": "Active",
                    "AccessKeyLastUsed": {"ServiceName": "N/A", "Region": "N/A"},
                },
                {
                    "AccessKeyId": "AKIA2",
                    "Status": "Inactive",
                    "AccessKeyLastUsed": {
                        "LastUsedDate": used,
                        "ServiceName": "s3",
                        "Region": "eu-west-1",
                    },
                },
            ],
        },
    }
    users = (_user("nothing-read"), _user("keys-only"), _user("not-asked"))
    enriched = {i.name: i for i in with_sign_in_facts(users, sign_in)}
    assert enriched["nothing-read"].nature is Nature.UNKNOWN
    assert enriched["not-asked"] == users[2]
    assert enriched["keys-only"].nature is Nature.WORKLOAD
    assert (enriched["keys-only"].last_used, enriched["keys-only"].last_used_region) == (
        used,
        "eu-west-1",
    )
    keys = {c.id: c for c in to_credentials(users, sign_in)}
    assert (keys["AKIA1"].active, keys["AKIA1"].last_used_service) == (True, None)
    assert (keys["AKIA2"].active, keys["AKIA2"].last_used_service) == (False, "s3")


@pytest.mark.parametrize(
    "settings",
    [{"regions": ()}, {"max_workers": 0}, {"max_attempts": 0}, {"accounts": ("1",)}],
)
def test_impossible_options_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        AwsCollectOptions(**settings)


def test_missing_credentials_are_one_clear_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(CollectionError, match=r"^no AWS credentials were found"):
        collect_aws(AwsCollectOptions(endpoint_url="http://127.0.0.1:9"))


def test_an_unknown_profile_is_one_clear_sentence() -> None:
    with pytest.raises(CollectionError, match="the AWS profile 'nowhere' does not exist"):
        collect_aws(AwsCollectOptions(profile="nowhere"))
