"""The Action's helper scripts on their own: the comment, the summary and the gate step.

Each script runs as the runner runs it (``python scripts/action/<step>.py`` in a fresh process)
with a prepared environment and a ready Markdown report, against the local REST stand-in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.action.conftest import PR_NUMBER, ROOT, Job
from tests.action.runner import parse_outputs

MARKER = "<!-- overgrant-report -->"
SCRIPTS = ROOT / "scripts" / "action"


def run_script(name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / name)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def report(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overgrant.md"
    path.write_text(text)
    return path


def test_comment_is_created_then_updated_on_a_later_page(job: Job, tmp_path: Path) -> None:
    for i in range(130):  # the PR already has a long discussion: our comment lands on page 2
        job.github.add_comment(PR_NUMBER, f"review remark {i}")
    output = tmp_path / "out"
    env = job.script_env(
        GITHUB_TOKEN="ghs_local_test_token",
        GITHUB_OUTPUT=str(output),
        OVERGRANT_MARKDOWN=str(report(tmp_path, f"{MARKER}\n## first\n")),
        OVERGRANT_EXIT_CODE="1",
        OVERGRANT_FAIL_ON="high",
    )
    first = run_script("comment.py", env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "created" in first.stdout
    [created] = job.github.marked(PR_NUMBER, MARKER)
    assert "## first" in created["body"] and "failed" in created["body"]
    assert parse_outputs(output.read_text())["comment-id"] == str(created["id"])

    env["OVERGRANT_MARKDOWN"] = str(report(tmp_path, f"{MARKER}\n## second\n"))
    env["OVERGRANT_EXIT_CODE"] = "0"
    second = run_script("comment.py", env)
    assert second.returncode == 0 and "updated" in second.stdout
    [updated] = job.github.marked(PR_NUMBER, MARKER)
    assert updated["id"] == created["id"] and "## second" in updated["body"]
    assert "passed" in updated["body"]
    pages = [r.query.get("page", ["1"])[0] for r in job.github.requests if r.method == "GET"]
    assert pages == ["1", "2", "1", "2"]
    assert [(r.method, r.path) for r in job.github.writes()] == [
        ("POST", f"/repos/octo-org/estate/issues/{PR_NUMBER}/comments"),
        ("PATCH", f"/repos/octo-org/estate/issues/comments/{created['id']}"),
    ]
    for request in job.github.requests:
        assert request.headers["authorization"] == "Bearer ghs_local_test_token"
        assert request.headers["x-github-api-version"] == "2022-11-28"


def test_a_report_without_the_marker_gets_it(job: Job, tmp_path: Path) -> None:
    env = job.script_env(
        GITHUB_TOKEN="ghs_local_test_token",
        OVERGRANT_MARKDOWN=str(report(tmp_path, "## plain report\n")),
        OVERGRANT_EXIT_CODE="0",
        OVERGRANT_FAIL_ON="high",
    )
    assert run_script("comment.py", env).returncode == 0
    assert run_script("comment.py", env).returncode == 0
    [comment] = job.github.marked(PR_NUMBER, MARKER)
    assert comment["body"].startswith(MARKER)


def test_outside_a_pull_request_nothing_is_posted(job: Job, tmp_path: Path) -> None:
    job.event.write_text(json.dumps({"ref": "refs/heads/main", "commits": []}))
    env = job.script_env(
        GITHUB_TOKEN="ghs_local_test_token",
        OVERGRANT_MARKDOWN=str(report(tmp_path, f"{MARKER}\nx\n")),
    )
    result = run_script("comment.py", env)
    assert result.returncode == 0 and "not a pull request" in result.stdout
    assert job.github.requests == []


@pytest.mark.parametrize("status", [403, 500])
def test_a_refused_comment_warns_and_does_not_fail_the_step(
    job: Job, tmp_path: Path, status: int
) -> None:
    job.github.refuse_writes = status
    env = job.script_env(
        GITHUB_TOKEN="ghs_local_test_token",
        OVERGRANT_MARKDOWN=str(report(tmp_path, f"{MARKER}\nx\n")),
    )
    result = run_script("comment.py", env)
    assert result.returncode == 0
    assert result.stdout.startswith("::warning::overgrant: could not comment")
    assert ("pull-requests: write" in result.stdout) == (status == 403)


def test_a_wrong_token_is_reported_as_a_warning(job: Job, tmp_path: Path) -> None:
    env = job.script_env(
        GITHUB_TOKEN="not-the-token", OVERGRANT_MARKDOWN=str(report(tmp_path, "x"))
    )
    result = run_script("comment.py", env)
    assert result.returncode == 0 and "HTTP 401" in result.stdout


def test_summary_appends_the_report_and_the_verdict(job: Job, tmp_path: Path) -> None:
    job.summary.write_text("earlier step's summary\n")
    env = job.script_env(
        OVERGRANT_MARKDOWN=str(report(tmp_path, f"{MARKER}\n## Findings\n")),
        OVERGRANT_EXIT_CODE="1",
        OVERGRANT_FAIL_ON="critical",
    )
    assert run_script("summary.py", env).returncode == 0
    text = job.summary.read_text()
    assert text.startswith("earlier step's summary\n" + MARKER)
    assert "## Findings" in text and "fail-on `critical`" in text and "failed" in text


def test_summary_of_a_huge_report_stays_under_githubs_limit(job: Job, tmp_path: Path) -> None:
    env = job.script_env(OVERGRANT_MARKDOWN=str(report(tmp_path, "é" * 900_000)))
    assert run_script("summary.py", env).returncode == 0
    data = job.summary.read_bytes()
    assert len(data) <= 1_000_000 and b"was cut" in data


@pytest.mark.parametrize(("code", "expected"), [("0", 0), ("1", 1), ("2", 2), ("", 2)])
def test_gate_step_exits_with_the_scans_code(job: Job, code: str, expected: int) -> None:
    result = run_script(
        "gate.py", job.script_env(OVERGRANT_EXIT_CODE=code, OVERGRANT_FAIL_ON="high")
    )
    assert result.returncode == expected
    assert result.stdout.startswith("::error::" if expected else "overgrant: ")


def test_scan_step_refuses_a_bad_fail_on_and_a_missing_snapshot(job: Job) -> None:
    bad = run_script(
        "scan.py", job.script_env(OVERGRANT_SNAPSHOT="x.json", OVERGRANT_FAIL_ON="severe")
    )
    assert bad.returncode == 2 and "fail-on must be one of" in bad.stdout
    missing = run_script("scan.py", job.script_env())
    assert missing.returncode == 2 and "give the 'snapshot' input" in missing.stdout
