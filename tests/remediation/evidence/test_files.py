"""Reading CloudTrail log files: callers, aggregation, windows, failures and bad files."""

from __future__ import annotations

import functools
import gzip
import json
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overgrant.catalogs.cloudtrail import CloudTrailMapping, load_cloudtrail_mapping
from overgrant.errors import InputError
from overgrant.model import Cloud, Identity, IdentityId, IdentityKind, Inventory, ScopeId
from overgrant.remediation.evidence import UsageAccumulator, read_cloudtrail

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/service/etl"  # a role with a path
USER = f"arn:aws:iam::{ACCOUNT}:user/ci"
T0 = datetime(2026, 10, 1, tzinfo=UTC)


@functools.cache
def _shared_mapping() -> CloudTrailMapping:
    return load_cloudtrail_mapping()


@pytest.fixture(scope="module")
def mapping() -> CloudTrailMapping:
    return _shared_mapping()


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    def identity(arn: str, kind: IdentityKind, name: str) -> Identity:
        return Identity(
            id=IdentityId(arn), cloud=Cloud.AWS, kind=kind, name=name, container=ScopeId(ACCOUNT)
        )

    return Inventory(
        identities=(
            identity(ROLE, IdentityKind.ROLE, "etl"),
            identity(USER, IdentityKind.USER, "ci"),
        )
    )


def _role_caller(with_context: bool = True) -> dict[str, Any]:
    caller: dict[str, Any] = {
        "type": "AssumedRole",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/etl/i-0abc",
        "accountId": ACCOUNT,
    }
    if with_context:
        caller["sessionContext"] = {"sessionIssuer": {"type": "Role", "arn": ROLE}}
    return caller


def _user_caller() -> dict[str, Any]:
    return {"type": "IAMUser", "arn": USER, "accountId": ACCOUNT, "userName": "ci"}


def _record(
    caller: dict[str, Any],
    source: str,
    name: str,
    params: dict[str, Any] | None,
    when: datetime,
    *,
    region: str = "eu-west-1",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "eventVersion": "1.09",
        "userIdentity": caller,
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": f"{source}.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "requestParameters": params,
        "eventType": "AwsApiCall",
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        **extra,
    }


def _write(
    root: Path, region: str, day: datetime, records: list[dict[str, Any]], *, gz: bool = True
) -> Path:
    folder = root / "AWSLogs" / ACCOUNT / "CloudTrail" / region / day.strftime("%Y/%m/%d")
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{ACCOUNT}_CloudTrail_{region}_{day:%Y%m%dT%H%MZ}_{len(list(folder.iterdir()))}"
    body = json.dumps({"Records": records}).encode()
    path = folder / (stem + (".json.gz" if gz else ".json"))
    path.write_bytes(gzip.compress(body) if gz else body)
    return path


