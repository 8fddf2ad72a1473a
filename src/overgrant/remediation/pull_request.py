"""Carrying the generated programs to a pull request: a git branch, a push, a GitHub API call.

:func:`write_branch` works in the user's git working tree with the ``git`` command (so the
user's own configuration, hooks and signing apply) and never changes any git configuration.
It creates a new branch from the current ``HEAD``, writes the programs under one folder
(``overgrant-remediation/`` by default), commits only that folder and stays on the new branch
so the user can look at it. It refuses when the branch exists or the folder has uncommitted
changes. A missing or empty directory is first made a repository with one empty commit (so
``overgrant remediate --sample --out DIR`` works anywhere); a non-empty directory that is not a
working tree is refused rather than turned into one.

:func:`open_pull_request` calls GitHub's REST API (``POST /repos/{owner}/{repo}/pulls``) with
urllib. The token only travels over HTTPS (plain HTTP is accepted for loopback stand-ins in
tests), redirects are not followed (urllib would replay the ``Authorization`` header to the new
host), and the token never appears in an error message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from overgrant import __version__
from overgrant.errors import OvergrantError
from overgrant.fileio import write_atomic
from overgrant.remediation.pulumi.program import GeneratedProgram

PROGRAMS_DIRECTORY = "overgrant-remediation"
FALLBACK_AUTHOR = ("overgrant", "overgrant@localhost")
"""Author and committer when git has no ``user.name`` / ``user.email`` (set for one commit
through the environment, never written to any configuration)."""
GITHUB_API = "https://api.github.com"
_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/(?!\.\.?$)[A-Za-z0-9_.-]+$")
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
_BODY_LIMIT = 65_536


class PullRequestError(OvergrantError):
    """The branch could not be written or the pull request not opened (the message says why)."""


def write_branch(
    repo_dir: Path,
    programs: Mapping[str, GeneratedProgram] | Iterable[GeneratedProgram],
    branch: str,
    message: str,
    *,
    subdirectory: str = PROGRAMS_DIRECTORY,
) -> str:
    """Commit ``programs`` on a new branch ``branch`` of the working tree at ``repo_dir``.

    Returns:
        The new commit's sha.

    Raises:
        PullRequestError: git is missing, the branch exists or is not a valid name, the programs'
            folder has uncommitted changes, the directory is not a usable working tree, or a
            git command fails (its message is included).
    """
    items = list(programs.values() if isinstance(programs, Mapping) else programs)
    if not items:
        raise PullRequestError("there is no program to commit")
    if shutil.which("git") is None:
        raise PullRequestError("the git command is not installed")
    _check_branch_name(branch)
    folder = _relative(subdirectory, "the programs folder")
    paths = [f"{folder}/{_relative(p.directory, 'a program folder')}" for p in items]
    repo = Path(repo_dir)
    _prepare_repository(repo)
    if _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False).ok:
        raise PullRequestError(f"branch {branch!r} already exists in {repo}")
    dirty = _git(repo, "status", "--porcelain", "--untracked-files=all", "--", *paths).out
    if dirty.strip():
        raise PullRequestError(
            f"{repo}: uncommitted changes under {', '.join(paths)}; commit or remove them "
            f"first:\n{dirty.rstrip()}"
        )
    original = _current_ref(repo)
    _git(repo, "switch", "--quiet", "--create", branch)
    try:
        _write_files(repo, folder, items)
        _git(repo, "add", "--", *paths)
        if _git(repo, "diff", "--cached", "--quiet", "--", *paths, check=False).ok:
            raise PullRequestError(f"{repo}: the programs are already committed as they are")
        _git(repo, "commit", "--quiet", "--message", message, "--", *paths, env=_author_env(repo))
    except (PullRequestError, OSError):
        _undo(repo, paths, original, branch)
        raise
    return _git(repo, "rev-parse", "HEAD").out.strip()


def push_branch(repo_dir: Path, branch: str, remote: str = "origin") -> None:
    """Push ``branch`` to ``remote`` with the user's own git credentials (no prompt)."""
    if remote.startswith("-") or branch.startswith("-"):
        raise PullRequestError("remote and branch names may not start with '-'")
    _git(Path(repo_dir), "push", "--quiet", "--set-upstream", remote, f"{branch}:{branch}")


