"""What an effective-permission evaluator answers: a three-valued decision and its evidence.

A decision is ``ALLOWED`` or ``DENIED`` only when everything it depends on is known. When it
depends on a condition key the inventory cannot supply (a source IP, a session tag, a request
parameter), it is ``CONDITIONAL`` and names those keys: a grant is never silently dropped, nor
silently assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from overgrant.model import PermissionSetId


class Outcome(StrEnum):
    """The three answers an evaluation can give."""

    ALLOWED = "allowed"
    DENIED = "denied"
    CONDITIONAL = "conditional"
    """Allowed or denied depending on condition keys not known here (listed in the decision)."""


class Effect(StrEnum):
    """A policy statement's effect."""

    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementRef:
    """One statement of one permission set: the evidence behind a decision."""

    permission_set: PermissionSetId
    index: int
    """Zero-based position of the statement in the document's statement list."""
    sid: str | None
    effect: Effect

    def __str__(self) -> str:
        label = f"#{self.index}" if self.sid is None else f"#{self.index} ({self.sid})"
        return f"{self.permission_set} statement {label} {self.effect.value}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """Whether one identity may perform one action on one resource, and why."""

    outcome: Outcome
    reason: str
    """One line such as ``explicit deny in arn:aws:iam::aws:policy/X``."""
    statements: tuple[StatementRef, ...] = ()
    """The statements that decided: the allows that granted, the deny that denied, or the
    statements whose conditions could not be evaluated."""
    unknown_condition_keys: tuple[str, ...] = ()
    """Condition keys whose values are not known here (sorted); set when ``CONDITIONAL``."""

    @property
    def allowed(self) -> bool:
        """True only for a definite ``ALLOWED``."""
        return self.outcome is Outcome.ALLOWED

    @property
    def possibly_allowed(self) -> bool:
        """True for ``ALLOWED`` and ``CONDITIONAL``."""
        return self.outcome is not Outcome.DENIED
