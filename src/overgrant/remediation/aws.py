"""Least-privilege plans for AWS identities: choose, minimize, prove.

    plan = plan_aws(inventory, evidence, load_aws_catalog(), observability=mapping)
    for identity_plan in plan.proposed: ...

One evaluator is built over the whole inventory (each distinct policy compiled once); per
identity the work is the minimizer's and the proof's, both over small inventories, so that an
organisation of thousands of roles is planned in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from overgrant.catalogs.aws import AwsCatalog
from overgrant.errors import InputError
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.model import GrantPurpose, Identity, IdentityId, IdentityKind, Inventory, Nature
from overgrant.remediation.minimize.aws import Candidate, minimize_aws
from overgrant.remediation.minimize.evidence import Coverage, UsageIndex
from overgrant.remediation.minimize.lookup import InventoryLookup
from overgrant.remediation.minimize.options import MinimizeOptions, Observability
from overgrant.remediation.plan import IdentityPlan, PlanStatus, RemediationPlan
from overgrant.remediation.prove.aws import prove_aws
from overgrant.usage import UsageEvidence

_PLANNED_KINDS = (IdentityKind.ROLE, IdentityKind.USER)
DEFAULT_OPTIONS = MinimizeOptions()


def _is_service_linked(identity: Identity) -> bool:
    # Service-linked roles live under /aws-service-role/ (IAM User Guide: Using service-linked
    # roles); their policies belong to the service and cannot be edited.
    return identity.kind is IdentityKind.ROLE and "/aws-service-role/" in identity.id


def _chosen(lookup: InventoryLookup, identities: Iterable[str] | None) -> list[Identity]:
    if identities is None:
        return [
            i
            for i in lookup.identities.values()
            if i.kind in _PLANNED_KINDS and i.nature is not Nature.HUMAN
        ]
    chosen: list[Identity] = []
    for identity_id in identities:
        found = lookup.identities.get(IdentityId(identity_id))
        if found is None or found.kind not in _PLANNED_KINDS:
            raise InputError(f"no AWS role or user {identity_id!r} in the snapshot")
        chosen.append(found)
    return chosen


class _Planner:
    """The per-run state shared by every identity's plan."""

    def __init__(
        self,
        inventory: Inventory,
        evidence: UsageEvidence,
        catalog: AwsCatalog,
        observability: Observability,
        at: datetime | None,
        options: MinimizeOptions,
    ) -> None:
        self.lookup = InventoryLookup(inventory)
        self.evaluator = AwsEvaluator(inventory, catalog, at=at)
        self.usage = UsageIndex(evidence, catalog, observability, options.min_window_days)
        self.catalog = catalog
        self.at = at
        self.options = options

    def plan(self, identity: Identity) -> IdentityPlan:
        """One identity's plan, whatever its outcome."""
        base = IdentityPlan(
            identity=identity.id,
            account=str(identity.container),
            name=identity.name,
            kind=identity.kind.value,
            status=PlanStatus.UNSUPPORTED,
        )
        if _is_service_linked(identity):
            return replace(base, summary="service-linked role: its policies belong to the service")
        coverage = self.usage.coverage(base.account)
        if coverage is None:
            summary = f"no usage evidence covers account {base.account}; nothing is proposed"
            return replace(base, status=PlanStatus.NO_EVIDENCE, summary=summary)
        base = replace(
            base,
            window_start=coverage.start,
            window_end=coverage.end,
            evidence_sources=coverage.sources,
            attributes={"regions": list(coverage.regions)} if coverage.regions else {},
        )
        if not self.lookup.grants(identity.id, GrantPurpose.ALLOW):
            summary = "holds no policy of its own (only through groups, which are not rewritten)"
            return replace(base, status=PlanStatus.NOTHING_TO_REMOVE, summary=summary)
        if not self.usage.records(identity.id) and not self.usage.services(identity.id):
            summary = (
                f"no recorded use in {coverage.describe(0)}; nothing is proposed"
                " (an identity unused for the whole window is one to delete, not to rewrite)"
            )
            return replace(base, status=PlanStatus.NO_EVIDENCE, summary=summary)
        effective = self.evaluator.effective(identity.id)
        candidate = minimize_aws(
            identity, effective, self.lookup, self.usage, coverage, self.options
        )
        return self._judge(identity, base, candidate, coverage)

    def _judge(
        self, identity: Identity, base: IdentityPlan, candidate: Candidate, coverage: Coverage
    ) -> IdentityPlan:
        base = replace(
            base,
            used_calls=len(candidate.calls),
            granted_actions=candidate.granted_actions,
            kept_actions=candidate.kept_actions,
            retained=candidate.retained,
            kept_attachments=candidate.kept_attachments,
            attributes={**base.attributes, "notes": list(candidate.notes)},
        )
        if not candidate.removed:
            summary = "every granted permission was used or cannot be judged; nothing changes"
            return replace(base, status=PlanStatus.NOTHING_TO_REMOVE, summary=summary)
        days = base.evidence_days or 0.0
        if days < self.options.min_window_days:
            # Too short a window cannot judge what a call touches either: narrowing a used
            # action to the resources seen in a few days is a removal on thin evidence.
            summary = (
                f"evidence covers only {days:.0f} days (at least {self.options.min_window_days}"
                " are needed to remove anything); every permission is kept and flagged"
            )
            return replace(base, status=PlanStatus.NOTHING_TO_REMOVE, summary=summary)
        room = self.options.max_managed_policies
        if len(candidate.policies) > room:
            summary = (
                f"the kept permissions need {len(candidate.policies)} managed policies;"
                f" the quota allows {room}"
            )
            return replace(base, summary=summary, removed=candidate.removed)
        replaced = frozenset(r.permission_set for r in candidate.replaces)
        proof = prove_aws(
            self.lookup,
            identity,
            candidate.policies,
            replaced,
            candidate.calls,
            self.catalog,
            at=self.at,
        )
        status = PlanStatus.PROPOSED if proof.passed else PlanStatus.PROOF_FAILED
        return replace(
            base,
            status=status,
            summary=_summary(candidate, coverage, passed=proof.passed),
            # A candidate that failed is not handed on at all: no writer can emit it by mistake.
            new_policies=candidate.policies if proof.passed else (),
            replaces=candidate.replaces,
            removed=candidate.removed,
            proof=proof,
        )


