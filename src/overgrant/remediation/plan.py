"""What remediation decides for one identity, shared by the minimizer, the proof and the writers.

The minimizer fills an :class:`IdentityPlan`; the proof attaches its :class:`Proof`; the Pulumi
writer and the pull-request body read only these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from overgrant.model import IdentityId, JsonValue, PermissionSetId


class PlanStatus(StrEnum):
    """Where one identity's remediation ended."""

    PROPOSED = "proposed"
    """A smaller policy was built and proven; the writers emit it."""
    NO_EVIDENCE = "no-evidence"
    """No source covered this identity's account over the period: nothing is proposed."""
    NOTHING_TO_REMOVE = "nothing-to-remove"
    """Every granted permission was used (or cannot be judged): today's policy stays."""
    PROOF_FAILED = "proof-failed"
    """The candidate failed the proof: nothing is written, the reasons are shown."""
    UNSUPPORTED = "unsupported"
    """The identity's grants cannot be rewritten safely (the reason says why)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NewPolicy:
    """One managed policy the plan creates (a plan splits into several past IAM's size limit)."""

    name: str
    document: JsonValue
    """The policy document exactly as it will be written (``Version`` and ``Statement``)."""
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Removal:
    """A permission today's policy allows that the new one does not, and what decided it."""

    action: str
    resource: str = "*"
    granted_by: tuple[str, ...] = ()
    """Statements that granted it today (``policy-name#sid-or-index``)."""
    reason: str
    """Why removing it is safe, e.g. "not used in 90 days of CloudTrail (management events)"."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Retention:
    """A permission kept although no use was observed, and why (flagged to the reviewer)."""

    action: str
    resource: str = "*"
    reason: str
    """E.g. "CloudTrail does not log it", "evidence covers only 12 days (need 30)"."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Proof:
    """The evaluator's verdict on a candidate: never wider than today, still covers all use."""

    passed: bool
    no_wider: bool
    covers_usage: bool
    replayed_calls: int = 0
    replay_denials: int = 0
    failures: tuple[str, ...] = ()
    """One line per failed check, naming the action and resource."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Replacement:
    """An attachment or inline policy the new policies replace (detached or deleted)."""

    permission_set: PermissionSetId
    name: str
    managed: bool
    """True for an attached managed policy (detached), False for an inline policy (deleted)."""
    arn: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentityPlan:
    """One identity's remediation, whatever its outcome."""

    identity: IdentityId
    account: str
    name: str
    """The role or user name as IAM knows it."""
    kind: str
    """``role`` or ``user``."""
    status: PlanStatus
    summary: str = ""
    """One line for the reviewer: what changes, or why nothing does."""
    window_start: datetime | None = None
    window_end: datetime | None = None
    evidence_sources: tuple[str, ...] = ()
    used_calls: int = 0
    """Distinct (action, resource) pairs observed."""
    new_policies: tuple[NewPolicy, ...] = ()
    replaces: tuple[Replacement, ...] = ()
    kept_attachments: tuple[Replacement, ...] = ()
    """Attachments left as they are (a permissions boundary is never touched)."""
    removed: tuple[Removal, ...] = ()
    retained: tuple[Retention, ...] = ()
    proof: Proof | None = None
    granted_actions: int = 0
    """Distinct actions allowed today (expanded against the catalog)."""
    kept_actions: int = 0
    """Distinct actions the new policies allow."""
    attributes: dict[str, JsonValue] = field(default_factory=dict)

    @property
    def evidence_days(self) -> float | None:
        """Length of the evidence window in days."""
        if self.window_start is None or self.window_end is None:
            return None
        return (self.window_end - self.window_start).total_seconds() / 86400


@dataclass(frozen=True, slots=True, kw_only=True)
class RemediationPlan:
    """Every identity's plan for one run, with the evidence limits that applied."""

    plans: tuple[IdentityPlan, ...]
    generated_at: datetime
    min_window_days: int
    blind_spots: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def proposed(self) -> tuple[IdentityPlan, ...]:
        """Plans the writers emit: built and proven."""
        return tuple(p for p in self.plans if p.status is PlanStatus.PROPOSED)
