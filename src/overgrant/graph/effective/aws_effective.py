"""Per-identity effective permissions as action sets, built from per-policy sets.

Each policy contributes four action sets: actions it allows on some resource (unconditionally,
or under conditions not known here) and actions it denies on every resource (likewise). A
policy without conditions or variables gets them once, shared by every holder; the rest are
worked out per identity with the identity's context. An identity's allowed set is then:

    (union of identity policies) ∩ boundary ∩ each SCP level − denies on every resource

following the same evaluation logic as single decisions (IAM User Guide: Policy evaluation
logic). A Deny on specific resources does not remove an action (it stays allowed elsewhere);
:meth:`EffectivePermissions.resources` shows such resource-level rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from overgrant.catalogs.aws import AwsCatalog
from overgrant.graph.effective.aws_conditions import TRUE, Truth, evaluate_condition, reads_resource
from overgrant.graph.effective.aws_context import RequestContext
from overgrant.graph.effective.aws_index import GuardrailRefs, PolicyRef, Principal
from overgrant.graph.effective.aws_match import ContextLookup, resolve
from overgrant.graph.effective.aws_policy import CompiledPolicy, CompiledStatement, action_matches
from overgrant.graph.effective.aws_statement import conjunction
from overgrant.graph.effective.decision import Effect, Outcome, StatementRef
from overgrant.model import IdentityId, IdentityKind, PermissionSetId


@dataclass(frozen=True, slots=True)
class ActionSets:
    """What one policy (or a union of policies) allows and denies, as action sets."""

    allow: int = 0
    allow_conditional: int = 0
    deny: int = 0
    """Denied on every resource, whatever the request."""
    deny_conditional: int = 0
    """Denied on every resource under conditions not known here."""

    def union(self, other: ActionSets) -> ActionSets:
        """Both policies together."""
        return ActionSets(
            self.allow | other.allow,
            self.allow_conditional | other.allow_conditional,
            self.deny | other.deny,
            self.deny_conditional | other.deny_conditional,
        )


def _resource_possible(statement: CompiledStatement, context: ContextLookup) -> Truth:
    """Whether a statement can name any resource once its variables are filled in."""
    if statement.not_resource or statement.resource_globs is not None:
        return TRUE
    unknown: set[str] = set()
    for template in statement.resources:
        resolved = resolve(template, context)
        if resolved.pieces is not None:
            return TRUE
        unknown.update(resolved.unknown)
    return Truth(None, frozenset(unknown)) if unknown else Truth(False)


def policy_sets(
    policy: CompiledPolicy, context: ContextLookup, action: str | None = None
) -> ActionSets:
    """The action sets of one policy for the identity behind ``context``.

    With ``action`` (lower case), the sets hold only bit 0, standing for that one action: the
    way to answer for an action that has no position in the catalog.
    """
    allow = allow_c = deny = deny_c = 0
    for statement in policy.statements:
        bits = statement.action_bits
        if action is not None:
            bits = 1 if action_matches(statement, None, action) else 0
            if not bits:
                continue
        truth = TRUE
        if statement.condition is not None or statement.has_variables:
            truth = _resource_possible(statement, context)
            if statement.condition is not None:
                truth = conjunction(truth, evaluate_condition(statement.condition, context))
        if truth.value is False:
            continue
        if statement.effect is Effect.ALLOW:
            if truth.value:
                allow |= bits
            else:
                allow_c |= bits
        elif statement.covers_all_resources:
            if truth.value:
                deny |= bits
            else:
                deny_c |= bits
    return ActionSets(allow, allow_c, deny, deny_c)


def _static(policy: CompiledPolicy) -> bool:
    return not (policy.principal_dependent or policy.has_conditions)


class SetCache:
    """Action sets of policies, and of SCP chains, that read nothing about the identity."""

    def __init__(self, action: str | None = None) -> None:
        """Start empty; with ``action``, work out one-bit sets for that action alone."""
        self._action = action
        self._static: dict[int, ActionSets] = {}
        self._chains: dict[int, tuple[GuardrailRefs, ActionSets]] = {}

    def sets(self, policy: CompiledPolicy, context: ContextLookup) -> ActionSets:
        """The policy's sets, computed once when they cannot differ between identities."""
        if self._action is not None or not _static(policy):
            return policy_sets(policy, context, self._action)
        key = id(policy)  # compiled policies live as long as the index that holds them
        found = self._static.get(key)
        if found is None:
            found = self._static[key] = policy_sets(policy, context)
        return found

    def union(self, refs: tuple[PolicyRef, ...], context: ContextLookup) -> ActionSets:
        """The union of several policies' sets."""
        allow = allow_c = deny = deny_c = 0
        for _, policy in refs:
            sets = self.sets(policy, context)
            allow |= sets.allow
            allow_c |= sets.allow_conditional
            deny |= sets.deny
            deny_c |= sets.deny_conditional
        return ActionSets(allow, allow_c, deny, deny_c)

    def chain(self, levels: GuardrailRefs, context: ContextLookup) -> ActionSets:
        """An SCP chain folded into one cap: every level must allow (AWS Organizations User
        Guide: SCP evaluation), so the chain allows the intersection of its levels."""
        found = self._chains.get(id(levels))
        if found is not None and found[0] is levels:
            return found[1]
        allow = allow_or_maybe = -1  # all bits set: the identity of intersection
        deny = deny_c = 0
        for _, refs in levels:
            level = self.union(refs, context)
            allow &= level.allow
            allow_or_maybe &= level.allow | level.allow_conditional
            deny |= level.deny
            deny_c |= level.deny_conditional
        folded = ActionSets(allow, allow_or_maybe, deny, deny_c)
        if self._action is None and all(_static(p) for _, refs in levels for _, p in refs):
            self._chains[id(levels)] = (levels, folded)
        return folded


