"""Prerequisites of escalation methods, checked against the inventory.

Each check answers *met*, *unmet* or *unknown*. Unmet drops the candidate edge; unknown keeps it
as ``CONDITIONAL`` with a note saying what a person has to confirm (a method is never silently
assumed, nor silently dropped, when the inventory cannot tell). Prerequisites that pick the
resources a method acts on (its target, the policy it rewrites, the compute it borrows) are
applied where those are chosen (:mod:`aws_plan` for targets, :mod:`aws_options` for policies,
groups and compute); the rest are here.
"""

from __future__ import annotations

from enum import Enum

from overgrant.catalogs.escalation import EscalationMethod, Prerequisite, PrerequisiteKind
from overgrant.graph.escalation.aws_estate import Estate, RunningAs
from overgrant.graph.escalation.aws_evidence import Evidence
from overgrant.model import Identity, IdentityId, IdentityKind, PermissionSet, ScopeId

# IAM User Guide: IAM and AWS STS quotas — "Versions of a managed policy that can be saved: 5";
# "Access keys assigned to an IAM user: 2".
MAX_POLICY_VERSIONS = 5
MAX_ACCESS_KEYS = 2

# Prerequisites decided elsewhere: by candidate selection (trust, compute, federation), by the
# permission checks (the trust policy is the resource policy of sts:AssumeRole), or per chosen
# intermediary (policy versions, deny policies, compute state).
_ELSEWHERE = frozenset(
    {
        PrerequisiteKind.ROLE_TRUSTS_SERVICE,
        PrerequisiteKind.PASSED_TO_SERVICE,
        PrerequisiteKind.AUXILIARY_ROLE,
        PrerequisiteKind.ROLE_TRUSTS_ATTACKER,
        PrerequisiteKind.ROLE_TRUSTS_FEDERATED_PROVIDER,
        PrerequisiteKind.EXISTING_COMPUTE,
        PrerequisiteKind.COMPUTE_RUNNING,
        PrerequisiteKind.INSTANCE_MANAGED_BY_SSM,
        PrerequisiteKind.POLICY_HAS_OTHER_VERSIONS,
        PrerequisiteKind.POLICY_HAS_FREE_VERSION_SLOT,
        PrerequisiteKind.DENY_POLICY_ATTACHED,
    }
)


class Met(Enum):
    """The answer to one prerequisite."""

    YES = "met"
    NO = "unmet"
    UNKNOWN = "unknown"


def attacker_fits(method: EscalationMethod, attacker: Identity, estate: Estate) -> bool:
    """Prerequisites about the attacker alone, checked before any target is considered."""
    for item in method.prerequisites:
        kind = item.kind
        if kind is PrerequisiteKind.ATTACKER_IS_USER and attacker.kind is not IdentityKind.USER:
            return False
        if kind is PrerequisiteKind.ATTACKER_IS_ROLE and attacker.kind is not IdentityKind.ROLE:
            return False
        if kind is PrerequisiteKind.HAS_PERMISSIONS_BOUNDARY and not estate.boundaries(attacker.id):
            return False
    return True


def _user_fact(estate: Estate, user: IdentityId, item: Prerequisite) -> Met:
    holder = estate.identities.get(user)
    if holder is None or holder.kind is not IdentityKind.USER:
        return Met.NO
    if not estate.credentials.known(holder.container):
        return Met.UNKNOWN
    kind = item.kind
    if kind is PrerequisiteKind.USER_HAS_FEWER_THAN_TWO_KEYS:
        held = estate.credentials.key_count(user) < MAX_ACCESS_KEYS
    elif kind is PrerequisiteKind.TARGET_HAS_NO_LOGIN_PROFILE:
        held = not estate.credentials.has_password(user)
    elif kind is PrerequisiteKind.TARGET_HAS_LOGIN_PROFILE:
        held = estate.credentials.has_password(user)
    else:  # TARGET_HAS_NO_MFA_DEVICE
        held = not estate.credentials.has_mfa(user)
    return Met.YES if held else Met.NO


_USER_FACTS = {
    PrerequisiteKind.USER_HAS_FEWER_THAN_TWO_KEYS: "it has fewer than two access keys",
    PrerequisiteKind.TARGET_HAS_NO_LOGIN_PROFILE: "it has no console password",
    PrerequisiteKind.TARGET_HAS_LOGIN_PROFILE: "it has a console password",
    PrerequisiteKind.TARGET_HAS_NO_MFA_DEVICE: "it has no MFA device",
}


