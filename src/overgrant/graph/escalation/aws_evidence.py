"""What an edge rests on, gathered while its method is checked."""

from __future__ import annotations

from dataclasses import dataclass, field

from overgrant.graph.effective.decision import Decision, Outcome, StatementRef


@dataclass(slots=True)
class Evidence:
    """Permissions, statements, intermediaries and notes of one edge in the making."""

    outcome: Outcome = Outcome.ALLOWED
    permissions: list[tuple[str, str]] = field(default_factory=list)
    statements: dict[StatementRef, None] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    via: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def copy(self) -> Evidence:
        """An independent copy, to try one choice without touching this one."""
        return Evidence(
            self.outcome,
            list(self.permissions),
            dict(self.statements),
            set(self.unknown),
            list(self.via),
            list(self.notes),
        )

    def add(self, action: str, resource: str, decision: Decision) -> bool:
        """Record a checked permission; False when it is denied (nothing is recorded then)."""
        if decision.outcome is Outcome.DENIED:
            return False
        self.permissions.append((action, resource))
        self.statements.update(dict.fromkeys(decision.statements))
        self.unknown.update(decision.unknown_condition_keys)
        if decision.outcome is Outcome.CONDITIONAL:
            self.outcome = Outcome.CONDITIONAL
        return True

    def note(self, text: str, *, conditional: bool = True) -> None:
        """Record a note; by default what it says is unknown, so the edge becomes conditional."""
        if text not in self.notes:
            self.notes.append(text)
        if conditional:
            self.outcome = Outcome.CONDITIONAL

    def through(self, *intermediaries: str) -> None:
        """Record the intermediaries an edge goes through, without repeats."""
        for item in intermediaries:
            if item not in self.via:
                self.via.append(item)
