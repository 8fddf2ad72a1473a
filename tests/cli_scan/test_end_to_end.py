"""``overgrant scan`` with the real rule pack, in process and as a real command.

The second estate is the sample with data-pipeline's AdministratorAccess taken away and a new
role, nightly-admin, given it. With the config narrowed to OG101 (a workload holding admin)
that is exactly one fixed and one new finding, and the gate fails only for the new one.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from overgrant.cli.main import cli
from overgrant.policies.loader import load_builtin_rules
from tests.cli_scan.conftest import Repo
from tests.cli_scan.helpers import ADDED_ROLE, FIXED_ROLE, invoke, run_overgrant

WIDE = {"COLUMNS": "200"}


@pytest.fixture
def only_og101(repo: Repo) -> Path:
    """``.overgrant.yml`` that disables every built-in rule but OG101."""
    others = sorted(r.id for r in load_builtin_rules() if r.id != "OG101")
    path = repo.root / ".overgrant.yml"
    path.write_text(yaml.safe_dump({"disabled_rules": others}))
    return path


@pytest.fixture
def registered() -> None:
    if "scan" not in cli.commands or "diff" not in cli.commands:
        pytest.fail("register the 'scan' and 'diff' commands in src/overgrant/cli/main.py")


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "OVERGRANT_DB"}
    return {**env, "COLUMNS": "200", **extra}


@pytest.mark.usefixtures("only_og101")
def test_one_fixed_one_new_in_process(repo: Repo) -> None:
    first = invoke("scan", str(repo.first), env=WIDE)
    assert first.exit_code == 0, first.stderr
    second = invoke(
        "scan",
        str(repo.second),
        "--since-last",
        "--fail-on",
        "critical",
        "--json",
        "r.json",
        env=WIDE,
    )
    assert second.exit_code == 1, second.stderr
    assert "failed, 1 of 1 new finding(s) at or above critical (against scan 1)" in second.stderr
    assert f"OG101  {ADDED_ROLE}" in second.stderr
    assert FIXED_ROLE not in second.stderr

    data = json.loads(invoke("diff", "--format", "json").stdout)
    assert [f["identity"] for f in data["new"]] == [ADDED_ROLE]
    assert [f["identity"] for f in data["fixed"]] == [FIXED_ROLE]
    assert {f["rule_id"] for f in data["new"] + data["fixed"] + data["unchanged"]} == {"OG101"}


def test_with_the_whole_pack_every_change_is_about_the_two_roles(repo: Repo) -> None:
    assert invoke("scan", str(repo.first)).exit_code == 0
    assert invoke("scan", str(repo.second)).exit_code == 0
    data = json.loads(invoke("diff", "--format", "json").stdout)
    assert {f["identity"] for f in data["new"]} == {ADDED_ROLE}
    assert {f["identity"] for f in data["fixed"]} == {FIXED_ROLE}
    assert {f["rule_id"] for f in data["new"]} == {f["rule_id"] for f in data["fixed"]}
    assert "OG101" in {f["rule_id"] for f in data["new"]}


@pytest.mark.usefixtures("registered", "only_og101")
def test_one_fixed_one_new_as_a_command(repo: Repo) -> None:
    env = environment()
    first = run_overgrant(
        "scan", "estate-1.json", "--write-baseline", "b.json", cwd=repo.root, env=env
    )
    assert first.returncode == 0, first.stderr
    assert "recorded scan 1" in first.stderr

    for reference in (["--since-last"], ["--baseline", "b.json"]):
        failing = run_overgrant(
            "scan",
            "estate-2.json",
            *reference,
            "--fail-on",
            "critical",
            "--no-history",
            cwd=repo.root,
            env=env,
        )
        assert failing.returncode == 1, failing.stderr
        assert "1 of 1 new" in failing.stderr and ADDED_ROLE in failing.stderr

    diff = run_overgrant("diff", "--baseline", "b.json", "--format", "json", cwd=repo.root, env=env)
    assert json.loads(diff.stdout)["counts"]["new"] == 0  # scan 1 is the latest recorded
    recorded = run_overgrant("scan", "estate-2.json", cwd=repo.root, env=env)
    assert recorded.returncode == 0 and "recorded scan 2" in recorded.stderr
    table = run_overgrant("diff", cwd=repo.root, env=env)
    assert table.returncode == 0
    assert "1 new, 1 fixed, " in table.stdout and "(scan 1 → scan 2;" in table.stdout


@pytest.mark.usefixtures("registered", "only_og101")
def test_suppressed_and_baselined_findings_never_fail_as_a_command(repo: Repo) -> None:
    env = environment()
    config = yaml.safe_load((repo.root / ".overgrant.yml").read_text())
    config["suppressions"] = [
        {
            "rule": "OG101",
            "identity": "*nightly-admin",
            "reason": "break-glass role",
            "owner": "platform-team",
            "expires": "2999-12-31",
        }
    ]
    (repo.root / ".overgrant.yml").write_text(yaml.safe_dump(config))
    suppressed = run_overgrant(
        "scan", "estate-2.json", "--fail-on", "info", "--no-history", cwd=repo.root, env=env
    )
    assert suppressed.returncode == 1  # without a reference the two other OG101 findings fail
    assert ADDED_ROLE not in suppressed.stderr
    run_overgrant(
        "scan",
        "estate-2.json",
        "--no-history",
        "--write-baseline",
        "all.json",
        cwd=repo.root,
        env=env,
    )
    baselined = run_overgrant(
        "scan",
        "estate-2.json",
        "--baseline",
        "all.json",
        "--fail-on",
        "info",
        "--no-history",
        cwd=repo.root,
        env=env,
    )
    assert baselined.returncode == 0, baselined.stderr


@pytest.mark.usefixtures("registered")
@pytest.mark.parametrize(
    ("files", "config", "expected"),
    [
        ({}, "disabled_rules: OG101\n", ["/disabled_rules"]),
        ({}, "suppressions:\n  - {rule: OG101, identity: x}\n", ["/suppressions/0"]),
        ({}, "disabled_rules: [OG999]\n", ["OG999"]),
        (
            {"pack/OG901-mine.yaml": "id: OG901\nname: mine\nkind: no-such-kind\n"},
            "rule_packs: [pack]\n",
            ["OG901-mine.yaml"],
        ),
    ],
)
def test_bad_config_or_rule_file_exits_2_with_one_line(
    repo: Repo, files: dict[str, str], config: str, expected: list[str]
) -> None:
    for name, text in files.items():
        (repo.root / name).parent.mkdir(parents=True, exist_ok=True)
        (repo.root / name).write_text(text)
    (repo.root / ".overgrant.yml").write_text(config)
    result = run_overgrant(
        "scan", "estate-1.json", "--sarif", "x.sarif", cwd=repo.root, env=environment()
    )
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("overgrant: error: ") and result.stderr.count("\n") == 1
    for text in expected:
        assert text in result.stderr
    assert not (repo.root / "x.sarif").exists() and not repo.db.exists()


@pytest.mark.usefixtures("registered")
def test_sample_scan_writes_every_format(tmp_path: Path) -> None:
    result = run_overgrant(
        "scan",
        "--sample",
        "--output-dir",
        "out",
        "--format",
        "table",
        "--format",
        "json",
        "--format",
        "sarif",
        "--format",
        "markdown",
        "--format",
        "html",
        "--no-history",
        cwd=tmp_path,
        env=environment(),
    )
    assert result.returncode == 0, result.stderr
    assert "OG101" in result.stdout
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["overgrant.html", "overgrant.json", "overgrant.md", "overgrant.sarif"]
    sarif = json.loads((tmp_path / "out" / "overgrant.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
        for loc in r["locations"]
    }
    assert uris == {".overgrant.yml"}
    assert sys.executable  # the same interpreter ran the command
