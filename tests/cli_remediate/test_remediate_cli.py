"""``overgrant remediate`` end to end, as a user runs it: the sample estate and its CloudTrail
logs in, a proven plan, Pulumi programs committed on a branch, and a pull request opened
against a GitHub stand-in on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from overgrant import api
from overgrant.cli.main import cli
from overgrant.remediation.plan import PlanStatus, RemediationPlan
from tests.remediation.pull_request.fake_pulls import FakePulls
from tests.remediation.pull_request.gitrepo import git, make_repo
from tests.remediation.pulumi.harness import run_under_mocks

TOKEN = "ghs_remediate_cli_token"


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))


@pytest.fixture(scope="module")
def sample_plan() -> RemediationPlan:
    inventory = api.sample_inventory()
    return api.remediate(inventory, api.sample_usage(inventory))


def test_every_proposal_on_the_sample_is_proven(sample_plan: RemediationPlan) -> None:
    proposed = sample_plan.proposed
    assert len(proposed) >= 5
    for plan in proposed:
        assert plan.proof is not None and plan.proof.passed, plan.identity
        assert plan.proof.replay_denials == 0
        assert plan.proof.replayed_calls > 0
        assert plan.kept_actions < plan.granted_actions
    by_name = {(p.account, p.name): p for p in sample_plan.plans}
    admin = by_name[("222222222222", "data-pipeline")]
    assert admin.granted_actions > 10_000 and admin.kept_actions < 200
    # What CloudTrail cannot show is kept and flagged, never removed for lack of evidence.
    retained = {r.action for r in admin.retained}
    assert {"execute-api:Invoke", "iam:PassRole", "rds-db:connect"} <= retained
    # Account 444444444444 has no trail: nothing is proposed there.
    assert by_name[("444444444444", "security-audit")].status is PlanStatus.NO_EVIDENCE
    # Account 111111111111 has only days of trail: nothing is removed, everything is flagged.
    short = by_name[("111111111111", "ci-deploy")]
    assert short.status is PlanStatus.NOTHING_TO_REMOVE
    assert "evidence covers only" in short.summary


def test_the_sample_programs_run_under_mocks_and_declare_the_proven_documents(
    sample_plan: RemediationPlan, tmp_path: Path
) -> None:
    programs = api.remediation_programs(sample_plan, api.sample_inventory())
    assert set(programs) == {p.account for p in sample_plan.proposed}
    for account, program in programs.items():
        registered = run_under_mocks(program, tmp_path / account)
        declared = [
            json.loads(r["inputs"]["policy"]) for r in registered.of_type("aws:iam/policy:Policy")
        ]
        expected = [
            policy.document
            for plan in sample_plan.proposed
            if plan.account == account
            for policy in plan.new_policies
        ]
        assert sorted(map(json.dumps, declared)) == sorted(map(json.dumps, expected))


def test_plan_only_without_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = CliRunner().invoke(cli, ["remediate", "--sample"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "data-pipeline" in result.output and "proposed" in result.output
    assert not list(work.iterdir())  # nothing written without --out


def test_no_usage_is_a_clear_error(tmp_path: Path) -> None:
    snapshot = tmp_path / "estate.json"
    api.save_snapshot(api.sample_inventory(), snapshot)
    result = CliRunner().invoke(cli, ["remediate", str(snapshot)])
    assert result.exit_code == 2
    assert "--usage" in result.output


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    return bare


@pytest.fixture
def github(origin: Path) -> Iterator[FakePulls]:
    with FakePulls(token=TOKEN, remote=origin) as fake:
        yield fake


def test_sample_branch_commit_and_pull_request(
    tmp_path: Path, origin: Path, github: FakePulls, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "estate")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "--quiet", "origin", "main")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    body_file = tmp_path / "body.md"
    result = CliRunner().invoke(
        cli,
        [
            "remediate",
            "--sample",
            "--out",
            str(repo),
            "--branch",
            "overgrant/least-privilege",
            "--body-file",
            str(body_file),
            "--pr",
            "--repo",
            github.repository,
            "--api-url",
            github.url,
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "opened pull request #1" in result.output
    files = git(repo, "show", "--name-only", "--format=", "overgrant/least-privilege").split()
    assert "overgrant-remediation/aws-222222222222/__main__.py" in files
    assert not any("aws-444444444444" in f for f in files)  # no evidence, no program
    (sent,) = github.pulls
    body = body_file.read_text(encoding="utf-8")
    assert sent["head"] == "overgrant/least-privilege" and sent["base"] == "main"
    assert sent["body"] == body
    assert "data-pipeline" in body and "roll back" in body.lower()
    message = git(repo, "log", "-1", "--format=%B", "overgrant/least-privilege")
    assert message.strip().endswith(body.strip())
    # The branch reached the remote, and the user's own branch is untouched.
    assert git(origin, "rev-parse", "--verify", "overgrant/least-privilege")
    assert git(repo, "rev-parse", "main") == git(origin, "rev-parse", "main")