def _service_linked_role(estate: Estate, account: ScopeId, service: str) -> bool:
    # Service-linked roles live under /aws-service-role/<service>/ and trust only that service
    # (IAM User Guide: Using service-linked roles).
    return any(
        "/aws-service-role/" in role for role in estate.roles_trusting_service(account, service)
    )


def account_fits(
    method: EscalationMethod, estate: Estate, account: ScopeId, evidence: Evidence
) -> bool:
    """Prerequisites about the account (existing resources, manual checks) into ``evidence``."""
    for item in method.prerequisites:
        kind = item.kind
        if kind is PrerequisiteKind.EXISTING_RESOURCE and item.resource is not None:
            if not estate.existing(account, item.resource):
                evidence.note(f"no {item.resource.value} of account {account} in the inventory")
        elif kind is PrerequisiteKind.SERVICE_LINKED_ROLE and item.service is not None:
            if not _service_linked_role(estate, account, item.service):
                evidence.note(f"the service-linked role of {item.service} must exist or be created")
        elif kind is PrerequisiteKind.MANUAL_CHECK:
            evidence.note(item.note or "confirm by hand")
    return True


def target_fits(
    method: EscalationMethod, estate: Estate, target: IdentityId | None, evidence: Evidence
) -> bool:
    """Prerequisites about the target; notes and intermediaries go into ``evidence``.

    Returns:
        False when a prerequisite is certainly unmet.
    """
    for item in method.prerequisites:
        kind = item.kind
        if kind in _USER_FACTS:
            met = Met.NO if target is None else _user_fact(estate, target, item)
            if met is Met.NO:
                return False
            if met is Met.UNKNOWN:
                evidence.note(f"credentials not collected: confirm {_USER_FACTS[kind]}")
        elif kind is PrerequisiteKind.ROLE_HAS_INSTANCE_PROFILE:
            profiles = [] if target is None else estate.instance_profiles(target)
            if not profiles:
                return False  # an instance carries a role only through an instance profile
            evidence.through(profiles[0])
    return True


def trust_condition(method: EscalationMethod, estate: Estate, role: IdentityId) -> str | None:
    """A note when the role trusts the method's service only under a Condition."""
    for item in method.prerequisites_of(PrerequisiteKind.ROLE_TRUSTS_SERVICE):
        service = (item.service or "").lower()
        if service in estate.trust(role).conditional_services:
            return f"the trust policy of {role} lets {service} assume it only under a condition"
    return None


def policy_versions(policy: PermissionSet) -> int:
    """How many versions a managed policy keeps (the default plus the stored others)."""
    others = policy.attributes.get("other_versions")
    return 1 + (len(others) if isinstance(others, list) else 0)


def policy_fits(method: EscalationMethod, policy: PermissionSet) -> tuple[bool, bool]:
    """Version prerequisites of a policy a method rewrites.

    Returns:
        (usable, needs_slot): ``usable`` is false when the policy keeps no other version for
        ``SetDefaultPolicyVersion``; ``needs_slot`` says all five versions are taken, so the
        attacker must also be allowed ``iam:DeletePolicyVersion`` to make room.
    """
    kinds = {item.kind for item in method.prerequisites}
    if PrerequisiteKind.POLICY_HAS_OTHER_VERSIONS in kinds and policy_versions(policy) < 2:
        return False, False
    full = policy_versions(policy) >= MAX_POLICY_VERSIONS
    return True, PrerequisiteKind.POLICY_HAS_FREE_VERSION_SLOT in kinds and full


def compute_fits(method: EscalationMethod, running: RunningAs, evidence: Evidence) -> bool:
    """State prerequisites of a workload whose role a method borrows."""
    attributes = running.workload.attributes
    for item in method.prerequisites:
        if item.kind is PrerequisiteKind.COMPUTE_RUNNING:
            state = attributes.get("state")
            if state is None:
                evidence.note(f"confirm that {running.workload.id} is running")
            elif state not in ("running", "pending"):
                return False  # EC2 instance states: only a running instance runs commands
        elif item.kind is PrerequisiteKind.INSTANCE_MANAGED_BY_SSM:
            managed = attributes.get("ssm_managed")
            if managed is False:
                return False
            if managed is not True:
                evidence.note(f"confirm that {running.workload.id} is managed by Systems Manager")
    return True
