"""The CloudTrail generator writes logs as CloudTrail delivers them, with a consistent truth."""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from ctgen_events import BY_ACTION, visibility  # noqa: E402
from generate_aws_org import write_organization  # noqa: E402
from generate_cloudtrail import GROUND_TRUTH, generate, read_ground_truth  # noqa: E402

from overgrant import api  # noqa: E402
from overgrant.catalogs.aws import load_aws_catalog  # noqa: E402
from overgrant.graph.effective.aws import AwsEvaluator, Outcome  # noqa: E402

KEY = re.compile(
    r"AWSLogs/(?P<account>\d{12})/CloudTrail/(?P<region>[a-z]{2}-[a-z]+-\d)/"
    r"(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/"
    r"(?P=account)_CloudTrail_(?P=region)_(?P<stamp>\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz"
)
FIELDS = (
    "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
    "sourceIPAddress", "userAgent", "requestParameters", "responseElements", "requestID",
    "eventID", "readOnly", "eventType", "managementEvent", "recipientAccountId", "eventCategory",
)  # fmt: skip
DAYS = 20


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cloudtrail")
    org, out = root / "org", root / "trail"
    write_organization(org, 60, seed=5)
    generate(org, out, days=DAYS, seed=9)
    return org, out


def _logs(out: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    found = []
    for path in sorted((out / "AWSLogs").rglob("*")):
        if path.is_file():
            document = json.loads(gzip.decompress(path.read_bytes()))
            assert list(document) == ["Records"], path
            found.append((path.relative_to(out).as_posix(), document["Records"]))
    return found


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_log_files_are_named_and_shaped_as_cloudtrail_delivers_them(
    generated: tuple[Path, Path],
) -> None:
    _, out = generated
    truth = read_ground_truth(out)
    start, end = _time(truth["window"]["start"]), _time(truth["window"]["end"])
    logs = _logs(out)
    assert logs, "no log files written"
    for key, records in logs:
        match = KEY.fullmatch(key)
        assert match is not None, key
        delivered = datetime.strptime(match["stamp"], "%Y%m%dT%H%MZ")
        assert (match["y"], match["m"], match["d"]) == (
            f"{delivered.year:04d}", f"{delivered.month:02d}", f"{delivered.day:02d}",
        )  # fmt: skip
        for event in records:
            assert all(name in event for name in FIELDS), event
            assert event["recipientAccountId"] == match["account"]
            assert event["awsRegion"] == match["region"]
            assert start <= _time(event["eventTime"]) < end
            assert event["eventTime"][:13] <= delivered.strftime("%Y-%m-%dT%H")
            identity = event["userIdentity"]
            assert identity["type"] == "AssumedRole"
            issuer = identity["sessionContext"]["sessionIssuer"]
            assert issuer["type"] == "Role" and issuer["arn"] in truth["roles"]
            name = issuer["arn"].rsplit("/", 1)[1]
            assert identity["arn"].startswith(
                f"arn:aws:sts::{match['account']}:assumed-role/{name}/"
            )
            assert event["eventType"] == "AwsApiCall"
            category = "Management" if event["managementEvent"] else "Data"
            assert event["eventCategory"] == category


def test_every_logged_call_is_in_the_files_and_nothing_else_is(
    generated: tuple[Path, Path],
) -> None:
    _, out = generated
    truth = read_ground_truth(out)
    data_events = tuple(truth["trail"]["data_events"])
    expected: Counter[tuple[str, str, str]] = Counter()
    for arn, role in truth["roles"].items():
        for used in role["used"]:
            assert used["visibility"] == visibility(used["action"], data_events)
            if used["visibility"] == "logged":
                spec = BY_ACTION[used["action"].lower()]
                expected[(arn, spec.source, used["action"])] += used["calls"]
    seen: Counter[tuple[str, str, str]] = Counter()
    for _, records in _logs(out):
        for event in records:
            issuer = event["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"]
            candidates = [
                s.action
                for s in BY_ACTION.values()
                if s.source == event["eventSource"] and event["eventName"] in s.names
            ]
            assert candidates, (event["eventSource"], event["eventName"])
            if event["eventCategory"] == "Data":
                assert event["eventSource"].split(".")[0] in data_events
            # GetObject with a versionId needed s3:GetObjectVersion; without, s3:GetObject.
            versioned = "versionId" in (event["requestParameters"] or {})
            action = "s3:GetObjectVersion" if versioned else candidates[0]
            seen[(issuer, event["eventSource"], action)] += 1
    assert seen == expected
    assert sum(seen.values()) == sum(a["records"] for a in truth["accounts"].values())


def test_ground_truth_uses_only_what_the_role_may_do_today(generated: tuple[Path, Path]) -> None:
    org, out = generated
    truth = read_ground_truth(out)
    inventory = api.import_aws_authz(
        sorted(p for p in org.glob("*.json") if p.stem.isdigit()),
        organization=org / "organization.json",
    )
    evaluator = AwsEvaluator(inventory, load_aws_catalog())
    roles = truth["roles"]
    assert len(roles) == sum(1 for i in inventory.identities if i.kind.value == "role")
    profiles = Counter(role["profile"] for role in roles.values())
    assert set(profiles) <= {"idle", "light", "typical", "heavy"} and len(profiles) >= 3
    used_pairs = [(arn, u) for arn, role in roles.items() for u in role["used"]]
    assert {u["visibility"] for _, u in used_pairs} == {"logged", "data-off", "never"}
    for arn, used in used_pairs:
        # Allowed on some resource without conditions (the generator checked the exact call
        # in its context); and inside the role's window.
        assert evaluator.effective(arn).outcome(used["action"]) is Outcome.ALLOWED
        window = roles[arn]["window"]
        assert window["start"] <= used["first"] <= used["last"] < window["end"]
        assert used["calls"] >= 1
    for role in roles.values():
        used_actions = {u["action"] for u in role["used"]}
        used_resources = {(u["action"], u["resource"]) for u in role["used"]}
        for decoy in role["unused_resources"]:
            assert decoy["action"] in used_actions
            assert (decoy["action"], decoy["resource"]) not in used_resources


def test_the_same_seed_gives_the_same_bytes(generated: tuple[Path, Path], tmp_path: Path) -> None:
    org, out = generated
    again = tmp_path / "again"
    generate(org, again, days=DAYS, seed=9)
    assert (again / GROUND_TRUTH).read_bytes() == (out / GROUND_TRUTH).read_bytes()
    first = dict(_logs(out))
    assert dict(_logs(again)) == first
