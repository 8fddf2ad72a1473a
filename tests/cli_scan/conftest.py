"""A repository directory with two snapshots of the sample estate that differ by one fix and one
new admin role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from overgrant import api
from tests.cli_scan.helpers import second_estate, small_engine


@dataclass(frozen=True)
class Repo:
    root: Path
    first: Path
    """The sample estate."""
    second: Path
    """The sample with one admin grant removed and one admin role added."""

    @property
    def db(self) -> Path:
        return self.root / ".overgrant" / "history.sqlite"


@pytest.fixture(scope="session")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("snapshots")
    inventory = api.sample_inventory()
    first, second = folder / "first.json", folder / "second.json"
    api.save_snapshot(inventory, first)
    api.save_snapshot(second_estate(inventory), second)
    return first, second


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snapshots: tuple[Path, Path]) -> Repo:
    """The current directory is a fresh repository holding both snapshots."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OVERGRANT_DB", raising=False)
    first, second = tmp_path / "estate-1.json", tmp_path / "estate-2.json"
    first.write_bytes(snapshots[0].read_bytes())
    second.write_bytes(snapshots[1].read_bytes())
    return Repo(root=tmp_path, first=first, second=second)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scan with the two-rule stand-in instead of the rule pack."""
    monkeypatch.setattr(api, "scan", small_engine, raising=False)
