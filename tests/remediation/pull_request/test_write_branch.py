"""write_branch and push_branch with real git in temporary directories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from overgrant.remediation.pull_request import PullRequestError, push_branch, write_branch
from overgrant.remediation.pulumi import GeneratedProgram, render_aws_programs
from tests.remediation.pull_request.gitrepo import git, make_repo
from tests.remediation.pulumi import plans

BRANCH = "overgrant/least-privilege-2026-04-01"
MESSAGE = "Least-privilege IAM for 3 identities (overgrant)"


@pytest.fixture(scope="module")
def programs() -> dict[str, GeneratedProgram]:
    return render_aws_programs(plans.remediation_plan(), plans.inventory())


def committed_files(repo: Path, ref: str) -> list[str]:
    return git(repo, "show", "--name-only", "--format=", ref).splitlines()


def test_programs_are_committed_on_a_new_branch_of_an_existing_tree(
    tmp_path: Path, programs: dict[str, GeneratedProgram]
) -> None:
    repo = make_repo(tmp_path / "infra")
    (repo / "notes.txt").write_text("staged, not ours\n")
    git(repo, "add", "notes.txt")
    (repo / "scratch.txt").write_text("untracked, not ours\n")

    sha = write_branch(repo, programs, BRANCH, MESSAGE)

    assert sha == git(repo, "rev-parse", f"refs/heads/{BRANCH}")
    assert git(repo, "symbolic-ref", "--short", "HEAD") == BRANCH
    assert git(repo, "rev-parse", "HEAD~1") == git(repo, "rev-parse", "main")
    expected = sorted(
        f"overgrant-remediation/{p.directory}/{name}" for p in programs.values() for name in p.files
    )
    assert sorted(committed_files(repo, sha)) == expected
    main_py = "overgrant-remediation/aws-222222222222/__main__.py"
    assert (
        git(repo, "show", f"{sha}:{main_py}") + "\n"
        == (programs["222222222222"].files["__main__.py"])
    )
    assert git(repo, "log", "-1", "--format=%an <%ae>|%s", sha) == (
        f"Ada Lovelace <ada@example.org>|{MESSAGE}"
    )
    # The user's own work is left as it was: still staged, still untracked.
    assert git(repo, "status", "--porcelain", "--", "notes.txt", "scratch.txt").splitlines() == [
        "A  notes.txt",
        "?? scratch.txt",
    ]


def test_an_empty_directory_becomes_a_repository_with_a_base(
    tmp_path: Path, programs: dict[str, GeneratedProgram]
) -> None:
    out = tmp_path / "out"
    sha = write_branch(out, programs, BRANCH, MESSAGE)
    assert git(out, "log", "--format=%s", "main") == "Initial commit"
    assert git(out, "rev-parse", "HEAD~1") == git(out, "rev-parse", "main")
    # No git identity anywhere: the fallback author, set for this commit only.
    assert git(out, "log", "-1", "--format=%an <%ae>", sha) == "overgrant <overgrant@localhost>"
    assert (
        subprocess.run(
            ["git", "-C", str(out), "config", "--get", "user.name"],
            capture_output=True,
            check=False,
        ).returncode
        == 1
    )


def test_an_existing_branch_is_refused(
    tmp_path: Path, programs: dict[str, GeneratedProgram]
) -> None:
    repo = make_repo(tmp_path / "infra")
    git(repo, "branch", BRANCH)
    with pytest.raises(PullRequestError, match="already exists"):
        write_branch(repo, programs, BRANCH, MESSAGE)
    assert git(repo, "symbolic-ref", "--short", "HEAD") == "main"
    assert not (repo / "overgrant-remediation").exists()


def test_uncommitted_changes_in_the_programs_folder_are_refused(
    tmp_path: Path, programs: dict[str, GeneratedProgram]
) -> None:
    repo = make_repo(tmp_path / "infra")
    mine = repo / "overgrant-remediation" / "aws-222222222222" / "Pulumi.dev.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text("config: {}\n")
    with pytest.raises(PullRequestError, match="uncommitted changes"):
        write_branch(repo, programs, BRANCH, MESSAGE)
    assert mine.read_text() == "config: {}\n"
    assert git(repo, "branch", "--list", BRANCH) == ""


def test_a_folder_that_is_not_a_repository_is_not_turned_into_one(
    tmp_path: Path, programs: dict[str, GeneratedProgram]
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "index.md").write_text("hello\n")
    with pytest.raises(PullRequestError, match="not a git working tree"):
        write_branch(folder, programs, BRANCH, MESSAGE)
    assert not (folder / ".git").exists()


@pytest.mark.parametrize("branch", ["bad..name", "-delete", "ends.lock", "with space"])
def test_invalid_branch_names_are_refused(
    tmp_path: Path, programs: dict[str, GeneratedProgram], branch: str
) -> None:
    repo = make_repo(tmp_path / "infra")
    with pytest.raises(PullRequestError, match="not a valid git branch name"):
        write_branch(repo, programs, branch, MESSAGE)


def test_a_failed_commit_leaves_the_tree_as_it_was(
    tmp_path: Path, programs: dict[str, GeneratedProgram]
) -> None:
    repo = make_repo(tmp_path / "infra")
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy check failed' >&2\nexit 1\n")
    hook.chmod(0o755)
    with pytest.raises(PullRequestError, match="policy check failed"):
        write_branch(repo, programs, BRANCH, MESSAGE)
    assert git(repo, "symbolic-ref", "--short", "HEAD") == "main"
    assert git(repo, "branch", "--list", BRANCH) == ""
    assert git(repo, "status", "--porcelain") == ""


def test_programs_folder_must_stay_inside_the_repository(
    tmp_path: Path, programs: dict[str, GeneratedProgram]
) -> None:
    repo = make_repo(tmp_path / "infra")
    with pytest.raises(PullRequestError, match="relative path inside"):
        write_branch(repo, programs, BRANCH, MESSAGE, subdirectory="../elsewhere")


def test_push_sends_the_branch_to_the_remote(
    tmp_path: Path, programs: dict[str, GeneratedProgram]
) -> None:
    remote = tmp_path / "origin.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    repo = make_repo(tmp_path / "infra")
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "--quiet", "origin", "main")
    sha = write_branch(repo, programs, BRANCH, MESSAGE)
    push_branch(repo, BRANCH)
    assert git(remote, "rev-parse", f"refs/heads/{BRANCH}") == sha
    with pytest.raises(PullRequestError, match="git push failed"):
        push_branch(repo, BRANCH, remote="nowhere")
