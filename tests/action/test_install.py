"""What ``pip install <action path>`` puts on the runner is enough to scan.

The Action installs overgrant from its own source, not in editable mode, so every data file the
scan reads (rule pack, schemas, catalogs, sample) must be declared package data. setuptools'
``build_py`` lays out exactly the files an install would copy; the scan then runs from there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.action.conftest import ROOT


def test_the_installed_package_scans_the_sample(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "pyproject.toml", project)
    shutil.copy(ROOT / "README.md", project)
    shutil.copytree(
        ROOT / "src",
        project / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    library = tmp_path / "lib"
    build = subprocess.run(
        [
            sys.executable,
            "-c",
            "from setuptools import setup; setup()",
            "-q",
            "build_py",
            "--build-lib",
            str(library),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(library), "HOME": str(tmp_path)}
    where = subprocess.run(
        [sys.executable, "-c", "import overgrant; print(overgrant.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert where.stdout.startswith(str(library))
    scan = subprocess.run(
        [sys.executable, "-m", "overgrant", "scan", "--sample", "--no-history", "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert scan.returncode == 0, scan.stderr
    report = json.loads(scan.stdout)
    assert report["findings"], "the installed package found nothing: is the rule pack packaged?"