def _summary(candidate: Candidate, coverage: Coverage, *, passed: bool) -> str:
    dropped = candidate.granted_actions - candidate.kept_actions
    names = ", ".join(r.name for r in candidate.replaces)
    text = (
        f"{dropped} of {candidate.granted_actions} actions removed after {coverage.describe(0)};"
        f" {len(candidate.policies)} new policy(ies) replace {names}"
    )
    if candidate.retained:
        text += f"; {len(candidate.retained)} permission group(s) kept without evidence, flagged"
    if coverage.regions:
        text += f"; evidence covers only {', '.join(coverage.regions)}"
    return text if passed else "proof failed: nothing is written; " + text


def plan_aws(
    inventory: Inventory,
    evidence: UsageEvidence,
    catalog: AwsCatalog,
    *,
    observability: Observability,
    identities: Iterable[str] | None = None,
    at: datetime | None = None,
    options: MinimizeOptions = DEFAULT_OPTIONS,
) -> RemediationPlan:
    """Plan least privilege for AWS roles and users from usage evidence.

    Args:
        inventory: the estate (only its AWS part is read).
        evidence: usage records, Access Advisor data and the windows they cover.
        catalog: the AWS action catalog (unknown actions the policies name are registered).
        observability: says which actions each window could have shown.
        identities: ARNs to plan; by default every role and user not used by a person
            (root, groups and people are left alone).
        at: evaluation time for date conditions and the plan's timestamp; ``None``: now for the
            timestamp, date conditions left unknown.
        options: the minimizer's knobs.

    Raises:
        InputError: an identity asked for is not an AWS role or user of the inventory.
    """
    planner = _Planner(inventory, evidence, catalog, observability, at, options)
    chosen = sorted(_chosen(planner.lookup, identities), key=lambda i: i.id)
    plans = tuple(planner.plan(identity) for identity in chosen)
    notes = list(evidence.notes)
    if any(p.status is PlanStatus.PROPOSED for p in plans):
        notes.append(
            "grants made by resource-based policies (bucket, key, queue policies) are out of"
            " scope: they are neither kept nor removed"
        )
    return RemediationPlan(
        plans=plans,
        generated_at=at or datetime.now(UTC),
        min_window_days=options.min_window_days,
        blind_spots=evidence.blind_spots,
        notes=tuple(notes),
    )
