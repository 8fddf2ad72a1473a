"""One AWS catalog per session (the evaluator registers unknown actions: append-only)."""

from __future__ import annotations

import pytest

from overgrant.catalogs.aws import AwsCatalog, load_aws_catalog


@pytest.fixture(scope="session")
def catalog() -> AwsCatalog:
    return load_aws_catalog()
