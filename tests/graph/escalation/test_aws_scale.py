"""Scale: the search over 10,000 roles that share managed policies stays linear in the roles.

Identities allowed to pass or rewrite any role of their account reach millions of
(attacker, role) pairs here; the search must draw them through role groups (and parts of
groups, where a Deny on a path singles some roles out), not one edge per pair. Time is measured
by ``bench/bench_graph.py``, not here.
"""

from __future__ import annotations

import pytest

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.escalation import EscalationMethod
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.escalation.aws import find_escalations_grouped

from .synthetic_estate import synthetic_inventory


@pytest.mark.slow
def test_ten_thousand_roles_fan_out_through_groups(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    inventory = synthetic_inventory(10_000)
    evaluator = AwsEvaluator(inventory, aws_catalog)
    single, groups = find_escalations_grouped(inventory, evaluator, methods)
    members = sum(len(edge.group.members) for edge in groups)
    assert members > 1_000_000  # the fan-out is real...
    assert len(groups) + len(single) < 30_000  # ...and drawn through groups
    assert any(edge.group.part for edge in groups)  # a Deny on a path splits some groups