def _cap(allowed: int, conditional: int, cap: ActionSets) -> tuple[int, int]:
    # A cap (boundary, SCP chain) keeps what it allows; what either side allows only under
    # conditions stays conditional. ``cap.allow_conditional`` includes ``cap.allow``.
    capped = allowed & cap.allow
    maybe = (allowed | conditional) & (cap.allow | cap.allow_conditional) & ~capped
    return capped, maybe


def effective_sets(
    principal: Principal, context: RequestContext, cache: SetCache, all_bits: int
) -> tuple[int, int]:
    """An identity's (allowed, conditional) action sets."""
    own = cache.union(principal.policies, context)
    allowed = all_bits if principal.facts.identity.kind is IdentityKind.ROOT else own.allow
    conditional = own.allow_conditional & ~allowed
    deny, deny_c = own.deny, own.deny_conditional
    caps = [cache.union(principal.boundary, context)] if principal.boundary else []
    if principal.scp_levels:
        caps.append(cache.chain(principal.scp_levels, context))
    for cap in caps:
        allowed, conditional = _cap(allowed, conditional, cap)
        deny |= cap.deny
        deny_c |= cap.deny_conditional
    # Explicit deny wins (IAM User Guide: Policy evaluation logic — explicit deny).
    final = allowed & ~deny & ~deny_c
    maybe = (conditional | (allowed & deny_c)) & ~deny & ~final
    return final, maybe


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceRule:
    """A statement that applies to an action, with the resources it names."""

    effect: Effect
    patterns: tuple[str, ...]
    """Resource ARN patterns, with the identity's policy variables filled in where known."""
    negated: bool
    """True for ``NotResource``: the rule covers every resource except these."""
    conditional: bool
    """True when conditions or variables not known here decide whether it applies."""
    source: str
    """``identity``, ``boundary`` or ``scp``."""
    statement: StatementRef
    reads_resource: bool = False
    """Whether its condition reads the request's resource (tags, account, organization), so
    that it can apply to some resources its patterns name and not to others."""


