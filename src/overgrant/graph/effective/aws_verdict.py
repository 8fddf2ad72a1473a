"""Three-valued verdicts with their evidence, and how they combine (Kleene logic)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from overgrant.graph.effective.decision import StatementRef


class Verdict(NamedTuple):
    """True, false or unknown, with the statements behind it and the keys that are unknown.

    A named tuple rather than a frozen dataclass: every decision builds several, and a frozen
    dataclass pays a guarded ``__setattr__`` per field.
    """

    value: bool | None
    refs: tuple[StatementRef, ...] = ()
    unknown: frozenset[str] = frozenset()


NO = Verdict(False)
YES = Verdict(True)


def either(verdicts: Iterable[Verdict]) -> Verdict:
    """Kleene OR: true if one is true (its evidence kept), else unknown if one is unknown."""
    unknown: list[Verdict] = []
    true: list[Verdict] = []
    for verdict in verdicts:
        if verdict.value is True:
            true.append(verdict)
        elif verdict.value is None:
            unknown.append(verdict)
    if true:
        return Verdict(True, tuple(r for v in true for r in v.refs))
    if unknown:
        keys = frozenset().union(*(v.unknown for v in unknown))
        return Verdict(None, tuple(r for v in unknown for r in v.refs), keys)
    return NO


def both(verdicts: Iterable[Verdict]) -> Verdict:
    """Kleene AND: false if one is false, else unknown if one is unknown, else true."""
    items = list(verdicts)
    for verdict in items:
        if verdict.value is False:
            return verdict
    unknown = [v for v in items if v.value is None]
    if unknown:
        keys = frozenset().union(*(v.unknown for v in unknown))
        return Verdict(None, tuple(r for v in unknown for r in v.refs), keys)
    return Verdict(True, tuple(r for v in items for r in v.refs))


def negate(verdict: Verdict) -> Verdict:
    """Kleene NOT, keeping the evidence."""
    value = None if verdict.value is None else not verdict.value
    return Verdict(value, verdict.refs, verdict.unknown)
