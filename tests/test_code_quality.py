"""The project's own standards, checked like any other behaviour: types, lint, layers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_mypy_strict_on_src() -> None:
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint_and_format() -> None:
    lint = _run(sys.executable, "-m", "ruff", "check", "src", "tests", "bench", "scripts")
    assert lint.returncode == 0, lint.stdout
    fmt = _run(
        sys.executable, "-m", "ruff", "format", "--check", "src", "tests", "bench", "scripts"
    )
    assert fmt.returncode == 0, fmt.stdout


def test_import_layers_hold() -> None:
    lint_imports = shutil.which("lint-imports")
    if lint_imports is None:
        pytest.fail("import-linter is not installed (it is in the test extra)")
    result = _run(lint_imports)
    assert result.returncode == 0, result.stdout
