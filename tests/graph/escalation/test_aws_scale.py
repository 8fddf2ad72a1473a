"""Scale: the search over 10,000 roles that share managed policies stays well inside budget.

The bench's target is the whole graph, every path included, for 100,000 roles in 60 s on two
cores; the escalation search over a tenth of that must take a small part of it. Timed in CPU
seconds, so that other work on a shared machine does not fail the test.
"""

from __future__ import annotations

import time

import pytest

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.escalation import EscalationMethod
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.escalation.aws import find_escalations_grouped

from .synthetic_estate import synthetic_inventory


@pytest.mark.slow
def test_ten_thousand_roles_are_searched_in_seconds(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    inventory = synthetic_inventory(10_000)
    evaluator = AwsEvaluator(inventory, aws_catalog)
    started = time.process_time()
    single, groups = find_escalations_grouped(inventory, evaluator, methods)
    spent = time.process_time() - started
    members = sum(len(edge.group.members) for edge in groups)
    assert len(single) > 10_000 and members > 1_000_000  # the fan-out is real...
    assert len(groups) < 30_000  # ...and drawn through groups, linear in the attackers
    assert spent < 30.0, f"{spent:.1f} s of CPU"
