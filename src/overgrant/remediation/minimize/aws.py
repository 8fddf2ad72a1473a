"""The smallest AWS identity policy that still allows every observed call.

For one identity, from the statements it holds directly (attached managed policies and inline
policies) and the usage evidence of its account:

* each observed call is kept on its resource, under every statement that could have granted it,
  with that statement's Condition (:mod:`.keep`);
* an unobserved permission is kept, and flagged, when no window could have shown it, when the
  windows that could are too short, or when Access Advisor saw its service used although
  CloudTrail recorded nothing; every other unobserved permission is removed, with the
  statements that granted it and the evidence that decided it;
* today's Deny statements are carried over verbatim; the permissions boundary, the groups'
  policies and SCPs are left as they are (groups are shared, so they are not rewritten).

Grants made by resource-based policies are out of scope: they are neither kept nor removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from overgrant.catalogs.aws import AwsCatalog
from overgrant.graph.effective.aws import EffectivePermissions
from overgrant.graph.effective.aws_conditions import evaluate_condition
from overgrant.graph.effective.aws_match import ContextLookup
from overgrant.graph.effective.aws_policy import action_matches
from overgrant.graph.effective.aws_statement import ActionRequest, statement_truth
from overgrant.model import GrantPurpose, Identity, IdentityKind
from overgrant.remediation.minimize import explain, layout
from overgrant.remediation.minimize.compress import retained_statements
from overgrant.remediation.minimize.evidence import Coverage, UsageIndex
from overgrant.remediation.minimize.keep import KeptSet
from overgrant.remediation.minimize.lookup import InventoryLookup
from overgrant.remediation.minimize.options import MinimizeOptions
from overgrant.remediation.minimize.statements import SourceStatement, source_statements
from overgrant.remediation.plan import NewPolicy, Removal, Replacement, Retention


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """The minimizer's proposal for one identity, before the proof."""

    policies: tuple[NewPolicy, ...]
    replaces: tuple[Replacement, ...]
    kept_attachments: tuple[Replacement, ...]
    removed: tuple[Removal, ...]
    retained: tuple[Retention, ...]
    calls: tuple[tuple[str, str], ...]
    """Distinct observed (action, resource) pairs."""
    granted_actions: int
    kept_actions: int
    notes: tuple[str, ...] = ()


def _condition_possible(statement: SourceStatement, context: ContextLookup) -> bool:
    condition = statement.compiled.condition
    return condition is None or evaluate_condition(condition, context).value is not False


def _keep_call(
    kept: KeptSet,
    statements: list[SourceStatement],
    catalog: AwsCatalog,
    call: tuple[str, str],
    context: ContextLookup,
) -> bool:
    """Keep one observed call under each statement that could have granted it."""
    action, resource = catalog.canonical(call[0]), call[1]
    lowered, index = action.lower(), catalog.index_of(action)
    if resource == "*":
        # The event named no resource: keep the action on whatever the granting statements
        # name (every resource if one of them covers all without a condition; a conditional
        # one alone would turn today's allow into "conditional").
        granting = [
            s
            for s in statements
            if action_matches(s.compiled, index, lowered) and _condition_possible(s, context)
        ]
        covering = [
            s for s in granting if s.compiled.covers_all_resources and s.compiled.condition is None
        ]
        for statement in covering or granting:
            kept.use_whole(action, statement)
        return bool(granting)
    request = ActionRequest(action=action, lowered=lowered, index=index, resource=resource)
    found = False
    for statement in statements:
        if statement_truth(statement.compiled, request, context).value is not False:
            kept.use(action, resource, statement)
            found = True
    return found


def _bits(catalog: AwsCatalog, names: set[str]) -> int:
    # Literal names by index: catalog.expand would compile a pattern for each one.
    bits = 0
    for name in names:
        index = catalog.index_of(name)
        if index is not None:
            bits |= 1 << index
    return bits


def _replacements(
    lookup: InventoryLookup, identity: Identity, purpose: GrantPurpose
) -> list[Replacement]:
    found: list[Replacement] = []
    for grant in lookup.grants(identity.id, purpose):
        permission_set = lookup.sets.get(grant.permission_set)
        if permission_set is None:
            continue
        managed = "#inline/" not in permission_set.id
        found.append(
            Replacement(
                permission_set=permission_set.id,
                name=permission_set.name,
                managed=managed,
                arn=str(permission_set.id) if managed else None,
            )
        )
    return found


