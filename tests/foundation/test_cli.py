"""The command line as a user runs it: real processes, exit codes, files left behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from overgrant.sample import sample_files


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "overgrant", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_inventory_of_the_sample_needs_no_account() -> None:
    result = run("inventory", "--sample")
    assert result.returncode == 0, result.stderr
    assert "role" in result.stdout and "Active keys by age" in result.stdout
    assert "Coverage gaps: none" in result.stdout


def test_import_then_inventory_as_json(tmp_path: Path) -> None:
    files = {p.name: p for p in sample_files()}
    out = tmp_path / "snap.json"
    result = run(
        "import",
        "aws-authz",
        str(files["222222222222.authz.json"]),
        "--organization",
        str(files["organization.json"]),
        "--credential-report",
        str(files["222222222222.credential-report.csv"]),
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stderr
    summary = json.loads(run("inventory", str(out), "--format", "json").stdout)
    kinds = {(row["kind"]): row["count"] for row in summary["identities_by_cloud_kind"]}
    assert kinds["role"] == 10
    assert summary["accounts"] == 4  # account names and OUs come from the organization export


BAD_INPUTS = {
    "truncated": '{"RoleDetailList": [',
    "other-shape": '{"Buckets": []}',
    "encoded-garbage": json.dumps(
        {"RoleDetailList": [{"Arn": "arn:aws:iam::1:role/x", "AssumeRolePolicyDocument": "%7B%22"}]}
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_import_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, name: str) -> None:
    source = tmp_path / "export.json"
    source.write_text(BAD_INPUTS[name])
    out = tmp_path / "snap.json"
    result = run("import", "aws-authz", str(source), "-o", str(out))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("overgrant: error: ")
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]


def test_bad_snapshot_exits_2(tmp_path: Path) -> None:
    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps({"format": "overgrant-snapshot", "format_version": 99}))
    result = run("inventory", str(snap))
    assert result.returncode == 2
    assert "format version 99 is not supported" in result.stderr
    assert result.stderr.count("\n") == 1


def test_usage_errors_exit_2() -> None:
    assert run("inventory").returncode == 2
    assert run("no-such-command").returncode == 2
