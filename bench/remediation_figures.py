"""The remediation benchmark's figures: what the plans removed, measured against the ground truth.

Independent of the planner's own accounting: the organization is rebuilt with every proposed
plan applied (the replaced grants swapped for the new managed policies, boundaries and SCPs
untouched) and a fresh :class:`~overgrant.graph.effective.aws.AwsEvaluator` says what each role
may still do. See ``bench_remediation.py`` for the definitions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ctgen_events import LOGGED, visibility

from overgrant.catalogs.aws import AwsCatalog
from overgrant.graph.effective.aws import AwsEvaluator, Outcome
from overgrant.model import (
    Cloud,
    Grant,
    GrantPurpose,
    Inventory,
    PermissionSet,
    PermissionSetId,
    PermissionSetKind,
    ScopeId,
)
from overgrant.remediation.plan import IdentityPlan, PlanStatus


def applied(inventory: Inventory, plans: Iterable[IdentityPlan]) -> Inventory:
    """The inventory as it would be once every proposed plan is applied."""
    proposed = [p for p in plans if p.status is PlanStatus.PROPOSED]
    dropped = {(p.identity, r.permission_set) for p in proposed for r in p.replaces}
    grants = [
        g
        for g in inventory.grants
        if g.purpose is not GrantPurpose.ALLOW or (g.identity, g.permission_set) not in dropped
    ]
    sets = list(inventory.permission_sets)
    for plan in proposed:
        for policy in plan.new_policies:
            set_id = PermissionSetId(f"arn:aws:iam::{plan.account}:policy/{policy.name}")
            sets.append(
                PermissionSet(
                    id=set_id,
                    cloud=Cloud.AWS,
                    kind=PermissionSetKind.MANAGED_POLICY,
                    name=policy.name,
                    document=policy.document,
                    container=ScopeId(plan.account),
                )
            )
            grants.append(
                Grant(
                    identity=plan.identity,
                    permission_set=set_id,
                    scope=ScopeId(plan.account),
                    purpose=GrantPurpose.ALLOW,
                )
            )
    return replace(inventory, permission_sets=tuple(sets), grants=tuple(grants))


def _visible_bits(catalog: AwsCatalog, data_events: tuple[str, ...]) -> int:
    bits = 0
    for index in range(catalog.size):
        if visibility(catalog.name_at(index), data_events) == LOGGED:
            bits |= 1 << index
    return bits


def _possible(evaluator: AwsEvaluator, arn: str) -> int:
    effective = evaluator.effective(arn)
    return effective.allowed | effective.conditional


def _context(region: str) -> dict[str, Any]:
    return {"aws:RequestedRegion": region, "aws:SecureTransport": True}


class _Tally:
    """Sums of action-level counts for one population of roles."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    @property
    def roles(self) -> int:
        return self.counts["roles"]

    def add(self, **values: int) -> None:
        self.counts.update(values)
        self.counts["roles"] += 1

    def as_dict(self) -> dict[str, int]:
        keys = ("removable", "removed", "baseline_removed", "invisible", "invisible_removed",
                "used_removed", "granted")  # fmt: skip
        return {key: self.counts[key] for key in keys}


def measure(
    inventory: Inventory, catalog: AwsCatalog, plans: list[IdentityPlan], truth: dict[str, Any]
) -> dict[str, Any]:
    """The benchmark's figures for one run (see ``bench_remediation.py``)."""
    today = AwsEvaluator(inventory, catalog)
    after = AwsEvaluator(applied(inventory, plans), catalog)
    visible = _visible_bits(catalog, tuple(truth["trail"]["data_events"]))
    by_identity = {p.identity: p for p in plans}
    observed, everyone = _Tally(), _Tally()
    resources: Counter[str] = Counter()
    replay: Counter[str] = Counter()
    examples: list[str] = []
    service_linked = not_planned = 0
    for arn, role in truth["roles"].items():
        if "/aws-service-role/" in arn:
            service_linked += 1
            continue
        if arn not in by_identity:
            not_planned += 1  # people's roles (SSO, federated): the planner leaves them alone
            continue
        now, later = _possible(today, arn), _possible(after, arn)
        used_actions = {u["action"] for u in role["used"]}
        used = catalog.expand_all(used_actions)
        services = {a.split(":", 1)[0] for a in used_actions}
        kept_by_service = catalog.expand_all(f"{s}:*" for s in services)
        unneeded = now & ~used
        removed = now & ~later
        values = {
            "granted": now.bit_count(),
            "removable": (unneeded & visible).bit_count(),
            "removed": (removed & unneeded & visible).bit_count(),
            "baseline_removed": (unneeded & visible & ~kept_by_service).bit_count(),
            "invisible": (unneeded & ~visible).bit_count(),
            "invisible_removed": (removed & unneeded & ~visible).bit_count(),
            "used_removed": (removed & used).bit_count(),
        }
        everyone.add(**values)
        if any(u["visibility"] == LOGGED for u in role["used"]):
            observed.add(**values)
            _resources(today, after, arn, role, resources)
        examples += _replay(today, after, arn, role, replay)
    proofs = [p.proof for p in plans if p.proof is not None]
    return {
        "statuses": dict(sorted(Counter(p.status.value for p in plans).items())),
        "roles_all": everyone.roles,
        "roles_observed": observed.roles,
        "service_linked": service_linked,
        "not_planned": not_planned,
        "planned_identities": len(by_identity),
        "actions": {"observed": observed.as_dict(), "all": everyone.as_dict()},
        "resources": dict(resources),
        "replay": {
            "proofs": len(proofs),
            "proofs_failed": sum(1 for p in proofs if not p.passed),
            "replayed_calls": sum(p.replayed_calls for p in proofs),
            "proof_denials": sum(p.replay_denials for p in proofs),
            "truth_calls": replay["calls"],
            "truth_denials": replay["denials"],
            "truth_denied_examples": examples[:10],
        },
    }


def _resources(
    today: AwsEvaluator, after: AwsEvaluator, arn: str, role: dict[str, Any], tally: Counter[str]
) -> None:
    """Allowed resources of used actions that the role never touched: denied after the swap?"""
    regions = {u["action"]: u["region"] for u in role["used"]}
    for decoy in role["unused_resources"]:
        context = _context(regions.get(decoy["action"], "us-east-1"))
        before = today.decide(arn, decoy["action"], decoy["resource"], context).outcome
        if before is Outcome.DENIED:
            continue  # allowed only in the generator's fuller context: not comparable here
        tally["unused"] += 1
        if after.decide(arn, decoy["action"], decoy["resource"], context).outcome is Outcome.DENIED:
            tally["removed"] += 1


def _replay(
    today: AwsEvaluator, after: AwsEvaluator, arn: str, role: dict[str, Any], tally: Counter[str]
) -> list[str]:
    """Every call the role really made (logged or not), decided today and after the swap."""
    denied: list[str] = []
    for used in role["used"]:
        context = _context(used["region"])
        before = today.decide(arn, used["action"], used["resource"], context).outcome
        if before is Outcome.DENIED:
            continue
        tally["calls"] += 1
        outcome = after.decide(arn, used["action"], used["resource"], context).outcome
        if outcome is Outcome.DENIED:
            tally["denials"] += 1
            denied.append(f"{arn} {used['action']} {used['resource']}")
    return denied


__all__ = ["applied", "measure"]