RuleCache = dict[tuple[str, str, str], tuple["ResourceRule", ...]]
"""Resource rules by (source, permission set, lower-cased action)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EffectivePermissions:
    """What one identity may do, as action sets over the catalog, with resource detail."""

    identity: IdentityId
    allowed: int
    """Actions allowed on at least some resource without unknown conditions."""
    conditional: int
    """Actions allowed only under conditions (or past denies) not known here."""
    universe: int
    """Catalog size when computed: later-registered actions are not in these sets."""
    catalog: AwsCatalog = field(repr=False, compare=False)
    principal: Principal = field(repr=False, compare=False)
    context: RequestContext = field(repr=False, compare=False)
    shared: RuleCache | None = field(default=None, repr=False, compare=False)
    """Rules of policies that read nothing about the principal, kept across identities."""

    @property
    def sources(self) -> tuple[tuple[str, PolicyRef], ...]:
        """The policies that shape these permissions, each with its role: ``identity``,
        ``boundary`` or ``scp``."""
        found: list[tuple[str, PolicyRef]] = [("identity", r) for r in self.principal.policies]
        found += [("boundary", ref) for ref in self.principal.boundary]
        found += [("scp", ref) for _, refs in self.principal.scp_levels for ref in refs]
        return tuple(found)

    def allowed_actions(self) -> list[str]:
        """Names of the allowed actions."""
        return self.catalog.names(self.allowed)

    def conditional_actions(self) -> list[str]:
        """Names of the conditionally allowed actions."""
        return self.catalog.names(self.conditional)

    def outcome(self, action: str) -> Outcome:
        """Whether the action is allowed on some resource, conditionally, or not at all."""
        index = self.catalog.index_of(action)
        if index is None or index >= self.universe:
            # Not in these sets: evaluate the policies for this action alone.
            alone = SetCache(action.lower())
            allowed, conditional = effective_sets(self.principal, self.context, alone, 1)
            if allowed:
                return Outcome.ALLOWED
            return Outcome.CONDITIONAL if conditional else Outcome.DENIED
        if self.allowed >> index & 1:
            return Outcome.ALLOWED
        return Outcome.CONDITIONAL if self.conditional >> index & 1 else Outcome.DENIED

    def resources(self, action: str) -> tuple[ResourceRule, ...]:
        """The statements that allow or deny ``action``, with their resource patterns."""
        index = self.catalog.index_of(action)
        lowered = action.lower()
        rules: list[ResourceRule] = []
        for source, (set_id, policy) in self.sources:
            key = (source, set_id, lowered)
            if self.shared is not None and not policy.principal_dependent:
                known = self.shared.get(key)
                if known is None:
                    known = self.shared[key] = self._policy_rules(
                        source, set_id, policy, index, lowered
                    )
                rules.extend(known)
            else:
                rules.extend(self._policy_rules(source, set_id, policy, index, lowered))
        return tuple(rules)

    def _policy_rules(
        self,
        source: str,
        set_id: PermissionSetId,
        policy: CompiledPolicy,
        index: int | None,
        lowered: str,
    ) -> tuple[ResourceRule, ...]:
        found: list[ResourceRule] = []
        for statement in policy.statements:
            if action_matches(statement, index, lowered):
                rule = self._rule(source, set_id, statement)
                if rule is not None:
                    found.append(rule)
        return tuple(found)

    def _rule(
        self, source: str, set_id: PermissionSetId, statement: CompiledStatement
    ) -> ResourceRule | None:
        truth = TRUE
        if statement.condition is not None:
            truth = evaluate_condition(statement.condition, self.context)
        if truth.value is False:
            return None
        patterns: list[str] = []
        conditional = truth.value is None
        for template in statement.resources:
            resolved = resolve(template, self.context)
            if resolved.pieces is not None:
                patterns.append("".join(text for _, text in resolved.pieces))
            elif resolved.unknown:
                patterns.append(template.text)
                conditional = True
        if not patterns and statement.resources:
            return None  # every pattern names a variable this identity lacks: matches nothing
        ref = StatementRef(
            permission_set=set_id,
            index=statement.index,
            sid=statement.sid,
            effect=statement.effect,
        )
        return ResourceRule(
            effect=statement.effect,
            patterns=tuple(patterns),
            negated=statement.not_resource,
            conditional=conditional,
            source=source,
            statement=ref,
            reads_resource=statement.condition is not None
            and any(reads_resource(key) for key in statement.condition.keys),
        )
