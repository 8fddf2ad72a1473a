"""Small git helpers for the tests (the code under test runs git on its own)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def make_repo(
    path: Path, *, author: tuple[str, str] | None = ("Ada Lovelace", "ada@example.org")
) -> Path:
    """A working tree with one commit on ``main`` (and a local author when given)."""
    path.mkdir(parents=True)
    git(path, "init", "--quiet", "--initial-branch=main")
    if author is not None:
        git(path, "config", "user.name", author[0])
        git(path, "config", "user.email", author[1])
    (path / "README.md").write_text("infra\n")
    git(path, "add", "README.md")
    git(
        path,
        "-c",
        "user.name=Seed",
        "-c",
        "user.email=seed@example.org",
        "commit",
        "--quiet",
        "-m",
        "Seed",
    )
    return path