def open_pull_request(
    api_url: str,
    repository: str,
    token: str,
    head: str,
    base: str,
    title: str,
    body: str,
    *,
    timeout: float = 30.0,
) -> tuple[int, str]:
    """Open a pull request through GitHub's REST API.

    Returns:
        The pull request's number and its ``html_url``.

    Raises:
        PullRequestError: bad arguments, an unreachable API, or GitHub's refusal (401 bad
            token, 403 not allowed, 404 repository not visible, 422 a pull request for this
            branch exists or there is nothing to merge), with GitHub's own message.
    """
    if not _REPOSITORY.match(repository):
        raise PullRequestError(f"{repository!r} is not a repository as owner/name")
    if len(body) > _BODY_LIMIT:
        raise PullRequestError(
            f"the body has {len(body):,} characters; GitHub takes {_BODY_LIMIT:,}"
        )
    url = f"{_api_base(api_url)}/repos/{repository}/pulls"
    payload = json.dumps({"title": title, "head": head, "base": base, "body": body}).encode()
    headers = _headers(token)
    # The scheme is https, or http to a loopback host, as _api_base checked.
    request = urllib.request.Request(url, data=payload, method="POST", headers=headers)  # noqa: S310
    opener = urllib.request.build_opener(_RefuseRedirects())
    try:
        with opener.open(request, timeout=timeout) as response:
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise PullRequestError(_refusal(error, repository, head, base)) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PullRequestError(f"cannot reach {api_url}: {reason}") from None
    except ValueError:
        raise PullRequestError(f"{url} answered with something that is not JSON") from None
    number, html_url = answer.get("number"), answer.get("html_url")
    if not isinstance(number, int) or not isinstance(html_url, str):
        raise PullRequestError(f"{url} answered without a pull request number and URL")
    return number, html_url


class _Result:
    def __init__(self, completed: subprocess.CompletedProcess[str]) -> None:
        self.ok = completed.returncode == 0
        self.out = completed.stdout
        self.err = completed.stderr


def _git(
    repo: Path, *args: str, check: bool = True, env: Mapping[str, str] | None = None
) -> _Result:
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    completed = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    result = _Result(completed)
    if check and not result.ok:
        detail = (result.err or result.out).strip() or f"exit status {completed.returncode}"
        raise PullRequestError(f"git {args[0]} failed in {repo}: {detail}")
    return result


def _check_branch_name(branch: str) -> None:
    valid = subprocess.run(
        ["git", "check-ref-format", "--branch", branch], capture_output=True, check=False
    )
    if branch.startswith("-") or valid.returncode != 0:
        raise PullRequestError(f"{branch!r} is not a valid git branch name")


def _current_ref(repo: Path) -> list[str]:
    """Arguments to ``git switch`` that return to where the tree is now (a branch or a commit)."""
    name = _git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).out.strip()
    if name:
        return [name]
    return ["--detach", _git(repo, "rev-parse", "HEAD").out.strip()]


def _undo(repo: Path, paths: list[str], original: list[str], branch: str) -> None:
    """Best effort after a failure: the folder as in HEAD, the old branch, no new branch.

    The folder had no uncommitted change before, so whatever is new in it was written here.
    """
    _git(repo, "restore", "--source=HEAD", "--staged", "--worktree", "--", *paths, check=False)
    _git(repo, "clean", "-d", "--force", "--quiet", "--", *paths, check=False)
    _git(repo, "switch", "--quiet", *original, check=False)
    _git(repo, "branch", "--quiet", "-D", branch, check=False)


def _relative(text: str, what: str) -> str:
    path = PurePosixPath(text)
    if path.is_absolute() or not path.parts or ".." in path.parts or "\\" in text:
        raise PullRequestError(f"{what} must be a relative path inside the repository: {text!r}")
    return path.as_posix()


