"""The proof a candidate must pass before anything is written.

Two small worlds are evaluated (:mod:`.world`): the identity as it is today, and the same with
its replaced grants swapped for the new policies (same groups, boundary, SCPs, RCPs, resource
policies). The candidate passes when

* **no wider**: every new Allow lies within one of today's statements (:mod:`.containment`, a
  sound structural test); the evaluator agrees action by action (the new effective allowed set
  within today's, conditionally allowed within today's allowed-or-conditional); and asked about
  each (action, resource) the new statements name, it never allows where today does not — a
  pattern resource is asked as its literal text, which a glob of today matches when it covers
  the pattern or when a ``?`` happens to match the ``*`` (the structural test settles the
  latter);
* **covers usage**: every observed call that today allows is still allowed (replay).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from overgrant.catalogs.aws import AwsCatalog
from overgrant.graph.effective.aws import AwsEvaluator, EffectivePermissions, Outcome
from overgrant.model import Identity, PermissionSetId
from overgrant.remediation.minimize.lookup import InventoryLookup
from overgrant.remediation.minimize.statements import source_statements, strings
from overgrant.remediation.plan import NewPolicy, Proof
from overgrant.remediation.prove.containment import new_allow_statements, uncontained
from overgrant.remediation.prove.world import proof_inventory

_SHOWN = 20
"""Failure lines kept per check: enough to act on, not a wall of text."""
_POINT_LIMIT = 4000
"""(action, resource) pairs asked of the evaluator per identity; the structural test and the
action-set comparison cover every pair whatever this limit."""


def _wider(old: Outcome, new: Outcome) -> bool:
    if new is Outcome.ALLOWED:
        return old is not Outcome.ALLOWED
    return new is Outcome.CONDITIONAL and old is Outcome.DENIED


def _effective_failures(old: EffectivePermissions, new: EffectivePermissions) -> list[str]:
    catalog = old.catalog
    failures: list[str] = []
    extra = new.allowed & ~old.allowed
    for name in catalog.names(extra)[:_SHOWN]:
        failures.append(f"{name} is allowed by the new policies but not today")
    maybe = (new.allowed | new.conditional) & ~(old.allowed | old.conditional)
    for name in catalog.names(maybe & ~extra)[:_SHOWN]:
        failures.append(f"{name} is conditionally allowed by the new policies but denied today")
    return failures


def _pairs(policies: tuple[NewPolicy, ...], catalog: AwsCatalog) -> Iterable[tuple[str, str]]:
    for _, statement in new_allow_statements(policies):
        if "NotResource" in statement:
            continue  # no resource stands for "all but these"; the other checks cover it
        resources = strings(statement.get("Resource"))
        for pattern in strings(statement.get("Action")):
            names = catalog.names(catalog.expand(pattern)) if "*" in pattern else [pattern]
            for name in names:
                for resource in resources:
                    yield name, resource


def _point_failures(
    identity: Identity, old: AwsEvaluator, new: AwsEvaluator, pairs: Iterable[tuple[str, str]]
) -> list[str]:
    failures: list[str] = []
    for count, (action, resource) in enumerate(pairs):
        if count >= _POINT_LIMIT:
            break
        before = old.decide(identity.id, action, resource).outcome
        after = new.decide(identity.id, action, resource).outcome
        if _wider(before, after):
            failures.append(
                f"{action} on {resource}: {after.value} by the new policies, {before.value} today"
            )
    return failures


def _replay(
    identity: Identity,
    calls: tuple[tuple[str, str], ...],
    old: AwsEvaluator,
    new: AwsEvaluator,
    effective: tuple[EffectivePermissions, EffectivePermissions],
) -> tuple[int, list[str]]:
    """Replay the observed calls; returns how many today allows and the ones the new denies."""
    replayed = 0
    denials: list[str] = []
    for action, resource in calls:
        before = old.decide(identity.id, action, resource).outcome
        after = new.decide(identity.id, action, resource).outcome
        if resource == "*" and before is Outcome.DENIED:
            # No resource known: ask whether the action is allowed on some resource.
            before, after = effective[0].outcome(action), effective[1].outcome(action)
        if before is Outcome.DENIED:
            continue  # denied today as well (or granted outside identity-based policies)
        replayed += 1
        if after is Outcome.DENIED or (after is Outcome.CONDITIONAL and before is Outcome.ALLOWED):
            denials.append(f"replay: {action} on {resource} is {after.value} by the new policies")
    return replayed, denials


def prove_aws(
    lookup: InventoryLookup,
    identity: Identity,
    policies: tuple[NewPolicy, ...],
    replaced: frozenset[PermissionSetId],
    calls: tuple[tuple[str, str], ...],
    catalog: AwsCatalog,
    *,
    at: datetime | None = None,
) -> Proof:
    """Prove that ``policies`` replacing ``replaced`` are no wider and still cover ``calls``."""
    targets = {r for _, r in calls} | {r for _, r in _pairs(policies, catalog) if "*" not in r}
    old_world = proof_inventory(lookup, identity, targets=targets)
    new_world = proof_inventory(
        lookup, identity, targets=targets, replaced=replaced, new_policies=policies
    )
    old, new = AwsEvaluator(old_world, catalog, at=at), AwsEvaluator(new_world, catalog, at=at)
    old_effective, new_effective = old.effective(identity.id), new.effective(identity.id)
    today = source_statements(lookup, old_effective.principal)
    wider = uncontained(policies, today, old_effective.context)[:_SHOWN]
    wider += _effective_failures(old_effective, new_effective)
    wider += _point_failures(identity, old, new, _pairs(policies, catalog))[:_SHOWN]
    replayed, denials = _replay(identity, calls, old, new, (old_effective, new_effective))
    return Proof(
        passed=not wider and not denials,
        no_wider=not wider,
        covers_usage=not denials,
        replayed_calls=replayed,
        replay_denials=len(denials),
        failures=tuple(wider + denials[:_SHOWN]),
    )