def test_a_tree_of_log_files_becomes_aggregated_usage_with_windows(
    tmp_path: Path, inventory: Inventory, mapping: CloudTrailMapping
) -> None:
    get = {"bucketName": "lake", "key": "raw/a.json"}
    _write(
        tmp_path,
        "eu-west-1",
        T0,
        [
            _record(_role_caller(), "s3", "GetObject", get, T0, eventCategory="Data"),
            _record(
                _role_caller(), "s3", "GetObject", get, T0 + timedelta(days=3), eventCategory="Data"
            ),
            _record(
                _role_caller(False),
                "glue",
                "StartJobRun",
                {"jobName": "nightly"},
                T0 + timedelta(days=1),
            ),
        ],
    )
    _write(
        tmp_path,
        "eu-west-1",
        T0 + timedelta(days=5),
        [
            _record(
                _role_caller(), "s3", "GetObject", get, T0 + timedelta(days=5), eventCategory="Data"
            ),
        ],
        gz=False,
    )
    _write(
        tmp_path,
        "us-east-1",
        T0,
        [
            _record(
                _user_caller(),
                "iam",
                "AttachRolePolicy",
                {"roleName": "etl", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
                T0 + timedelta(hours=2),
                region="us-east-1",
            ),
        ],
    )

    evidence = read_cloudtrail([tmp_path], inventory, mapping)

    summary = [
        (r.identity, r.action, r.resource, r.count, r.first_seen, r.last_seen, r.source)
        for r in evidence.records
    ]
    assert summary == [
        (
            ROLE,
            "glue:StartJobRun",
            f"arn:aws:glue:eu-west-1:{ACCOUNT}:job/nightly",
            1,
            T0 + timedelta(days=1),
            T0 + timedelta(days=1),
            "cloudtrail-files",
        ),
        (
            ROLE,
            "s3:GetObject",
            "arn:aws:s3:::lake/raw/a.json",
            3,
            T0,
            T0 + timedelta(days=5),
            "cloudtrail-files",
        ),
        # The role is named without its path in the event; the inventory's ARN is recorded.
        (
            USER,
            "iam:AttachRolePolicy",
            ROLE,
            1,
            T0 + timedelta(hours=2),
            T0 + timedelta(hours=2),
            "cloudtrail-files",
        ),
    ]
    windows = [(w.scope, w.regions, w.start, w.end, w.data_events) for w in evidence.windows]
    assert windows == [
        (ACCOUNT, ("eu-west-1",), T0, T0 + timedelta(days=5), ("s3",)),
        (ACCOUNT, ("us-east-1",), T0 + timedelta(hours=2), T0 + timedelta(hours=2), ()),
    ]
    assert evidence.notes == ()
    assert "iam:PassRole" in evidence.blind_spots


def test_what_is_not_usage_is_counted_in_the_notes(
    tmp_path: Path, inventory: Inventory, mapping: CloudTrailMapping
) -> None:
    records = [
        _record(
            _user_caller(), "s3", "DeleteBucket", {"bucketName": "b"}, T0, errorCode="AccessDenied"
        ),
        _record(
            _user_caller(), "ec2", "RunInstances", {}, T0, errorCode="Client.UnauthorizedOperation"
        ),
        _record(
            {"type": "AWSService", "invokedBy": "lambda.amazonaws.com"},
            "sts",
            "AssumeRole",
            {"roleArn": ROLE},
            T0,
        ),
        _record(
            {"type": "IAMUser", "arn": "arn:aws:iam::999988887777:user/x"},
            "s3",
            "ListBuckets",
            {},
            T0,
        ),
        _record(_user_caller(), "ec2", "DescribeInstances", {}, T0, errorCode="ExpiredToken"),
        _record(
            _user_caller(),
            "s3",
            "GetBucketPolicy",
            {"bucketName": "b"},
            T0,
            errorCode="NoSuchBucketPolicy",
        ),  # authorized, then failed: still usage
        {"eventName": "Broken"},
    ]
    _write(tmp_path, "eu-west-1", T0, records)

    evidence = read_cloudtrail([tmp_path], inventory, mapping)

    assert [(r.action, r.resource) for r in evidence.records] == [
        ("s3:GetBucketPolicy", "arn:aws:s3:::b")
    ]
    notes = "\n".join(evidence.notes)
    assert "2 denied calls are not usage" in notes
    assert f"{USER} s3:DeleteBucket (AccessDenied) ×1" in notes
    assert f"{USER} ec2:RunInstances (Client.UnauthorizedOperation) ×1" in notes
    assert (
        "1 events by callers the inventory lacks were not counted: not in the inventory: "
        "arn:aws:iam::999988887777:user/x ×1" in notes
    )
    assert "1 events by no IAM identity were skipped: AWSService caller ×1" in notes
    assert "1 events without eventTime" in notes
    assert "1 calls failed authentication" in notes


def test_a_lookup_events_export_is_read_as_event_history(
    tmp_path: Path, inventory: Inventory, mapping: CloudTrailMapping
) -> None:
    record = _record(_user_caller(), "ec2", "DescribeVpcs", {}, T0)
    export = {
        "Events": [
            {"EventId": "1", "EventName": "DescribeVpcs", "CloudTrailEvent": json.dumps(record)}
        ]
    }
    path = tmp_path / "lookup.json"
    path.write_text(json.dumps(export))

    evidence = read_cloudtrail([path], inventory, mapping)

    assert [(r.action, r.source) for r in evidence.records] == [
        ("ec2:DescribeVpcs", "cloudtrail-lookup")
    ]
    assert [(w.source, w.data_events) for w in evidence.windows] == [("cloudtrail-lookup", ())]


def test_digest_files_are_skipped_and_bad_files_named(
    tmp_path: Path, inventory: Inventory, mapping: CloudTrailMapping
) -> None:
    good = _write(
        tmp_path, "eu-west-1", T0, [_record(_user_caller(), "ec2", "DescribeVpcs", {}, T0)]
    )
    digest = tmp_path / "AWSLogs" / ACCOUNT / "CloudTrail-Digest" / "eu-west-1"
    digest.mkdir(parents=True)
    (digest / "x.json.gz").write_bytes(gzip.compress(b'{"digestStartTime": "x"}'))
    assert len(read_cloudtrail([tmp_path], inventory, mapping).records) == 1

    broken = good.with_name("broken.json.gz")
    broken.write_bytes(gzip.compress(b'{"Records": [')[:-6])
    with pytest.raises(InputError, match=r"broken\.json\.gz: not a readable gzip file"):
        read_cloudtrail([tmp_path], inventory, mapping)

    broken.write_bytes(gzip.compress(b'{"Records": [}'))
    with pytest.raises(InputError, match=r"broken\.json\.gz: not valid JSON at line 1"):
        read_cloudtrail([tmp_path], inventory, mapping)

    broken.write_bytes(gzip.compress(b'{"Something": []}'))
    with pytest.raises(InputError, match=r"broken\.json\.gz: not a CloudTrail log file"):
        read_cloudtrail([tmp_path], inventory, mapping)

    lenient = read_cloudtrail([tmp_path], inventory, mapping, skip_unreadable=True)
    assert len(lenient.records) == 1
    assert lenient.notes[0].startswith("1 unreadable files were skipped; windows may overstate")
    assert "broken.json.gz" in lenient.notes[0]


def test_missing_paths_and_empty_folders_are_input_errors(
    tmp_path: Path, inventory: Inventory, mapping: CloudTrailMapping
) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        read_cloudtrail([tmp_path / "nope"], inventory, mapping)
    with pytest.raises(InputError, match="no CloudTrail log files"):
        read_cloudtrail([tmp_path], inventory, mapping)


def _peak_memory(root: Path, files: int, inventory: Inventory, mapping: CloudTrailMapping) -> int:
    for i in range(files):
        day = T0 + timedelta(days=i)
        records = [
            _record(
                _role_caller(),
                "s3",
                "GetObject",
                {"bucketName": "lake", "key": f"k{j % 20}"},
                day + timedelta(seconds=j),
                eventCategory="Data",
            )
            for j in range(1000)
        ]
        _write(root, "eu-west-1", day, records)
    tracemalloc.start()
    try:
        evidence = read_cloudtrail([root], inventory, mapping)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(r.count for r in evidence.records) == files * 1000
    return peak


def test_memory_does_not_grow_with_the_number_of_events(
    tmp_path: Path, inventory: Inventory, mapping: CloudTrailMapping
) -> None:
    few = _peak_memory(tmp_path / "few", 2, inventory, mapping)
    many = _peak_memory(tmp_path / "many", 12, inventory, mapping)  # six times the events
    assert many < few * 1.5


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["k1", "k2", "k3"]), st.integers(0, 10_000), st.booleans()),
        min_size=1,
        max_size=60,
    )
)
def test_counts_and_times_aggregate_exactly(calls: list[tuple[str, int, bool]]) -> None:
    inventory = Inventory(
        identities=(
            Identity(
                id=IdentityId(ROLE),
                cloud=Cloud.AWS,
                kind=IdentityKind.ROLE,
                name="etl",
                container=ScopeId(ACCOUNT),
            ),
        )
    )
    accumulator = UsageAccumulator(inventory, _shared_mapping())
    for key, minute, denied in calls:
        extra = {"errorCode": "AccessDenied"} if denied else {}
        accumulator.add(
            _record(
                _role_caller(),
                "s3",
                "GetObject",
                {"bucketName": "b", "key": key},
                T0 + timedelta(minutes=minute),
                **extra,
            ),
            "cloudtrail-files",
        )
    evidence = accumulator.evidence()
    expected: dict[str, list[int]] = {}
    for key, minute, denied in calls:
        if not denied:
            expected.setdefault(key, []).append(minute)
    assert {
        r.resource.rsplit("/", 1)[-1]: (r.count, r.first_seen, r.last_seen)
        for r in evidence.records
    } == {
        key: (len(m), T0 + timedelta(minutes=min(m)), T0 + timedelta(minutes=max(m)))
        for key, m in expected.items()
    }
    everything = [minute for _, minute, _ in calls]
    assert [(w.start, w.end) for w in evidence.windows] == [
        (T0 + timedelta(minutes=min(everything)), T0 + timedelta(minutes=max(everything)))
    ]