def _prepare_repository(repo: Path) -> None:
    """Make a missing or empty directory a repository with one commit; refuse anything else."""
    if repo.exists() and not repo.is_dir():
        raise PullRequestError(f"{repo} is a file, not a directory")
    fresh = not repo.exists() or not any(repo.iterdir())
    if fresh:
        repo.mkdir(parents=True, exist_ok=True)
        _git(repo, "init", "--quiet", "--initial-branch=main")
        initial = ["commit", "--quiet", "--allow-empty", "--message", "Initial commit"]
        _git(repo, *initial, env=_author_env(repo))
        return
    if _git(repo, "rev-parse", "--is-inside-work-tree", check=False).out.strip() != "true":
        raise PullRequestError(
            f"{repo} is not a git working tree (and not empty): clone the repository the pull "
            "request is for and pass that folder"
        )
    if not _git(repo, "rev-parse", "--verify", "--quiet", "HEAD", check=False).ok:
        raise PullRequestError(f"{repo} has no commit yet: the new branch needs a base")


def _write_files(repo: Path, folder: str, programs: Iterable[GeneratedProgram]) -> None:
    for program in programs:
        base = repo / folder / program.directory
        for name, text in program.files.items():
            target = base / _relative(name, "a program file")
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, text.encode("utf-8"))


def _author_env(repo: Path) -> dict[str, str]:
    """Fallback identity for the missing parts of git's, through the environment only."""
    env: dict[str, str] = {}
    name = _git(repo, "config", "--get", "user.name", check=False).out.strip()
    email = _git(repo, "config", "--get", "user.email", check=False).out.strip()
    if not name and "GIT_AUTHOR_NAME" not in os.environ:
        env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = FALLBACK_AUTHOR[0]
    if not email and "GIT_AUTHOR_EMAIL" not in os.environ:
        env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = FALLBACK_AUTHOR[1]
    return env


def _api_base(api_url: str) -> str:
    parts = urlsplit(api_url)
    secure = parts.scheme == "https"
    loopback = parts.scheme == "http" and (parts.hostname or "") in _LOOPBACK
    if not parts.hostname or not (secure or loopback):
        raise PullRequestError(
            f"{api_url!r}: the GitHub API URL must use https (the token would travel in clear)"
        )
    return api_url.rstrip("/")


def _headers(token: str) -> dict[str, str]:
    if not token:
        raise PullRequestError("no GitHub token was given")
    return {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "User-Agent": f"overgrant/{__version__}",
        "X-GitHub-Api-Version": "2022-11-28",
    }


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect becomes an error: following it would resend the token elsewhere."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _refusal(error: urllib.error.HTTPError, repository: str, head: str, base: str) -> str:
    message, details = _github_message(error)
    said = f"{message}{': ' + details if details else ''}" or "no message"
    if error.code == 401:
        return f"GitHub refused the token (401: {said}); check that it is valid and not expired"
    if error.code == 403:
        return (
            f"the token may not open pull requests on {repository} (403: {said}); it needs "
            "write access to pull requests and contents, or the API rate limit was reached"
        )
    if error.code == 404:
        return f"repository {repository} was not found or the token cannot see it (404: {said})"
    if error.code == 422:
        return f"GitHub did not open a pull request from {head!r} into {base!r} (422: {said})"
    return f"GitHub answered {error.code} to the pull request on {repository}: {said}"


def _github_message(error: urllib.error.HTTPError) -> tuple[str, str]:
    """GitHub's ``message`` and the messages of its ``errors`` list, if the body has them."""
    try:
        answer = json.loads(error.read() or b"{}")
    except (ValueError, OSError):
        return "", ""
    if not isinstance(answer, dict):
        return "", ""
    message = str(answer.get("message") or "")
    errors = answer.get("errors") if isinstance(answer.get("errors"), list) else []
    details = "; ".join(
        str(e.get("message") or e.get("code") or "") if isinstance(e, dict) else str(e)
        for e in errors or ()
    )
    return message, details
