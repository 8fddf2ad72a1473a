"""The expectations of a scenario and the check that runs it."""

from __future__ import annotations

from dataclasses import dataclass

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.escalation import EscalationMethod
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.effective.decision import Outcome
from overgrant.graph.escalation.aws import AdminTarget, EscalationEdge, find_escalations
from overgrant.model import ScopeId

from .escalation_kit import ACCOUNT
from .escalation_scenarios import Build

ADMIN = "admin"
"""Stands for ``AdminTarget(ACCOUNT)`` in expectations."""
ALLOWED, CONDITIONAL = Outcome.ALLOWED, Outcome.CONDITIONAL


@dataclass(frozen=True)
class Edge:
    """An edge that must be found."""

    method: str
    target: str
    outcome: Outcome = ALLOWED
    via: tuple[str, ...] = ()
    permissions: tuple[tuple[str, str], ...] = ()
    note: str | None = None
    """A substring one of the edge's notes must contain."""


@dataclass(frozen=True)
class Scenario:
    """An estate, and the edges its attacker must and must not have."""

    build: Build
    present: tuple[Edge, ...] = ()
    absent: tuple[tuple[str, str], ...] = ()
    """(method, target) pairs that must not be found; method ``"*"`` means any method."""


def _target(text: str) -> object:
    return AdminTarget(ScopeId(ACCOUNT)) if text == ADMIN else text


def _run(
    scenario: Scenario, catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> tuple[str, list[EscalationEdge]]:
    estate, attacker = scenario.build()
    inventory = estate.inventory()
    evaluator = AwsEvaluator(inventory, catalog)
    return attacker, find_escalations(inventory, evaluator, methods, identities=[attacker])


def check(scenario: Scenario, catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]) -> None:
    """Run the scenario's search and assert its expectations."""
    attacker, edges = _run(scenario, catalog, methods)
    found = {(e.method, e.target): e for e in edges}
    for expected in scenario.present:
        edge = found.get((expected.method, _target(expected.target)))  # type: ignore[arg-type]
        assert edge is not None, (
            f"missing {expected.method} -> {expected.target}; found {sorted(found, key=str)}"
        )
        assert edge.source == attacker
        assert edge.outcome is expected.outcome, edge
        assert set(expected.via) <= set(edge.via), edge.via
        assert set(expected.permissions) <= set(edge.permissions), edge.permissions
        assert edge.statements, "an edge must carry the statements that allow it"
        if expected.note is not None:
            assert any(expected.note in note for note in edge.notes), edge.notes
    for method, target in scenario.absent:
        wanted = _target(target)
        clashes = [e for e in edges if e.target == wanted and method in ("*", e.method)]
        assert not clashes, clashes
