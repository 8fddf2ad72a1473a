"""Fixtures shared by the rule engine tests: catalogs loaded once, the sample scanned once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pytest

from overgrant import api
from overgrant.graph.build import PermissionGraph
from overgrant.model import Cloud, Inventory
from overgrant.policies.clouds import SupportFactory
from overgrant.policies.clouds.aws import AwsSupportFactory
from overgrant.policies.loader import load_builtin_rules
from overgrant.policies.result import ScanResult
from overgrant.policies.rule import Rule

SAMPLE_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""The sample estate's data is dated up to 2026-11-24; scanning it at a fixed time keeps ages
and idle times (and so the findings) the same whenever the tests run."""


@pytest.fixture(scope="session")
def clouds() -> Mapping[Cloud, SupportFactory]:
    """Per-cloud support whose catalogs are loaded once for the whole session."""
    return {Cloud.AWS: AwsSupportFactory()}


@pytest.fixture(scope="session")
def builtin_rules() -> tuple[Rule, ...]:
    return load_builtin_rules()


@pytest.fixture(scope="session")
def sample() -> Inventory:
    return api.sample_inventory()


@pytest.fixture(scope="session")
def sample_graph(sample: Inventory) -> PermissionGraph:
    return api.permission_graph(sample, at=SAMPLE_NOW)


@pytest.fixture(scope="session")
def sample_scan(sample: Inventory, sample_graph: PermissionGraph) -> ScanResult:
    return api.scan(sample, now=SAMPLE_NOW, graph=sample_graph)
