"""What the AWS escalation search returns: edges from an attacker to what it can gain."""

from __future__ import annotations

from dataclasses import dataclass, field

from overgrant.graph.effective.decision import Outcome, StatementRef
from overgrant.model import IdentityId, ScopeId

HOLDS_ADMIN = "holds-admin"
"""The method of the edge from an identity that is already admin-equivalent to its account."""


@dataclass(frozen=True, slots=True, order=True)
class AdminTarget:
    """Administrator of one AWS account: every permission the account's guardrails allow."""

    account: ScopeId

    def __str__(self) -> str:
        return f"admin of account {self.account}"


ACCOUNT = "account"
""":attr:`RoleGroup.trusting` for roles that delegate to their own account."""


@dataclass(frozen=True, slots=True, order=True)
class RoleGroup:
    """A set of roles of one account that an edge reaches all at once (a hub in the graph).

    The target of a :class:`GroupEscalationEdge`, which stands for an :class:`EscalationEdge`
    with the same method, evidence and outcome to every member; it is drawn only when the
    evaluator's decision is provably the same for every member (allowed on ``"*"``, and no Deny
    or ``NotResource`` statement could single a member out). A member may be the attacker.
    """

    account: ScopeId
    trusting: str | None
    """Which roles: those whose trust policy lets this service principal assume them without a
    Condition (``lambda.amazonaws.com``); with :data:`ACCOUNT`, those whose trust policy
    delegates to their own account without a Condition and holds no Deny; ``None``, every role
    of the account."""
    instance_profile: bool = False
    """Only roles that an instance profile holds (what EC2 needs to carry a role)."""
    conditional: bool = False
    """Only roles whose trust policy lets the service assume them under a Condition (edges to
    them are conditional); otherwise only those it may assume without one."""
    part: str = ""
    """Set on a part of a group: the members one attacker's statements treat alike (a Deny on
    ``role/security/*`` splits the account's roles in two). Names the part (a digest of the
    members), since another attacker may split the group differently."""
    members: tuple[IdentityId, ...] = field(default=(), compare=False)
    """The roles, in inventory order (fixed by the other fields)."""

    def __str__(self) -> str:
        which = "every role" if self.trusting is None else f"roles trusting {self.trusting}"
        held = " with an instance profile" if self.instance_profile else ""
        condition = " under a condition" if self.conditional else ""
        part = f" (part {self.part}: {len(self.members)} roles)" if self.part else ""
        return f"{which}{condition}{held} in account {self.account}{part}"


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationEdge:
    """One way an identity can gain another identity's permissions, or administrator's."""

    source: IdentityId
    """The attacker: a user or a role (a user's group policies are already its own)."""
    target: IdentityId | AdminTarget
    """The identity gained, or :class:`AdminTarget` for methods that widen the attacker itself
    and for an identity that already holds admin-equivalent permissions."""
    method: str
    """The escalation catalog's method id, or :data:`HOLDS_ADMIN`."""
    outcome: Outcome
    """``ALLOWED``, or ``CONDITIONAL`` when a condition key, a prerequisite the inventory cannot
    decide, or a manual check stands between the attacker and the gain; never ``DENIED``."""
    permissions: tuple[tuple[str, str], ...]
    """The (action, resource) pairs that were checked and allowed; ``"*"`` for a resource the
    attacker creates and names itself."""
    statements: tuple[StatementRef, ...]
    """The statements that allowed those permissions."""
    via: tuple[str, ...] = ()
    """The exact intermediaries: the policy rewritten, the group joined, the compute borrowed,
    the passed role and any second role or instance profile the method needs."""
    unknown_condition_keys: tuple[str, ...] = ()
    """Condition keys that make the edge conditional (sorted)."""
    notes: tuple[str, ...] = ()
    """What a person has to confirm (the catalog's manual checks, prerequisites the inventory
    cannot decide) and what limits the gain."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupEscalationEdge:
    """An :class:`EscalationEdge` to every member of a :class:`RoleGroup` at once.

    The fields mean what they mean on :class:`EscalationEdge`; in :attr:`permissions` the
    member-specific actions are listed on ``"*"``, where they were decided.
    """

    source: IdentityId
    group: RoleGroup
    method: str
    outcome: Outcome
    permissions: tuple[tuple[str, str], ...]
    statements: tuple[StatementRef, ...]
    per_member: tuple[str, ...] = ()
    """Actions of :attr:`permissions` that act on each member (``iam:PassRole``): listed on
    ``"*"`` here, on the member's ARN in the edge to one member."""
    via: tuple[str, ...] = ()
    unknown_condition_keys: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
