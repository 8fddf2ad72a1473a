"""``overgrant diff``: new, fixed and unchanged between recorded scans or against a baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from overgrant.baseline import save_baseline
from overgrant.findings import Severity
from overgrant.policies.result import SuppressionKind
from overgrant.store import ScanStore
from tests.cli_scan.helpers import invoke
from tests.store.factories import finding, scan_result, suppressed

KEPT = finding("OG101", "arn:aws:iam::1:role/kept")
FIXED = finding("OG202", "arn:aws:iam::1:role/fixed", Severity.CRITICAL)
ADDED = finding("OG301", "arn:aws:iam::1:role/added", Severity.MEDIUM, message="trust [bold]x")
MUTED = finding("OG410", "arn:aws:iam::1:role/muted", Severity.LOW)
WIDE = {"COLUMNS": "200"}


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """Three scans: {KEPT, FIXED, MUTED-suppressed}, {KEPT, ADDED, MUTED-suppressed}, {}."""
    path = tmp_path / "h.sqlite"
    with ScanStore(path) as store:
        store.record(scan_result([KEPT, FIXED], [suppressed(MUTED)], source="one.json"))
        store.record(scan_result([KEPT, ADDED], [suppressed(MUTED)], source="two.json"))
        store.record(scan_result([], [suppressed(KEPT, SuppressionKind.BASELINE)]))
    return path


def diff_json(*args: str) -> dict[str, object]:
    result = invoke("diff", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def rules(data: dict[str, object], key: str) -> list[str]:
    items = data[key]
    assert isinstance(items, list)
    return [item["rule_id"] for item in items]


def test_two_scans_by_id(history: Path) -> None:
    data = diff_json("--db", str(history), "1", "2")
    assert data["format"] == "overgrant-diff" and data["format_version"] == 1
    assert data["counts"] == {"new": 1, "fixed": 1, "unchanged": 1}
    assert (rules(data, "new"), rules(data, "fixed"), rules(data, "unchanged")) == (
        ["OG301"],
        ["OG202"],
        ["OG101"],
    )
    assert data["earlier"] == {"scan": {**data["earlier"]["scan"], "id": 1, "source": "one.json"}}  # type: ignore[index]


def test_default_is_the_latest_against_the_one_before(history: Path) -> None:
    data = diff_json("--db", str(history))
    # scan 3 still has KEPT, as baselined: it is unchanged, not fixed
    assert data["counts"] == {"new": 0, "fixed": 1, "unchanged": 1}
    assert rules(diff_json("--db", str(history), "2"), "new") == ["OG301"]


def test_against_a_baseline_file(history: Path, tmp_path: Path) -> None:
    save_baseline([KEPT, FIXED], tmp_path / "b.json")
    data = diff_json("--db", str(history), "--baseline", str(tmp_path / "b.json"), "2")
    assert (rules(data, "new"), rules(data, "fixed")) == (["OG301"], ["OG202"])
    assert data["earlier"] == {"baseline": str(tmp_path / "b.json")}


def test_environment_names_the_history(history: Path) -> None:
    result = invoke("diff", "--format", "json", env={"OVERGRANT_DB": str(history)})
    assert result.exit_code == 0 and json.loads(result.stdout)["later"]["scan"]["id"] == 3


def test_table(history: Path) -> None:
    result = invoke("diff", "--db", str(history), "1", "2", env=WIDE)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Findings: scan 1 → scan 2")
    rows = [line for line in lines if "role/" in line or "kept" in line]
    assert [r.split()[1] for r in rows] == ["NEW", "FIXED", "unchanged"]
    assert "trust [bold]x" in result.stdout  # cloud-supplied text is not read as markup
    assert "1 new, 1 fixed, 1 unchanged (scan 1 → scan 2; scan 2 of two.json" in result.stdout
    only = invoke("diff", "--db", str(history), "1", "2", "--only-changes", env=WIDE).stdout
    assert "unchanged " not in only.replace("1 unchanged", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1", "2", "3"], "at most two scan ids"),
        (["9", "2"], "no scan with id 9"),
        (["--baseline", "b.json", "1", "2"], "at most one scan id with --baseline"),
        (["--baseline", "missing.json"], "missing.json: no such file"),
    ],
)
def test_errors_exit_2_with_one_line(history: Path, args: list[str], message: str) -> None:
    result = invoke("diff", "--db", str(history), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("overgrant: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr


def test_without_history_or_with_one_scan(tmp_path: Path) -> None:
    result = invoke("diff", "--db", str(tmp_path / "none.sqlite"))
    assert result.exit_code == 2 and "no scan history here" in result.stderr
    assert not (tmp_path / "none.sqlite").exists()
    with ScanStore(tmp_path / "one.sqlite") as store:
        store.record(scan_result([KEPT]))
    result = invoke("diff", "--db", str(tmp_path / "one.sqlite"))
    assert result.exit_code == 2 and "scan 1 is the first in the history" in result.stderr
