"""A prepared GitHub Actions job for the Action's steps: workspace, event, runner files, API."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.action.fake_github import FakeGitHub
from tests.action.runner import ActionRun, LocalAction, base_environment

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ghs_local_test_token"
PR_NUMBER = 42


@dataclass
class Job:
    """One job on a pretend runner; :meth:`run` runs the Action in it."""

    workspace: Path
    runner_temp: Path
    summary: Path
    event: Path
    github: FakeGitHub
    env: dict[str, str]
    run_action: Callable[[Mapping[str, str]], ActionRun]

    def run(self, **inputs: str) -> ActionRun:
        return self.run_action({k.replace("_", "-"): v for k, v in inputs.items()})

    def script_env(self, **extra: str) -> dict[str, str]:
        """The environment a single script step sees (for running one script alone)."""
        return {**self.env, **extra}


def pull_request_event(number: int = PR_NUMBER) -> dict[str, object]:
    return {"action": "synchronize", "number": number, "pull_request": {"number": number}}


@pytest.fixture
def job(tmp_path: Path) -> Iterator[Job]:
    workspace = tmp_path / "workspace"
    runner_temp = tmp_path / "runner-temp"
    bin_dir = tmp_path / "bin"
    for directory in (workspace, runner_temp, bin_dir):
        directory.mkdir()
    # actions/setup-python's part: the `python` on PATH is this test's interpreter
    (bin_dir / "python").symlink_to(sys.executable)
    event = tmp_path / "event.json"
    event.write_text(json.dumps(pull_request_event()))
    summary = tmp_path / "step_summary.md"
    summary.write_text("")
    action = LocalAction(ROOT)
    with FakeGitHub(token=TOKEN) as github:
        env = {
            **base_environment(bin_dir),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_API_URL": github.url,
            "GITHUB_REPOSITORY": github.repository,
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(runner_temp),
            "OVERGRANT_DB": str(tmp_path / "never-written.sqlite"),
        }

        def run_action(inputs: Mapping[str, str]) -> ActionRun:
            return action.run(
                inputs,
                env=env,
                workdir=workspace,
                github={
                    "token": TOKEN,
                    "event_name": "pull_request",
                    "repository": github.repository,
                    "workspace": str(workspace),
                },
                runner_temp=runner_temp,
            )

        yield Job(workspace, runner_temp, summary, event, github, env, run_action)
    assert not os.path.exists(tmp_path / "never-written.sqlite")
