"""The resources a method's action may be checked on, for each kind of binding.

A binding's ``points_at`` names what the resource is in the method; this module turns it into
the concrete choices the inventory offers: the attacker's own ARN, one of its groups or
customer-managed policies (those its prerequisites allow), a workload running as the target, a
second role the service needs, an existing supporting resource, or ``"*"`` for something the
attacker creates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from overgrant.catalogs.escalation import (
    ComputeKind,
    DenyAttachment,
    EscalationMethod,
    PointsAt,
    PrerequisiteKind,
    ResourceBinding,
    ResourceKind,
)
from overgrant.graph.escalation.aws_checks import ANYWHERE
from overgrant.graph.escalation.aws_estate import Estate
from overgrant.graph.escalation.aws_evidence import Evidence
from overgrant.graph.escalation.aws_plan import Candidate, Plan
from overgrant.graph.escalation.aws_prereq import compute_fits, policy_fits
from overgrant.graph.escalation.aws_trust import grants_everything
from overgrant.model import (
    Identity,
    IdentityId,
    IdentityKind,
    PermissionSetKind,
    ScopeId,
)

# Existing resources by the (service, resource type) of the action that uses them.
_SUPPORTING = {
    ("lambda", "function"): ResourceKind.LAMBDA_FUNCTION,
    ("glue", "job"): ResourceKind.GLUE_JOB,
    ("cloudformation", "stack"): ResourceKind.CLOUDFORMATION_STACK,
    ("cloudformation", "stackset"): ResourceKind.CLOUDFORMATION_STACK_SET,
    ("codebuild", "project"): ResourceKind.CODEBUILD_PROJECT,
    ("ecs", "service"): ResourceKind.ECS_SERVICE,
    ("ecs", "task-definition"): ResourceKind.ECS_TASK_DEFINITION,
}

_DENY_KINDS = {
    DenyAttachment.MANAGED: (PermissionSetKind.MANAGED_POLICY,),
    DenyAttachment.INLINE: (PermissionSetKind.INLINE_POLICY,),
    DenyAttachment.GROUP: (PermissionSetKind.MANAGED_POLICY, PermissionSetKind.INLINE_POLICY),
}


@dataclass(frozen=True, slots=True)
class Option:
    """One resource a group of bindings may be checked on."""

    resource: str
    via: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """What must be confirmed if this option is used (makes the edge conditional)."""
    extra: tuple[tuple[str, str], ...] = ()
    """Further (action, resource) permissions this option needs."""


def _deny_attachment(method: EscalationMethod) -> DenyAttachment | None:
    found = method.prerequisites_of(PrerequisiteKind.DENY_POLICY_ATTACHED)
    return found[0].attachment if found else None


class Options:
    """Choices for each kind of binding, from the estate."""

    def __init__(self, estate: Estate) -> None:
        """Work over ``estate``."""
        self._estate = estate

    def of(
        self,
        points_at: PointsAt,
        bindings: Sequence[ResourceBinding],
        plan: Plan,
        attacker: Identity,
        candidate: Candidate,
    ) -> Sequence[Option]:
        """The options for bindings that share ``points_at`` and a resource type."""
        method = plan.method
        target = candidate.target
        if points_at in (PointsAt.TARGET_PRINCIPAL, PointsAt.PASSED_ROLE):
            return [Option(target)] if isinstance(target, str) else []
        if points_at is PointsAt.NEW_RESOURCE:
            return [Option(ANYWHERE)]
        if points_at is PointsAt.SELF:
            return self._self(bindings[0], method, attacker)
        if points_at is PointsAt.SELF_GROUP:
            return self._own_groups(method, attacker)
        if points_at is PointsAt.SELF_POLICY:
            return self._policies(method, attacker.id)
        if points_at is PointsAt.TARGET_POLICY:
            return self._policies(method, target) if isinstance(target, str) else []
        if points_at is PointsAt.TARGET_GROUP:
            return self._groups_to_join(attacker)
        if points_at is PointsAt.AUXILIARY_ROLE:
            return self._auxiliary(plan, attacker.container)
        if points_at is PointsAt.COMPUTE:
            return self._compute(method, candidate)
        if points_at is PointsAt.FEDERATION_PROVIDER:
            return [] if candidate.provider is None else [Option(candidate.provider)]
        return self._supporting(bindings[0], attacker.container)

    def _self(
        self, binding: ResourceBinding, method: EscalationMethod, attacker: Identity
    ) -> list[Option]:
        # The action must be one that acts on the attacker's own kind (iam:DetachUserPolicy
        # cannot act on a role).
        if binding.resource_type != attacker.kind.value:
            return []
        attachment = _deny_attachment(method)
        if attachment is None:
            return [Option(attacker.id)]
        held = [
            policy
            for kind in _DENY_KINDS[attachment]
            for policy in self._estate.deny_holders(attacker.id, kind)
        ]
        return [Option(attacker.id, via=(policy,)) for policy in held]

    def _own_groups(self, method: EscalationMethod, attacker: Identity) -> list[Option]:
        groups = self._estate.groups_of(attacker.id)
        attachment = _deny_attachment(method)
        if attachment is None:
            return [Option(group, via=(group,)) for group in groups]
        found = []
        for group in groups:
            held = [
                policy
                for kind in _DENY_KINDS[attachment]
                for policy in self._estate.deny_holders(group, kind)
            ]
            if held:
                found.append(Option(group, via=(group, held[0])))
        return found

    def _policies(self, method: EscalationMethod, holder: IdentityId) -> list[Option]:
        found = []
        for set_id in self._estate.customer_policies(holder):
            policy = self._estate.policy(set_id)
            if policy is None:
                continue
            usable, needs_slot = policy_fits(method, policy)
            if usable:
                # With all five versions taken, one must be deleted first (IAM API Reference:
                # CreatePolicyVersion — "you must delete an existing version").
                extra = (("iam:DeletePolicyVersion", set_id),) if needs_slot else ()
                found.append(Option(set_id, via=(set_id,), extra=extra))
        return found

    def _groups_to_join(self, attacker: Identity) -> list[Option]:
        own = set(self._estate.groups_of(attacker.id))
        strong: list[Option] = []
        weak: list[Option] = []
        for group in self._estate.members(attacker.container, IdentityKind.GROUP):
            if group in own:
                continue
            if self._administrators(group):
                strong.append(Option(group, via=(group,)))
            else:
                note = f"the gain is what group {group} grants, which may fall short of admin"
                weak.append(Option(group, via=(group,), notes=(note,)))
        return strong + weak

    def _administrators(self, group: IdentityId) -> bool:
        return any(
            (policy := self._estate.policy(set_id)) is not None
            and grants_everything(policy.document)
            for set_id in self._estate.attached(group)
        )

    def _auxiliary(self, plan: Plan, account: ScopeId) -> list[Option]:
        service = plan.auxiliary_service
        if service is None:
            return []
        roles = self._estate.roles_trusting_service(account, service)
        return [Option(role, via=(role,)) for role in roles]

    def _compute(self, method: EscalationMethod, candidate: Candidate) -> list[Option]:
        found = []
        for running in candidate.compute:
            scratch = Evidence()
            if not compute_fits(method, running, scratch):
                continue
            workload: str = running.workload.id
            notes = tuple(scratch.notes)
            resource = workload
            if _task_from_definition(method):
                # ECS Exec acts on a running task, which the inventory does not list; the
                # definition names the role its tasks get.
                resource = ANYWHERE
                notes += (f"a task of {workload} must be running",)
            found.append(Option(resource, via=(workload,), notes=notes))
        return found

    def _supporting(self, binding: ResourceBinding, account: ScopeId) -> list[Option]:
        if binding.resource_type == "*":
            return [Option(ANYWHERE)]  # the action has no resource-level permissions
        service = binding.action.partition(":")[0].lower()
        kind = _SUPPORTING.get((service, binding.resource_type))
        if kind is not None:
            known = self._estate.existing(account, kind)
        else:
            known = self._estate.resources_of(account, [f"{service}:{binding.resource_type}"])
            if (service, binding.resource_type) == ("ec2", "instance"):
                running = self._estate.running_as(account, ComputeKind.EC2_INSTANCE)
                known += [r.workload.id for r in running]
        if not known:
            note = f"no {service} {binding.resource_type} of account {account} in the inventory"
            return [Option(ANYWHERE, notes=(note,))]
        return [Option(resource, via=(resource,)) for resource in dict.fromkeys(known)]


def _task_from_definition(method: EscalationMethod) -> bool:
    return any(
        item.compute is ComputeKind.ECS_TASK
        for item in method.prerequisites_of(PrerequisiteKind.EXISTING_COMPUTE)
    )
