"""Permission checks of one attacker: memoized decisions, and shortcuts that keep the answer.

The search asks many (action, resource) questions of each attacker, most of them alike: may it
pass each of 400 roles to Lambda? Each question goes to
:meth:`~overgrant.graph.effective.aws.AwsEvaluator.decide` unless a shortcut gives the very
answer ``decide`` would give. The shortcuts rest on which statements' Resource patterns match
(:mod:`aws_patterns`), from the rules :meth:`EffectivePermissions.resources` lists for the
action (identity policies, boundary and SCPs, with the attacker's policy variables filled in):

* *no statement names the resource*: when no identity-based Allow statement has a pattern that
  could match the resource, the request is implicitly denied (IAM User Guide: Policy evaluation
  logic — "an implicit deny" when no policy allows);
* *same statements, same answer*: for a user or role of the attacker's own account, the
  evaluator knows nothing about the resource but its ARN and account (no resource policy, no
  tags), so two such resources that exactly the same patterns match get the same decision; it
  is asked once per set of matching patterns;
* *as on every resource*: for other resources, the decision on ``"*"`` (which only statements
  covering every resource can reach) stands for the decision on the resource when it is
  allowed, or conditional only on keys that do not describe the resource, and no statement
  naming specific resources could change it there;
* *same statements, same answer, across attackers*: a decision depends on the statements
  that apply to the action (listed by :meth:`EffectivePermissions.resources` with their
  patterns and whether their conditions are settled for the attacker), on the attacker's
  account (its SCPs), kind and whether it has a boundary, and on the request. Attackers that
  hold the same managed policies share those statements, so the answer is kept per search
  under that fingerprint and shared, statement references and all.

No shortcut is taken where a resource-based policy can decide: ``sts:`` requests (the role's
trust policy), resources with a policy in the inventory, services whose resources resource
control policies govern (AWS Organizations User Guide: Resource control policies — "List of
AWS services that support RCPs"), and actions with a ``NotResource`` statement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from overgrant.graph.effective.aws import AwsEvaluator, EffectivePermissions, ResourceRule
from overgrant.graph.effective.aws_conditions import reads_resource
from overgrant.graph.effective.decision import Decision, Effect, Outcome, StatementRef
from overgrant.graph.escalation.aws_edges import RoleGroup
from overgrant.graph.escalation.aws_patterns import Patterns
from overgrant.model import IdentityId

Context = tuple[tuple[str, str], ...]
"""Request-context keys and values, hashable (``(("iam:PassedToService", "x"),)``)."""

ANYWHERE = "*"
"""The resource of an action on something the attacker creates and names itself."""

ASSUME = "sts:AssumeRole"

GOVERNED_SERVICES = frozenset(
    {"s3", "sts", "kms", "sqs", "secretsmanager", "cognito-identity", "logs", "dynamodb", "ecr"}
    | {"aoss"}
)
"""Services whose requests a resource-based policy or an RCP can decide: no shortcut there."""

DENIED = Decision(outcome=Outcome.DENIED, reason="implicit deny: no statement names the resource")

Signature = tuple[object, ...]

_NAMED = "allowed on resources whose name the attacker chooses"


class Targets(Protocol):
    """What the checks need to know about the users and roles they are asked about."""

    def tags(self, identity: str) -> tuple[tuple[str, str], ...]:
        """The identity's tags, sorted."""
        ...


Shared = dict[tuple[object, ...], Decision]
"""Decisions kept across the attackers of one search, by fingerprint (see the module doc)."""


@dataclass(frozen=True, slots=True)
class _Rules:
    identity_allow: tuple[str, ...]
    """Patterns of identity-based Allow statements (what can grant the action)."""
    naming: tuple[tuple[str, StatementRef, bool], ...]
    """(pattern, statement, conditional) of identity-based Allow statements, ``*`` aside."""
    specific: tuple[tuple[Effect, str], ...]
    """Patterns other than ``*`` of statements of any source (identity, boundary, SCP)."""
    negated: bool
    refs: tuple[StatementRef, ...]
    fingerprint: tuple[object, ...]
    """Every rule for the action as the attacker sees it: source, statement, patterns, how."""
    tagged: bool
    """Some rule's condition reads the resource's tags: resources must also share their tags
    to share a decision."""


