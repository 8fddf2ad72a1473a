"""Write generated programs to disk and execute them under pulumi's mocks in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from overgrant.remediation.pulumi import GeneratedProgram

RUNNER = Path(__file__).with_name("mock_runner.py")


def write_program(program: GeneratedProgram, root: Path) -> Path:
    directory = root / program.directory
    for relative, text in program.files.items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return directory


@dataclass
class Registered:
    """What a program registered: resources by type, and lookups the tests need."""

    resources: list[dict[str, Any]]

    def of_type(self, type_token: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == type_token]

    def named(self, name: str) -> dict[str, Any]:
        (found,) = [r for r in self.resources if r["name"] == name]
        return found

    def provider(self) -> dict[str, Any]:
        (found,) = self.of_type("pulumi:providers:aws")
        return found


def run_under_mocks(
    program: GeneratedProgram, root: Path, config: dict[str, str] | None = None
) -> Registered:
    """Execute the program's ``__main__.py`` in a fresh interpreter under pulumi's mocks."""
    directory = write_program(program, root)
    out = root / f"{program.directory}.registered.json"
    env = {**os.environ, "PULUMI_CONFIG": json.dumps(config or {})}
    result = subprocess.run(
        [sys.executable, str(RUNNER), str(directory), program.account, str(out)],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return Registered(json.loads(out.read_text(encoding="utf-8")))
