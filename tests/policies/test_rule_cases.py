"""Every rule of the built-in pack on its own case: the positive identity is reported, the
negative one is not (see cases/README.md)."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import pytest

from overgrant.model import Cloud
from overgrant.policies.clouds import SupportFactory
from overgrant.policies.engine import run_scan
from overgrant.policies.loader import load_builtin_rules
from overgrant.policies.rule import Rule
from tests.policies.estate import NOW, Case

CASES = Path(__file__).parent / "cases"


def load_case(rule_id: str) -> ModuleType:
    path = CASES / rule_id / "case.py"
    spec = importlib.util.spec_from_file_location(f"rule_case_{rule_id}", path)
    assert spec is not None and spec.loader is not None, f"no case module at {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("rule", load_builtin_rules(), ids=lambda r: f"{r.id}-{r.name}")
def test_rule_reports_the_positive_identity_and_not_the_negative(
    rule: Rule, clouds: Mapping[Cloud, SupportFactory]
) -> None:
    case: Case = load_case(rule.id).build()
    result = run_scan(case.inventory, rules=[rule], now=NOW, clouds=clouds, source="case")
    reported = {f.identity for f in result.findings}
    assert case.positive in reported, (rule.id, result.findings, result.warnings)
    assert case.negative not in reported, (rule.id, result.findings)
    positive = [f for f in result.findings if f.identity == case.positive]
    assert all(f.rule_id == rule.id and f.severity is rule.severity for f in positive)
    assert all(f.message and f.fingerprint for f in positive)