class Checker:
    """Decisions for one attacker, each asked of the evaluator at most once."""

    def __init__(
        self,
        evaluator: AwsEvaluator,
        patterns: Patterns,
        attacker: IdentityId,
        effective: EffectivePermissions,
        *,
        resource_policies: Collection[str] = frozenset(),
        principals: Collection[str] = frozenset(),
        admitted_by: Collection[str] = frozenset(),
        rcps: bool = True,
        shared: Shared | None = None,
        facts: tuple[object, ...] = (),
        targets: Targets | None = None,
    ) -> None:
        """Prepare the checks of ``attacker``, whose effective permissions are given.

        Args:
            evaluator: decides what the shortcuts cannot.
            patterns: the search's shared pattern cache.
            attacker: the identity asking.
            effective: its effective permissions.
            resource_policies: ids of resources that carry a resource-based policy.
            principals: ARNs of the users and roles of the attacker's account.
            admitted_by: roles whose trust policy names the attacker, its account or anyone.
            rcps: whether resource control policies may treat the account's roles differently
                for ``sts:AssumeRole`` (they apply whatever the role's trust policy says).
            shared: decisions kept across attackers; ``None`` keeps none.
            facts: what besides the statements a decision depends on for this attacker: its
                account, kind and whether it has a permissions boundary.
            targets: tags and statement facts for the users and roles asked about.
        """
        self._evaluator = evaluator
        self._patterns = patterns
        self.attacker = attacker
        self.effective = effective
        self._resource_policies = resource_policies
        self._principals = principals
        self._admitted_by = admitted_by
        self._rcps = rcps
        self._shared = shared
        self._facts = facts
        self._targets = targets
        self._memo: dict[tuple[str, str, Context], Decision] = {}
        self._by_signature: dict[tuple[str, Context, Signature], Decision] = {}
        self._rules: dict[str, _Rules] = {}

    def _rules_of(self, action: str) -> _Rules:
        found = self._rules.get(action)
        if found is None:
            rules: tuple[ResourceRule, ...] = self.effective.resources(action)
            allows = [r for r in rules if r.effect is Effect.ALLOW and r.source == "identity"]
            found = self._rules[action] = _Rules(
                identity_allow=tuple(p for r in allows for p in r.patterns),
                naming=tuple(
                    (p, r.statement, r.conditional) for r in allows for p in r.patterns if p != "*"
                ),
                specific=tuple((r.effect, p) for r in rules for p in r.patterns if p != ANYWHERE),
                negated=any(r.negated for r in rules),
                refs=tuple(r.statement for r in allows),
                fingerprint=tuple(
                    (r.source, r.statement, r.patterns, r.negated, r.conditional) for r in rules
                ),
                tagged=self._targets is None or any(r.reads_resource for r in rules),
            )
        return found

    def on(self, action: str, resource: str, context: Context = ()) -> Decision:
        """Whether the attacker may perform ``action`` on ``resource`` (memoized)."""
        key = (action, resource, context)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._decide(action, resource, context)
        return found

    def _ask(self, action: str, resource: str, context: Context) -> Decision:
        service = action.partition(":")[0].lower()
        if (
            self._shared is None
            or service in GOVERNED_SERVICES
            or resource in self._resource_policies
        ):
            return self._evaluator.decide(self.attacker, action, resource, dict(context))
        key = (action, resource, context, self._facts, self._rules_of(action).fingerprint)
        found = self._shared.get(key)
        if found is None:
            found = self._evaluator.decide(self.attacker, action, resource, dict(context))
            self._shared[key] = found
        return found

    def _decide(self, action: str, resource: str, context: Context) -> Decision:
        service = action.partition(":")[0].lower()
        rules = self._rules_of(action)
        if (
            resource == ANYWHERE
            or rules.negated
            or service in GOVERNED_SERVICES
            or resource in self._resource_policies
        ):
            return self._ask(action, resource, context)
        could = self._patterns.could_match
        if not any(could(p, resource) for p in rules.identity_allow):
            return DENIED
        if resource in self._principals:
            signature = self._signature(rules, resource)
            if signature is not None:
                tags = self._tags(resource) if rules.tagged else ()
                return self._signed(action, resource, context, (*signature, tags))
        everywhere = self._spread(action, context)
        if everywhere is not None and not any(
            could(p, resource) for p in self._singling(rules, everywhere)
        ):
            return everywhere
        return self._ask(action, resource, context)

    def _tags(self, resource: str) -> tuple[tuple[str, str], ...] | None:
        # Today the evaluator takes no tags from a user or role it is asked about; should it
        # come to, statements reading aws:ResourceTag would tell equally matched targets apart.
        return None if self._targets is None else self._targets.tags(resource)

    def _signature(self, rules: _Rules, resource: str) -> Signature | None:
        found = []
        for _, pattern in rules.specific:
            hit = self._patterns.matches(pattern, resource)
            if hit is None:
                return None
            found.append(hit)
        return tuple(found)

    def _signed(
        self, action: str, resource: str, context: Context, signature: Signature
    ) -> Decision:
        key = (action, context, signature)
        found = self._by_signature.get(key)
        if found is None:
            found = self._by_signature[key] = self._ask(action, resource, context)
        return found

    def _spread(self, action: str, context: Context) -> Decision | None:
        """The decision on ``"*"`` if it may stand for single resources."""
        everywhere = self.on(action, ANYWHERE, context)
        if everywhere.outcome is Outcome.DENIED:
            return None
        if everywhere.outcome is Outcome.CONDITIONAL and any(
            reads_resource(key) for key in everywhere.unknown_condition_keys
        ):
            return None
        return everywhere

    @staticmethod
    def _singling(rules: _Rules, everywhere: Decision) -> list[str]:
        # A specific Deny can turn an allow into a deny; a specific Allow can settle what the
        # decision on "*" left conditional.
        return [
            pattern
            for effect, pattern in rules.specific
            if effect is Effect.DENY or everywhere.outcome is Outcome.CONDITIONAL
        ]

    def allow_patterns(self, action: str, *, governed: bool = False) -> tuple[str, ...] | None:
        """Resource patterns of the identity statements allowing ``action``.

        ``None`` when a ``NotResource`` statement makes patterns an unsafe guide, or (unless
        ``governed`` says the caller accounts for it) a resource-based policy could grant the
        action instead.
        """
        rules = self._rules_of(action)
        service = action.partition(":")[0].lower()
        if rules.negated or (service in GOVERNED_SERVICES and not governed):
            return None
        return rules.identity_allow

    @property
    def admitted_by(self) -> Collection[str]:
        """Roles whose trust policy names the attacker, its account or anyone."""
        return self._admitted_by

    def assume_after_rewrite(self, role: str) -> Decision:
        """``sts:AssumeRole`` on a role whose trust policy the attacker rewrites to name itself.

        What remains is the identity side (identity policies, boundary, SCPs). The evaluator
        always adds the role's current trust policy, so the identity side is read as: the
        decision on ``"*"`` where it stands for the role; else the identity statements that
        name the role, with the action's effective outcome. The role itself is asked about
        where that can change the answer: its current trust already admits the attacker, or a
        Deny statement could name it.
        """
        rules = self._rules_of(ASSUME)
        could = self._patterns.could_match
        denies = [p for effect, p in rules.specific if effect is Effect.DENY]
        if rules.negated or role in self._admitted_by or any(could(p, role) for p in denies):
            current = self.on(ASSUME, role)
            if current.outcome is not Outcome.DENIED or rules.negated:
                return current
            if any(ref.effect is Effect.DENY for ref in current.statements):
                return current
        return self._identity_side(rules, role)

    def _identity_side(self, rules: _Rules, role: str) -> Decision:
        everywhere = None if self._rcps else self._spread(ASSUME, ())
        if everywhere is not None and (
            everywhere.outcome is Outcome.ALLOWED
            or not any(self._patterns.could_match(p, role) for p, _, _ in rules.naming)
        ):
            return everywhere
        named = [(ref, cond) for p, ref, cond in rules.naming if self._patterns.matches(p, role)]
        outcome = self.effective.outcome(ASSUME)
        if not named or outcome is Outcome.DENIED or self._rcps:
            return self.on(ASSUME, ANYWHERE)
        if any(conditional for _, conditional in named):
            outcome = Outcome.CONDITIONAL
        return Decision(
            outcome=outcome,
            reason="allowed by identity statements that name the role",
            statements=tuple(ref for ref, _ in named),
        )

    def uniform(
        self, action: str, context: Context, group: RoleGroup, *, rewrites_trust: bool = False
    ) -> Decision | None:
        """The decision on ``action`` that holds for every member of ``group``, if provably one.

        Every member must be matched by exactly the same patterns, so that the decision on one
        member is the decision on each. For ``sts:AssumeRole`` the members' trust policies
        must also act alike: delegate to the account without condition (the group's
        definition), or be rewritten by the attacker; and no RCP may be attached anywhere.
        """
        rules = self._rules_of(action)
        governed = action.partition(":")[0].lower() in GOVERNED_SERVICES
        if rules.negated or (governed and (action != ASSUME or self._rcps)):
            return None
        signature = []
        for _, pattern in rules.specific:
            hit = self._patterns.matching(pattern, group, group.members, exact=True)
            if hit is None or 0 < len(hit) < len(group.members):
                return None
            signature.append(bool(hit))
        first = group.members[0]
        tags = self._tags(first) if rules.tagged else ()
        if rules.tagged and any(self._tags(m) != tags for m in group.members):
            return None
        if rewrites_trust and action == ASSUME:
            # Only denies could tell members apart beyond their (equal) signatures, and the
            # current trust of a member that already admits the attacker could allow more.
            denies = [p for effect, p in rules.specific if effect is Effect.DENY]
            if any(self._patterns.could_match(p, first) for p in denies):
                # A Deny names every member alike (a part of a group): settled only when it
                # denies outright; otherwise member by member.
                decision = self.assume_after_rewrite(first)
                explicit = any(ref.effect is Effect.DENY for ref in decision.statements)
                return decision if decision.outcome is Outcome.DENIED and explicit else None
            decision = self._identity_side(rules, first)
            admitted = any(m in self._admitted_by for m in group.members)
            return None if admitted and decision.outcome is not Outcome.ALLOWED else decision
        if governed:
            return self.on(action, first, context)
        return self._signed(action, first, context, (*signature, tags))

    def split(self, actions: Iterable[str], group: RoleGroup) -> list[RoleGroup] | None:
        """The group cut into parts whose members every statement on ``actions`` treats alike
        (each pattern matches all of a part or none of it), or ``None`` when a pattern has no
        exact answer or the statements read something else about the members."""
        patterns: list[str] = []
        for action in actions:
            rules = self._rules_of(action)
            if rules.negated or rules.tagged:
                return None
            patterns.extend(pattern for _, pattern in rules.specific)
        # Attackers holding the same policies split a group the same way: computed once.
        key = (group, tuple(sorted(set(patterns))))
        if key in self._patterns.splits:
            return self._patterns.splits[key]
        hits = [self._patterns.matching(p, group, group.members, exact=True) for p in key[1]]
        found: list[RoleGroup] | None = None
        if all(hit is not None for hit in hits):
            parts: dict[tuple[bool, ...], list[IdentityId]] = {}
            for member in group.members:
                marks = tuple(member in hit for hit in hits if hit is not None)
                parts.setdefault(marks, []).append(member)
            found = [
                replace(group, part=_digest(members), members=tuple(members))
                for members in parts.values()
            ]
        self._patterns.splits[key] = found
        return found

    def anywhere(self, action: str, context: Context = ()) -> Decision:
        """Whether the attacker may perform ``action`` on a resource it creates and names.

        The attacker picks the new resource's name, so an action allowed on *some* resource
        will do (a grant on ``function:dev-*`` lets it create ``dev-x``): that is the action's
        effective outcome, which already subtracts denies on every resource, with the identity
        statements that allow the action as evidence. The evaluator is asked on ``"*"`` only
        for what the action sets cannot say: which condition keys leave it conditional, and
        actions the catalog does not know.
        """
        outcome = self.effective.outcome(action)
        rules = self._rules_of(action)
        if outcome is Outcome.ALLOWED and not context:
            return Decision(outcome=outcome, reason=_NAMED, statements=rules.refs)
        index = self.effective.catalog.index_of(action)
        if outcome is Outcome.DENIED and index is not None and index < self.effective.universe:
            return DENIED
        decision = self.on(action, ANYWHERE, context)
        if decision.outcome is not Outcome.DENIED or outcome is Outcome.DENIED:
            return decision
        if any(ref.effect is Effect.DENY for ref in decision.statements):
            return decision  # a Deny on every resource, under the given context
        return Decision(outcome=outcome, reason=_NAMED, statements=rules.refs)


def _digest(members: Sequence[str]) -> str:
    """A short stable name for a set of roles."""
    return hashlib.sha256("\n".join(sorted(members)).encode()).hexdigest()[:10]
