"""open_pull_request against a GitHub stand-in on 127.0.0.1, and the whole flow end to end."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from overgrant.remediation.pr_body import render_pr_body
from overgrant.remediation.pull_request import (
    PullRequestError,
    open_pull_request,
    push_branch,
    write_branch,
)
from overgrant.remediation.pulumi import render_aws_programs
from tests.remediation.pull_request.fake_pulls import FakePulls
from tests.remediation.pull_request.gitrepo import git, make_repo
from tests.remediation.pulumi import plans

TOKEN = "ghs_test_token_0123456789"
BRANCH = "overgrant/least-privilege"


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare origin with ``main`` and a pushed ``BRANCH``."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(origin)], check=True)
    repo = make_repo(tmp_path / "clone")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "--quiet", "origin", "main", f"main:{BRANCH}")
    return origin


@pytest.fixture
def github(remote: Path) -> Iterator[FakePulls]:
    with FakePulls(token=TOKEN, remote=remote) as fake:
        yield fake


def _open(github: FakePulls, **changes: str) -> tuple[int, str]:
    arguments = {
        "api_url": github.url,
        "repository": github.repository,
        "token": TOKEN,
        "head": BRANCH,
        "base": "main",
        "title": "Least-privilege IAM",
        "body": "body",
    }
    arguments.update(changes)
    return open_pull_request(**arguments)


def test_opens_a_pull_request_with_the_token_and_api_version(github: FakePulls) -> None:
    number, url = _open(github, body="## Hello")
    assert (number, url) == (1, "https://github.com/octo-org/estate/pull/1")
    (request,) = github.requests
    assert (request.method, request.path) == ("POST", "/repos/octo-org/estate/pulls")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == "application/vnd.github+json"
    assert request.headers["x-github-api-version"] == "2022-11-28"
    assert request.body == {
        "title": "Least-privilege IAM",
        "head": BRANCH,
        "base": "main",
        "body": "## Hello",
    }


def test_a_bad_token_is_reported_without_echoing_it(github: FakePulls) -> None:
    with pytest.raises(PullRequestError, match="refused the token") as raised:
        _open(github, token="ghs_wrong_secret")
    assert "ghs_wrong_secret" not in str(raised.value)
    assert "Bad credentials" in str(raised.value)


def test_a_read_only_token_is_explained(github: FakePulls) -> None:
    github.refuse_writes = True
    with pytest.raises(PullRequestError, match="may not open pull requests on octo-org/estate"):
        _open(github)


def test_an_unknown_repository_is_explained(github: FakePulls) -> None:
    with pytest.raises(PullRequestError, match="octo-org/other was not found"):
        _open(github, repository="octo-org/other")


def test_a_second_pull_request_for_the_branch_is_refused_with_githubs_reason(
    github: FakePulls,
) -> None:
    _open(github)
    with pytest.raises(PullRequestError, match="A pull request already exists for octo-org:"):
        _open(github)
    assert len(github.pulls) == 1


def test_a_branch_that_was_never_pushed_is_refused(github: FakePulls) -> None:
    with pytest.raises(PullRequestError, match="422: Validation Failed"):
        _open(github, head="not-pushed")


def test_redirects_are_not_followed(github: FakePulls) -> None:
    github.redirect_to = "http://127.0.0.1:9/elsewhere"
    with pytest.raises(PullRequestError, match="answered 307"):
        _open(github)
    assert len(github.requests) == 1


def test_a_body_over_githubs_limit_is_refused_before_sending(github: FakePulls) -> None:
    with pytest.raises(PullRequestError, match="GitHub takes 65,536"):
        _open(github, body="x" * 65_537)
    assert github.requests == []


def test_the_token_never_travels_in_clear_to_a_remote_host() -> None:
    with pytest.raises(PullRequestError, match="must use https"):
        open_pull_request(
            "http://github.example.com/api/v3", "o/r", TOKEN, BRANCH, "main", "t", "b"
        )


def test_an_unreachable_api_is_reported() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PullRequestError, match="cannot reach"):
        open_pull_request(f"http://127.0.0.1:{port}", "o/r", TOKEN, BRANCH, "main", "t", "b")


@pytest.mark.parametrize("repository", ["octo-org", "a/b/c", "../x", "o/r?x=1"])
def test_repository_must_be_owner_slash_name(repository: str) -> None:
    with pytest.raises(PullRequestError, match="owner/name"):
        open_pull_request("https://api.github.com", repository, TOKEN, BRANCH, "main", "t", "b")


def test_remediation_flows_from_plan_to_pull_request(tmp_path: Path) -> None:
    """Programs committed and pushed, then the PR opened with the rendered body."""
    origin = tmp_path / "estate.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(origin)], check=True)
    repo = make_repo(tmp_path / "estate")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "--quiet", "origin", "main")
    plan = plans.remediation_plan()
    programs = render_aws_programs(plan, plans.inventory())
    body = render_pr_body(plan)

    sha = write_branch(repo, programs, "overgrant/remediation", "Least-privilege IAM")
    push_branch(repo, "overgrant/remediation")
    with FakePulls(token=TOKEN, remote=origin) as github:
        number, _ = open_pull_request(
            github.url,
            github.repository,
            TOKEN,
            "overgrant/remediation",
            "main",
            "Least-privilege IAM",
            body,
        )
    assert number == 1
    assert github.pulls[0]["body"] == body
    assert git(origin, "rev-parse", "refs/heads/overgrant/remediation") == sha
    # Every rollback document the body points at is in the pushed commit.
    for line in body.splitlines():
        if "file://" in line:
            path = line.split("file://", 1)[1].split()[0]
            assert git(origin, "cat-file", "-t", f"{sha}:{path}") == "blob"
