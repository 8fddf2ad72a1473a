"""Whether an AWS identity is already admin-equivalent in its own account.

Definition. A user or role is *admin-equivalent* when it can make its own identity policies say
anything, and nothing but the account's SCPs would cap them:

1. it is allowed to write an arbitrary identity policy onto itself — ``iam:PutUserPolicy`` /
   ``iam:PutRolePolicy`` on its own ARN, or ``iam:AttachUserPolicy`` /
   ``iam:AttachRolePolicy`` on its own ARN with ``iam:PolicyARN`` set to AWS's
   ``AdministratorAccess`` (so a grant limited by that condition key to harmless policies does
   not count) — after explicit denies, SCPs and its permissions boundary; and
2. if it has a permissions boundary, it is also allowed to delete that boundary from itself
   (``iam:DeleteUserPermissionsBoundary`` / ``iam:DeleteRolePermissionsBoundary``): a boundary
   caps every permission a policy grants (IAM User Guide: Permissions boundaries for IAM
   entities), so an identity that cannot lift it gains only what the boundary allows.

Why this and not "allowed ``*`` on ``*``": SCPs cap every principal of a member account alike,
so a guardrail SCP that denies ``organizations:*`` would leave no administrator anywhere; what
sets an administrator apart within its account is control over IAM. The test is the one PMapper
uses for its ``is_admin`` flag (``principalmapper/graphing/gathering.py``), with the boundary
rule added. Consequences: ``AdministratorAccess`` is admin-equivalent; ``PowerUserAccess``
(``NotAction: iam:*``) is not; ``IAMFullAccess`` is (it can attach ``AdministratorAccess`` to
itself); a boundary or SCP that denies IAM writes makes an identity not admin-equivalent; the
account root user always is (IAM User Guide: AWS account root user).
"""

from __future__ import annotations

from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.effective.decision import Decision, Outcome
from overgrant.graph.escalation.aws_checks import Checker
from overgrant.graph.escalation.aws_evidence import Evidence
from overgrant.graph.escalation.aws_patterns import Patterns

_SELF_WRITES = {
    "user": (
        "iam:PutUserPolicy",
        "iam:AttachUserPolicy",
        "iam:DeleteUserPermissionsBoundary",
    ),
    "role": (
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DeleteRolePermissionsBoundary",
    ),
}


def _arn_kind(identity_id: str) -> tuple[str, str]:
    """(partition, kind) of an IAM ARN: kind is ``user``, ``role``, ``root`` or other."""
    parts = identity_id.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam":
        return "aws", ""
    return parts[1], parts[5].split("/", 1)[0]


def admin_evidence(checker: Checker, *, has_boundary: bool) -> Evidence | None:
    """The permissions that make the checker's attacker admin-equivalent, or ``None``."""
    partition, kind = _arn_kind(checker.attacker)
    actions = _SELF_WRITES.get(kind)
    if actions is None:
        return None
    put, attach, unbound = actions
    me = checker.attacker
    if checker.effective.outcome(put) is Outcome.DENIED and (
        checker.effective.outcome(attach) is Outcome.DENIED
    ):
        return None  # neither action is allowed anywhere: no need to ask about the ARN
    administrator = f"arn:{partition}:iam::aws:policy/AdministratorAccess"
    evidence: Evidence | None = None
    tries = ((put, ()), (attach, (("iam:PolicyARN", administrator),)))
    for action, context in tries:
        trial = Evidence()
        if trial.add(action, me, checker.on(action, me, context)) and (
            evidence is None or trial.outcome is Outcome.ALLOWED
        ):
            evidence = trial
        if evidence is not None and evidence.outcome is Outcome.ALLOWED:
            break
    if evidence is None:
        return None
    if has_boundary and not evidence.add(unbound, me, checker.on(unbound, me)):
        return None
    return evidence


def admin_decision(evaluator: AwsEvaluator, identity_id: str) -> Decision:
    """Whether an identity is admin-equivalent in its own account (see the module docstring).

    Returns:
        ``ALLOWED`` or ``CONDITIONAL`` with the statements that make it so, or ``DENIED`` with
        the reason.

    Raises:
        KeyError: the inventory has no AWS identity with this id.
    """
    effective = evaluator.effective(identity_id)
    if _arn_kind(identity_id)[1] == "root":
        return Decision(outcome=Outcome.ALLOWED, reason="the account root user has full access")
    has_boundary = any(kind == "boundary" for kind, _ in effective.sources)
    checker = Checker(evaluator, Patterns(), effective.identity, effective)
    evidence = admin_evidence(checker, has_boundary=has_boundary)
    if evidence is None:
        reason = "cannot write an unrestricted identity policy onto itself"
        if has_boundary:
            reason += ", or cannot remove its permissions boundary"
        return Decision(outcome=Outcome.DENIED, reason=reason)
    written = " and ".join(f"{action} on itself" for action, _ in evidence.permissions)
    return Decision(
        outcome=evidence.outcome,
        reason=f"admin-equivalent: allowed {written}",
        statements=tuple(evidence.statements),
        unknown_condition_keys=tuple(sorted(evidence.unknown)),
    )