def _advisor_bits(
    usage: UsageIndex, identity: Identity, coverage: Coverage, catalog: AwsCatalog, used: set[str]
) -> list[tuple[int, str]]:
    """Actions Access Advisor saw used in the window while CloudTrail recorded nothing."""
    used_services = {a.partition(":")[0].lower() for a in used}
    used_lower = {a.lower() for a in used}
    found: list[tuple[int, str]] = []
    for access in usage.services(identity.id):
        when = access.last_accessed
        if when is None or when < coverage.start:
            continue
        day = when.date().isoformat()
        if access.action is not None and access.action.lower() not in used_lower:
            reason = f"Access Advisor shows {access.action} used on {day}; CloudTrail shows no call"
            found.append((catalog.expand(access.action), reason))
        elif access.action is None and access.service.lower() not in used_services:
            reason = (
                f"Access Advisor shows {access.service} used on {day}; CloudTrail shows no call"
            )
            found.append((catalog.expand(f"{access.service}:*"), reason))
    return found


@dataclass(frozen=True, slots=True)
class _Unobserved:
    """Granted actions with no observed use, split into those removed and those kept."""

    removed: int
    retained: int
    retentions: list[Retention]


def _sort_unobserved(
    unobserved: int,
    identity: Identity,
    usage: UsageIndex,
    coverage: Coverage,
    catalog: AwsCatalog,
    used: set[str],
    options: MinimizeOptions,
) -> _Unobserved:
    blind = unobserved & (~coverage.observable | usage.blind_spots)
    short = unobserved & ~blind & ~coverage.long_enough
    advisor = [
        (bits & unobserved & ~blind & ~short, why)
        for bits, why in _advisor_bits(usage, identity, coverage, catalog, used)
    ]
    retained = blind | short
    retentions = explain.retentions(catalog, blind, "no evidence source here could show it")
    retentions += explain.retentions(
        catalog,
        short,
        f"evidence that could show it covers only {coverage.days:.0f} days"
        f" (need {options.min_window_days})",
    )
    for bits, why in advisor:
        retained |= bits
        retentions += explain.retentions(catalog, bits, why)
    return _Unobserved(unobserved & ~retained, retained, retentions)


def minimize_aws(
    identity: Identity,
    effective: EffectivePermissions,
    lookup: InventoryLookup,
    usage: UsageIndex,
    coverage: Coverage,
    options: MinimizeOptions,
) -> Candidate:
    """Propose the smallest policy for one identity (see the module docstring)."""
    catalog, context = effective.catalog, effective.context
    statements = source_statements(lookup, effective.principal)
    granting = [s for s in statements if s.replaceable and s.allows]
    from_groups = held = 0
    for statement in statements:
        if statement.allows:
            if statement.replaceable:
                held |= statement.compiled.action_bits
            else:
                from_groups |= statement.compiled.action_bits
    kept = KeptSet(context, options.generalise_at)
    calls = tuple(sorted({(r.action, r.resource) for r in usage.records(identity.id)}))
    unmatched = [c for c in calls if not _keep_call(kept, granting, catalog, c, context)]
    today = effective.allowed | effective.conditional
    granted = held & today & ~from_groups
    unobserved = granted & ~_bits(catalog, kept.used_actions)
    verdicts = _sort_unobserved(
        unobserved, identity, usage, coverage, catalog, kept.used_actions, options
    )
    for statement in granting:
        names = catalog.names(verdicts.retained & statement.compiled.action_bits)
        if names and _condition_possible(statement, context):
            kept.retain(names, statement)
    denies = [(s.label, s.raw) for s in statements if s.replaceable and not s.allows]
    policies = layout.documents(
        layout.statements([*kept.used_statements(), *retained_statements(kept, catalog)]),
        layout.carried_denies(denies),
        name=f"{options.policy_prefix}-{identity.name}",
        limit=options.max_policy_chars,
        description=f"Least privilege for {identity.name} from {coverage.describe(0)}",
    )
    removed = explain.removals(
        catalog,
        verdicts.removed,
        granted,
        granting,
        lambda b: f"not used in {coverage.describe(b)}",
    )
    return Candidate(
        policies=tuple(policies),
        replaces=tuple(_replacements(lookup, identity, GrantPurpose.ALLOW)),
        kept_attachments=tuple(_replacements(lookup, identity, GrantPurpose.BOUNDARY)),
        removed=tuple(removed + kept.narrowings(f"used only there in {coverage.describe(0)}")),
        retained=tuple(verdicts.retentions),
        calls=calls,
        granted_actions=today.bit_count(),
        kept_actions=(today & ~verdicts.removed).bit_count(),
        notes=tuple(_notes(identity, unmatched, from_groups & today)),
    )


def _notes(identity: Identity, unmatched: list[tuple[str, str]], grouped: int) -> list[str]:
    notes: list[str] = []
    if unmatched:
        notes.append(
            f"{len(unmatched)} observed call(s) are not granted by {identity.name}'s own policies"
            " (a group, a resource-based policy, or denied today); they are left as they are"
        )
    if identity.kind is IdentityKind.USER and identity.member_of:
        names = ", ".join(g.rsplit("/", 1)[-1] for g in identity.member_of)
        notes.append(
            f"group policies ({names}) are shared and not rewritten"
            + (f"; they still grant {grouped.bit_count()} actions" if grouped else "")
        )
    return notes
