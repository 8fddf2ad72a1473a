"""``overgrant scan`` as a command: outputs, history, references, gate and exit codes.

The rule engine is replaced by a two-rule stand-in here (see ``helpers.small_engine``) so that
these tests are about the command; ``test_end_to_end.py`` runs the real rule pack.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from overgrant import api
from overgrant.baseline import load_baseline
from overgrant.model import Cloud, CoverageGap, GapReason, ScopeId
from overgrant.store import ScanStore
from tests.cli_scan.conftest import Repo
from tests.cli_scan.helpers import ADDED_ROLE, FIXED_ROLE, invoke

pytestmark = pytest.mark.usefixtures("engine")
WIDE = {"COLUMNS": "200"}


def scan(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = invoke("scan", *args, env={**WIDE, **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def one_line_error(stderr: str) -> str:
    assert stderr.startswith("overgrant: error: ") and stderr.count("\n") == 1, stderr
    return stderr


def test_table_by_default_and_the_scan_is_recorded(repo: Repo) -> None:
    code, out, err = scan(str(repo.first))
    assert code == 0, err
    assert "data-pipeline" in out and "OG101" in out
    assert "recorded scan 1 in .overgrant/history.sqlite" in err
    assert "gate: off" in err
    with ScanStore(repo.db) as store:
        [record] = store.list_scans()
        assert record.source == "estate-1.json"
        assert {f.identity for f in store.findings_of(1) if f.rule_id == "OG101"} == {
            FIXED_ROLE,
            "arn:aws:iam::333333333333:role/lambda-admin-automation",
        }
    assert (repo.root / ".overgrant" / ".gitignore").exists()


def test_one_format_on_stdout_the_others_in_files(repo: Repo) -> None:
    code, out, err = scan(str(repo.first), "--format", "json", "--no-history")
    assert code == 0, err
    assert isinstance(json.loads(out), dict)
    assert not repo.db.exists()

    code, out, err = scan(
        str(repo.first),
        *("--format", "json", "--format", "sarif", "--format", "markdown", "--format", "html"),
        *("--output-dir", "reports"),
    )
    assert code == 0, err
    written = sorted(p.name for p in (repo.root / "reports").iterdir())
    assert written == ["overgrant.html", "overgrant.json", "overgrant.md", "overgrant.sarif"]
    assert "OG101" in out  # the table still goes to stdout
    sarif = json.loads((repo.root / "reports" / "overgrant.sarif").read_text())
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result["locations"]
    }
    assert uris == {"estate-1.json"}  # the scanned snapshot, relative to the repository
    assert (
        (repo.root / "reports" / "overgrant.md").read_text().startswith("<!-- overgrant-report -->")
    )


def test_a_file_per_format_and_dash_o(repo: Repo) -> None:
    code, _, err = scan(
        str(repo.first),
        *("--markdown", "out/b.md", "--json", "c.json", "--html", "d.html"),
        *("--format", "sarif", "-o", "out/a.sarif"),
        "--artifact-uri",
        "infra/iam.tf",
    )
    assert code == 0, err
    for name in ("out/a.sarif", "out/b.md", "c.json", "d.html"):
        assert (repo.root / name).stat().st_size > 0, name
    assert "infra/iam.tf" in (repo.root / "out/a.sarif").read_text()
    assert not list(repo.root.glob("**/.*.tmp"))  # atomic writes leave no temporary files


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "json", "--format", "sarif"], "only one format can go to stdout"),
        (["-o", "x.json"], "-o/--output needs exactly one --format"),
        (["--format", "table", "-o", "x.json"], "-o/--output needs exactly one --format"),
        (["--baseline", "b.json", "--since-last"], "not both"),
        (["--baseline", "missing.json"], "missing.json: no such file"),
        (["--artifact-uri", "/abs/path.json", "--sarif", "x.sarif"], "--artifact-uri"),
    ],
)
def test_usage_errors_exit_2_with_one_line(repo: Repo, args: list[str], message: str) -> None:
    code, _, err = scan(str(repo.first), *args)
    assert code == 2
    assert message in one_line_error(err)
    assert not (repo.root / "x.json").exists()


def test_a_fixed_and_an_added_finding_since_the_last_scan(repo: Repo) -> None:
    assert scan(str(repo.first))[0] == 0
    code, out, err = scan(str(repo.second), "--since-last", "--fail-on", "high")
    assert code == 1, err
    assert "failed, 1 of 1 new finding(s) at or above high (against scan 1)" in err
    assert f"NEW high     OG101  {ADDED_ROLE}" in err
    assert "nightly-admin" in out

    listing = json.loads(invoke("diff", "--format", "json").stdout)
    assert listing["counts"] == {"new": 1, "fixed": 1, "unchanged": len(listing["unchanged"])}
    assert [f["identity"] for f in listing["new"]] == [ADDED_ROLE]
    assert [f["identity"] for f in listing["fixed"]] == [FIXED_ROLE]

    # the same change with a threshold above it passes; and again since the last: nothing new
    assert scan(str(repo.second), "--baseline", "none.json", "--fail-on", "critical")[0] == 2
    code, _, err = scan(str(repo.second), "--since-last", "--fail-on", "info")
    assert code == 0 and "passed, 0 of 0 new" in err


def test_without_a_reference_every_finding_is_new(repo: Repo) -> None:
    code, _, err = scan(str(repo.first), "--fail-on", "low", "--no-history")
    assert code == 1 and "failed, 9 of 9 new" in err
    code, _, err = scan(str(repo.first), "--since-last", "--fail-on", "low")
    assert code == 1 and "no earlier scan" in err


def test_baselined_findings_never_fail_the_gate(repo: Repo) -> None:
    code, _, err = scan(str(repo.first), "--write-baseline", "baseline.json", "--no-history")
    assert code == 0 and "wrote baseline baseline.json" in err
    assert len(load_baseline(repo.root / "baseline.json")) == 9

    code, _, err = scan(str(repo.first), "--baseline", "baseline.json", "--fail-on", "info")
    assert code == 0, err
    assert "passed, 0 of 0 new" in err

    code, _, err = scan(str(repo.second), "--baseline", "baseline.json", "--fail-on", "high")
    assert code == 1 and "1 of 1 new" in err and ADDED_ROLE in err
    # a baseline written from a baselined scan keeps what it accepted
    code, _, _ = scan(
        str(repo.second), "--baseline", "baseline.json", "--write-baseline", "next.json"
    )
    assert len(load_baseline(repo.root / "next.json")) == 9  # 8 kept + 1 new


def test_config_suppressions_never_fail_the_gate(repo: Repo) -> None:
    (repo.root / ".overgrant.yml").write_text(
        "suppressions:\n"
        "  - rule: OG101\n"
        '    identity: "*nightly-admin"\n'
        "    reason: break-glass role, reviewed monthly\n"
        "    owner: platform-team\n"
        "    expires: 2999-12-31\n"
    )
    assert scan(str(repo.first))[0] == 0
    code, _, err = scan(str(repo.second), "--since-last", "--fail-on", "high")
    assert code == 0, err  # .overgrant.yml in the current directory is read by default
    assert "passed" in err
    code, _, err = scan(str(repo.second), "--since-last", "--config", "none.yml")
    assert code == 2 and "none.yml" in one_line_error(err)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("suppressions: [{rule: OG101}]\n", "/suppressions/0"),
        ("severity_overrides: {OG101: severe}\n", "/severity_overrides/OG101"),
        ("rule_packs: [1, 2\n", "line"),
    ],
)
def test_a_bad_config_exits_2_naming_file_and_field(repo: Repo, text: str, where: str) -> None:
    (repo.root / "bad.yml").write_text(text)
    code, out, err = scan(str(repo.first), "--config", "bad.yml")
    assert code == 2 and out == ""
    assert "bad.yml" in one_line_error(err) and where in err
    assert not repo.db.exists()  # nothing scanned, nothing recorded


def test_history_location_from_option_and_environment(repo: Repo, tmp_path: Path) -> None:
    assert scan(str(repo.first), "--db", "elsewhere/h.sqlite")[0] == 0
    assert (repo.root / "elsewhere" / "h.sqlite").exists()
    env_db = str(tmp_path / "env.sqlite")
    code, _, err = scan(str(repo.first), env={"OVERGRANT_DB": env_db})
    assert code == 0 and f"in {env_db}" in err
    assert not repo.db.exists()
    (repo.root / "junk.sqlite").write_text("not a database at all" * 50)
    code, out, err = scan(str(repo.first), "--db", "junk.sqlite", "--json", "r.json")
    assert code == 2 and "junk.sqlite: not an SQLite database" in one_line_error(err)
    assert out == "" and not (repo.root / "r.json").exists()  # refused before scanning


def test_require_complete_exits_3_after_writing(repo: Repo) -> None:
    inventory = api.load_snapshot(repo.first)
    gap = CoverageGap(
        cloud=Cloud.AWS,
        scope=ScopeId("aws/account/222222222222"),
        operation="iam:GetAccountAuthorizationDetails",
        reason=GapReason.ACCESS_DENIED,
    )
    api.save_snapshot(dataclasses.replace(inventory, coverage_gaps=(gap,)), "gappy.json")
    code, _, err = scan("gappy.json", "--require-complete", "--json", "r.json")
    assert code == 3
    assert err.splitlines()[-1].startswith("overgrant: error: 1 coverage gap(s)")
    assert (repo.root / "r.json").exists()
    assert scan("gappy.json", "--no-history")[0] == 0
    # a failed gate says more than an incomplete scan: exit 1
    assert scan("gappy.json", "--require-complete", "--fail-on", "high")[0] == 1


def test_help_documents_the_exit_codes_and_the_environment() -> None:
    text = invoke("scan", "--help", env=WIDE).stdout
    for line in ("0  no finding failed the gate", "1  the gate failed", "2  bad input", "3  "):
        assert line in text
    assert "OVERGRANT_DB" in text
