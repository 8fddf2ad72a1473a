"""Who can become an AWS role: ``can_assume`` edges from trust policies and identity policies.

IAM User Guide, "Roles terms and concepts" and "Cross-account policy evaluation logic":

* A trust policy naming a principal's ARN is enough in the same account; across accounts the
  principal's own identity policy must also allow ``sts:AssumeRole`` on the role.
* A trust policy naming an account (``123456789012`` or its ``:root`` ARN) delegates to that
  account: its principals need their own allow. Candidates are pruned with their effective
  action sets before any decision is asked for.
* ``"*"`` trusts every AWS principal anywhere; an account outside the inventory is an external
  node. Both are flagged when no ExternalId or organization condition narrows them.
* Federated principals (OIDC, SAML) become edges from a provider node; GitHub Actions OIDC trust
  without a ``sub`` condition lets any repository on GitHub assume the role.

Service principals are not ``can_assume`` edges: reaching such a role means creating or
changing compute and passing the role, which the escalation engine checks.

Delegation to an account is decided once per :class:`TrustGroup` where that is provably the
same decision for every member: roles of one account whose trust holds the same statement
delegating to the same account (and no Deny), asked by a principal whose every statement about
``sts:AssumeRole`` names ``"*"`` without an undecided condition, with no resource control
policy in the estate. The edge then goes to the group's hub; everything else is decided role by
role. An estate where hundreds of roles trust a tooling account's root, and that account's
identities may assume any role, would otherwise draw their product.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from overgrant.graph.effective.aws import AwsEvaluator, ResourceRule
from overgrant.graph.effective.aws_conditions import reads_resource
from overgrant.graph.effective.aws_match import Glob, compile_pieces, parse_template, static_pieces
from overgrant.graph.effective.decision import Effect, Outcome, StatementRef
from overgrant.graph.nodes import NodeKey, NodeKind, node_key
from overgrant.model import (
    Identity,
    IdentityId,
    IdentityKind,
    Inventory,
    JsonValue,
    ScopePolicyKind,
)

_ASSUME_ACTIONS = {
    "AWS": "sts:AssumeRole",
    "Federated": "sts:AssumeRoleWithWebIdentity",
}
_GITHUB = "token.actions.githubusercontent.com"
ASSUME_ROLE = "sts:AssumeRole"
_NARROWING_KEYS = ("sts:externalid", "aws:principalorgid", "aws:principalorgpaths")


class TrustRisk:
    """Flags carried by trust edges (strings, so findings can key on them)."""

    ANYONE = "trust-to-anyone"
    EXTERNAL_WITHOUT_EXTERNAL_ID = "external-account-without-external-id"
    GITHUB_WITHOUT_SUB = "github-oidc-without-sub"
    OIDC_WITHOUT_AUDIENCE = "oidc-without-audience"


ANYONE = "*"
""":attr:`TrustGroup.trusted` of roles whose trust admits every AWS principal (``"*"``)."""


@dataclass(frozen=True, slots=True)
class TrustGroup:
    """Roles of one account whose trust delegates to the same account by the same statement."""

    account: str
    trusted: str
    """The account the statement delegates to, or :data:`ANYONE`."""
    condition: str
    """The statement's Condition as canonical JSON (empty without one)."""
    members: tuple[IdentityId, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        """The hub's id: ``aws/<account>/delegating-to/<trusted>[/condition-<digest>]``."""
        trusted = "anyone" if self.trusted == ANYONE else self.trusted
        base = f"aws/{self.account}/delegating-to/{trusted}"
        if not self.condition:
            return base
        digest = hashlib.sha256(self.condition.encode()).hexdigest()[:12]
        return f"{base}/condition-{digest}"

    def __str__(self) -> str:
        condition = " under the same condition" if self.condition else ""
        whom = "any AWS principal" if self.trusted == ANYONE else f"account {self.trusted}"
        return f"roles of account {self.account} whose trust admits {whom}{condition}"


@dataclass(frozen=True, slots=True)
class CallerClass:
    """Callers of one account and kind whose own side of ``sts:AssumeRole`` allows every role
    (each statement names ``"*"``, decided): against a delegation whose condition reads
    nothing caller-specific, they are all decided alike."""

    account: str
    kind: str

    @property
    def key(self) -> str:
        """The hub's id: ``aws/<account>/<kind>s-assuming-any-role``."""
        return f"aws/{self.account}/{self.kind}s-assuming-any-role"

    def __str__(self) -> str:
        return f"{self.kind}s of account {self.account} allowed sts:AssumeRole on every role"


_CALLER_SPECIFIC = (
    "aws:principalarn",
    "aws:principaltag/",
    "aws:userid",
    "aws:username",
    "aws:sourceidentity",
    "aws:federatedprovider",
    "aws:principalservicename",
)
"""Condition keys whose value differs between callers of one account and kind."""


def _reads_caller(keys: Iterable[str], text: str) -> bool:
    """Whether a condition (its keys, and its JSON for policy variables) reads something that
    tells callers of one account apart."""
    return "${" in text or any(k.lower().startswith(_CALLER_SPECIFIC) for k in keys)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustEdge:
    """``source`` can become ``role``; ``source`` is an identity, provider or external node."""

    source: NodeKey
    role: IdentityId
    action: str
    outcome: Outcome
    statements: tuple[StatementRef, ...]
    unknown_condition_keys: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    condition_keys: tuple[str, ...] = ()
    """Condition keys present on the trust statement, lower-cased (evidence for reviewers)."""
    group: TrustGroup | None = None
    """Set when the edge reaches every member of a group at once (``role`` is then one of
    them, whose trust statement stands for each member's own)."""
    into_class: CallerClass | None = None
    """Set on a caller's edge into its :class:`CallerClass` hub (then ``role`` is unused)."""


@dataclass(frozen=True, slots=True)
class _TrustStatement:
    index: int
    sid: str | None
    principal_type: str
    principals: tuple[str, ...]
    condition: Mapping[str, JsonValue]

    def condition_keys(self) -> set[str]:
        keys: set[str] = set()
        for operands in self.condition.values():
            if isinstance(operands, dict):
                keys.update(k.lower() for k in operands)
        return keys

    def values_of(self, key: str) -> list[str]:
        found: list[str] = []
        for operands in self.condition.values():
            if isinstance(operands, dict):
                for k, v in operands.items():
                    if k.lower() == key:
                        found.extend(str(x) for x in (v if isinstance(v, list) else [v]))
        return found


def _as_list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else [value]


def _allows_assume(statement: Mapping[str, JsonValue]) -> bool:
    actions = [str(a).lower() for a in _as_list(statement.get("Action", []))]
    return any(a in ("*", "sts:*") or a.startswith("sts:assumerole") for a in actions)


def trust_statements(document: JsonValue) -> Iterator[_TrustStatement]:
    """The Allow statements of a trust policy that let someone assume the role."""
    if not isinstance(document, dict):
        return
    for index, statement in enumerate(_as_list(document.get("Statement", []))):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if not _allows_assume(statement):
            continue
        principal = statement.get("Principal")
        by_type: dict[str, list[str]] = {}
        if principal == "*":
            by_type["AWS"] = ["*"]
        elif isinstance(principal, dict):
            for kind, values in principal.items():
                by_type[kind] = [str(v) for v in _as_list(values)]
        condition = statement.get("Condition")
        sid = statement.get("Sid")
        for kind, names in by_type.items():
            yield _TrustStatement(
                index,
                sid if isinstance(sid, str) else None,
                kind,
                tuple(names),
                condition if isinstance(condition, dict) else {},
            )


def _decided_by(edge: TrustEdge, role: Identity, statement: _TrustStatement) -> bool:
    """Whether the role's trust allowed the edge by the group's statement alone (another
    statement of that one role's trust would not stand for the other members)."""
    return all(
        s.index == statement.index for s in edge.statements if s.permission_set == role.trust_policy
    )


def _may_deny_assume(document: JsonValue) -> bool:
    """Whether a policy holds a Deny on sts:AssumeRole that could treat roles of one account
    differently: one naming resources other than ``"*"``, or a condition on the resource."""
    if not isinstance(document, dict):
        return True  # unreadable: assume the worst
    for statement in _as_list(document.get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            continue
        actions = [str(a).lower() for a in _as_list(statement.get("Action", []))]
        if "NotAction" not in statement and not any(
            fnmatchcase("sts:assumerole", a) for a in actions
        ):
            continue
        condition = statement.get("Condition")
        keys = [
            str(k).lower()
            for block in (condition.values() if isinstance(condition, dict) else ())
            if isinstance(block, dict)
            for k in block
        ]
        if statement.get("Resource") not in ("*", ["*"]) or any(reads_resource(k) for k in keys):
            return True
    return False


def _condition_keys(document: JsonValue) -> list[str]:
    """Every condition key a policy's statements read."""
    if not isinstance(document, dict):
        return []
    keys: list[str] = []
    for statement in _as_list(document.get("Statement", [])):
        condition = statement.get("Condition") if isinstance(statement, dict) else None
        for block in condition.values() if isinstance(condition, dict) else ():
            if isinstance(block, dict):
                keys.extend(str(k) for k in block)
    return keys


def _has_deny(document: JsonValue) -> bool:
    """Whether a trust policy holds a Deny statement (it could tell callers apart)."""
    if not isinstance(document, dict):
        return False
    return any(
        isinstance(st, dict) and st.get("Effect") == "Deny"
        for st in _as_list(document.get("Statement", []))
    )


def _names_account(principal: str) -> bool:
    """``123456789012`` or ``arn:aws:iam::123456789012:root``: delegation to the account."""
    if principal.isdigit() and len(principal) == 12:
        return True
    parts = principal.split(":")
    return len(parts) == 6 and parts[0] == "arn" and parts[2] == "iam" and parts[5] == "root"


def _account_of(principal: str) -> str:
    return principal.split(":")[4] if principal.startswith("arn:") else principal


@dataclass(frozen=True, slots=True)
class CallerSide:
    """An identity's own side of ``sts:AssumeRole``: whether its policies allow it anywhere,
    and the statements (identity, boundary, SCPs) that allow or deny it, with their
    resources."""

    may_assume: bool
    rules: tuple[ResourceRule, ...]


def caller_side(evaluator: AwsEvaluator, identity: IdentityId) -> CallerSide:
    """An identity's :class:`CallerSide`, from its effective permissions."""
    effective = evaluator.effective(identity)
    may = effective.outcome(ASSUME_ROLE) is not Outcome.DENIED
    return CallerSide(may, effective.resources(ASSUME_ROLE) if may else ())


class AwsTrustAnalyzer:
    """Finds every ``can_assume`` edge into the inventory's AWS roles.

    Args:
        inventory: the estate.
        evaluator: decides identity-side permissions (and evaluates the trust policy itself,
            which it treats as the resource policy of ``sts:AssumeRole`` on the role).
        skip_source: sources to leave out (identities that already control the role's account
            gain nothing there by assuming its roles).
        callers: each identity's side of sts:AssumeRole where already worked out (by the
            workers that computed its effective permissions); the rest are asked for.
    """

    def __init__(
        self,
        inventory: Inventory,
        evaluator: AwsEvaluator,
        *,
        skip_source: Callable[[IdentityId, str], bool] = lambda _i, _a: False,
        callers: Mapping[IdentityId, CallerSide] | None = None,
    ) -> None:
        self._evaluator = evaluator
        self._skip = skip_source
        self._documents = {p.id: p.document for p in inventory.permission_sets}
        self._principals: dict[str, Identity] = {}
        self._by_account: dict[str, list[Identity]] = defaultdict(list)
        for identity in inventory.identities:
            if identity.kind in (IdentityKind.USER, IdentityKind.ROLE):
                self._principals[identity.id] = identity
                self._by_account[identity.container].append(identity)
        self._sides: dict[str, CallerSide] = {str(k): v for k, v in (callers or {}).items()}
        rcps = {
            p.permission_set
            for p in inventory.scope_policies
            if p.kind is ScopePolicyKind.RESOURCE_CONTROL_POLICY
        }
        self._rcps = any(_may_deny_assume(self._documents.get(r)) for r in rcps)
        self._rcps_read_caller = any(
            _reads_caller(
                _condition_keys(self._documents.get(r)), json.dumps(self._documents.get(r))
            )
            for r in rcps
        )
        self._in_class: set[str] = set()
        self._pattern_cover: dict[tuple[str, str], str] = {}
        self._globs: dict[str, Glob | None] = {}
        self._assumers_of: dict[str, list[Identity]] = {}

    def _assumers(self, account: str) -> list[Identity]:
        """Principals of ``account`` (every account for :data:`ANYONE`) whose own policies
        may allow sts:AssumeRole at all (once per account)."""
        found = self._assumers_of.get(account)
        if found is None:
            pool = self._principals.values() if account == ANYONE else self._by_account[account]
            found = self._assumers_of[account] = [
                c for c in pool if self._may_assume_anything(c.id)
            ]
        return found

    def _side(self, identity: IdentityId) -> CallerSide:
        known = self._sides.get(identity)
        if known is None:
            known = self._sides[identity] = caller_side(self._evaluator, identity)
        return known

    def _may_assume_anything(self, identity: IdentityId) -> bool:
        """Cheap pruning: does any identity policy allow sts:AssumeRole at all?"""
        return self._side(identity).may_assume

    def _assume_rules(self, identity: IdentityId) -> tuple[ResourceRule, ...]:
        """The identity's statements on sts:AssumeRole (identity, boundary, SCPs), once."""
        return self._side(identity).rules

    def _worth_asking(self, callers: Iterable[Identity], role: Identity) -> list[Identity]:
        """The callers the evaluator could allow into ``role``; the others are surely denied.

        A caller needs an identity-based Allow on sts:AssumeRole naming the role unless the
        role's trust names the caller itself (its ARN, a session of it, or everyone) in the same
        account (IAM User Guide: Cross-account policy evaluation logic), and the trust policy
        must admit it. Checking both first spares a full decision per caller and role.
        """
        asking = list(callers)
        admissions = self._evaluator.admitted_many([c.id for c in asking], ASSUME_ROLE, role.id)
        return [
            caller
            for caller, admission in zip(asking, admissions, strict=True)
            if admission.may
            and (
                (admission.named and caller.container == role.container)
                or self._identity_may_allow(caller.id, role.id)
            )
        ]

    def _identity_may_allow(self, caller: IdentityId, role: IdentityId) -> bool:
        """Whether an identity-based Allow on sts:AssumeRole of ``caller`` may name ``role``
        (conditions aside: the evaluator decides those)."""
        for rule in self._assume_rules(caller):
            if rule.effect is not Effect.ALLOW or rule.source != "identity":
                continue
            if rule.negated:
                return True  # NotResource: left to the evaluator
            for pattern in rule.patterns:
                glob = self._glob(pattern)
                if glob is None or glob.matches(role):
                    return True
        return False

    def _glob(self, pattern: str) -> Glob | None:
        """``pattern`` compiled as the evaluator matches resources (``None``: it holds a
        variable not filled in, so it may match anything)."""
        if pattern in self._globs:
            return self._globs[pattern]
        glob = None
        if "${" not in pattern:  # a variable left unfilled: unknown
            pieces = static_pieces(parse_template(pattern, variables=False))
            glob = None if pieces is None else compile_pieces(pieces, arn=True)
        self._globs[pattern] = glob
        return glob

    def _calls_alike(self, identity: IdentityId) -> bool:
        """Whether the identity's every statement on sts:AssumeRole names ``"*"`` and is
        decided: then its own side of the decision is the same for every role."""
        return all(
            r.patterns == ("*",) and not r.negated and not r.conditional
            for r in self._assume_rules(identity)
        )

    def _coverage(self, identity: IdentityId, key: str, roles: Sequence[str]) -> str:
        """How the identity's statements on sts:AssumeRole treat a group's roles (``key``):
        ``"none-allow"`` when each is decided and names all of them or none and no Allow
        names any, ``"alike"`` when each names all of them or none, else ``"mixed"``."""
        allows_any = False
        for rule in self._assume_rules(identity):
            # A condition that reads nothing of the role (aws:SourceIp on a Deny) leaves the
            # rule alike for every role its patterns name.
            if rule.negated or (rule.conditional and rule.reads_resource):
                return "mixed"
            for pattern in rule.patterns:
                covered = "all" if pattern == "*" else self._covers(pattern, key, roles)
                if covered == "some":
                    return "mixed"
                if covered == "all" and rule.effect is Effect.ALLOW and rule.source == "identity":
                    allows_any = True
        return "alike" if allows_any else "none-allow"

    def _covers(self, pattern: str, key: str, roles: Sequence[str]) -> str:
        """``"all"``, ``"none"`` or ``"some"`` of a group's roles ``pattern`` matches (cached
        per group, matched as the evaluator matches resources)."""
        known = self._pattern_cover.get((pattern, key))
        if known is None:
            glob = self._glob(pattern)
            if glob is None:
                known = "some"
            else:
                hits = sum(1 for r in roles if glob.matches(r))
                known = "none" if hits == 0 else "all" if hits == len(roles) else "some"
            self._pattern_cover[(pattern, key)] = known
        return known

    def edges(self, roles: Iterable[Identity]) -> Iterator[TrustEdge]:
        """Every edge into each of ``roles`` (grouped where provably alike)."""
        groups: dict[TrustGroup, list[tuple[Identity, _TrustStatement]]] = defaultdict(list)
        for role in roles:
            if role.kind is not IdentityKind.ROLE or role.trust_policy is None:
                continue
            document = self._documents.get(role.trust_policy)
            denies = _has_deny(document)
            for statement in trust_statements(document):
                if statement.principal_type == "AWS":
                    yield from self._aws_edges(role, statement, groups, grouping=not denies)
                elif statement.principal_type == "Federated":
                    yield from self._federated_edges(role, statement)
        for group, members in groups.items():
            yield from self._group_edges(group, members)

    def _group_edges(
        self, group: TrustGroup, members: list[tuple[Identity, _TrustStatement]]
    ) -> Iterator[TrustEdge]:
        """Edges into a group's roles: one per caller to the hub where the caller's side is
        alike for every role, otherwise one per role."""
        full = TrustGroup(
            group.account, group.trusted, group.condition, tuple(r.id for r, _ in members)
        )
        callers = self._assumers(group.trusted)
        shared = len(members) > 1 and not self._rcps
        alike = [c for c in callers if shared and self._calls_alike(c.id)]
        one_by_one: dict[str, Identity] = {c.id: c for c in callers}
        if (
            alike
            and not self._rcps_read_caller
            and not _reads_caller(members[0][1].condition_keys(), group.condition)
        ):
            yield from self._class_edges(full, members, alike, one_by_one)
            alike = []
        # Callers whose statements name roles, but each all of the group's or none of them,
        # are decided once for the group too (on their own, not as a class).
        roles = [r.id for r, _ in members]
        chosen = {c.id for c in alike}
        for caller in callers:
            if caller.id not in one_by_one or caller.id in chosen:
                continue
            coverage = self._coverage(caller.id, group.key, roles)
            if coverage == "none-allow" and caller.container != group.account:
                # Across accounts the caller's own policies must allow, and none names these
                # roles (IAM User Guide: cross-account policy evaluation logic).
                one_by_one.pop(caller.id)
            elif coverage != "mixed" and shared:
                alike.append(caller)
        # Each caller is decided on one member that is not itself, all callers of a member at
        # once (policies that read nothing about the caller are evaluated once).
        first = members[0]
        for role, statement in members[:2]:
            asking = [c for c in alike if (c.id == first[0].id) != (role is first[0])]
            admitted = self._evaluator.admitted_many([c.id for c in asking], ASSUME_ROLE, role.id)
            for candidate in (c for c, a in zip(asking, admitted, strict=True) if not a.may):
                one_by_one.pop(candidate.id, None)  # the trust cannot admit it: as denied
            asking = [c for c, a in zip(asking, admitted, strict=True) if a.may]
            for candidate, edge in self._decide_many(asking, role, statement):
                if edge is None:
                    one_by_one.pop(candidate.id, None)  # denied on a member alike: on all
                elif _decided_by(edge, role, statement):
                    one_by_one.pop(candidate.id, None)
                    yield self._for_group(edge, full, role)
        for role, statement in members:
            asking = self._worth_asking(one_by_one.values(), role)
            for _, edge in self._decide_many(asking, role, statement):
                if edge is not None:
                    yield edge

    def _class_edges(
        self,
        group: TrustGroup,
        members: list[tuple[Identity, _TrustStatement]],
        alike: list[Identity],
        one_by_one: dict[str, Identity],
    ) -> Iterator[TrustEdge]:
        """Alike callers decided once per :class:`CallerClass`: an edge from the class's hub
        to the group's, and (once per caller) the caller's edge into its class."""
        classes: dict[CallerClass, list[Identity]] = defaultdict(list)
        for caller in alike:
            if self._skip(caller.id, group.account):
                one_by_one.pop(caller.id, None)  # controls the account already
            else:
                classes[CallerClass(caller.container, caller.kind.value)].append(caller)
        for caller_class, callers in classes.items():
            asked = callers[0]
            role, statement = next(m for m in members if m[0].id != asked.id)
            ((_, edge),) = self._decide_many([asked], role, statement)
            if edge is not None and not _decided_by(edge, role, statement):
                continue  # another statement of that role decided: role by role, as before
            for caller in callers:
                one_by_one.pop(caller.id, None)
            if edge is None:
                continue  # denied for one, so for all of the class
            hub = node_key(NodeKind.CALLER_GROUP, caller_class.key)
            yield TrustEdge(
                source=hub,
                role=role.id,
                action=ASSUME_ROLE,
                outcome=edge.outcome,
                statements=(),
                unknown_condition_keys=edge.unknown_condition_keys,
                condition_keys=edge.condition_keys,
                group=group,
            )
            for caller in callers:
                if caller.id not in self._in_class:
                    self._in_class.add(caller.id)
                    yield self._into_class(caller, caller_class)

    def _into_class(self, caller: Identity, caller_class: CallerClass) -> TrustEdge:
        """A caller's edge into its class: its own statements allowing sts:AssumeRole."""
        rules = self._assume_rules(caller.id)
        return TrustEdge(
            source=node_key(NodeKind.IDENTITY, caller.id),
            role=caller.id,
            action=ASSUME_ROLE,
            outcome=Outcome.ALLOWED,
            statements=tuple(
                r.statement for r in rules if r.effect is Effect.ALLOW and r.source == "identity"
            ),
            into_class=caller_class,
        )

    def _for_group(self, edge: TrustEdge, group: TrustGroup, role: Identity) -> TrustEdge:
        """A decision on one member, standing for every member of the group."""
        return TrustEdge(
            source=edge.source,
            role=edge.role,
            action=edge.action,
            outcome=edge.outcome,
            # The member's own trust statement is replaced by the group's description: each
            # member has the same statement in its own policy.
            statements=tuple(s for s in edge.statements if s.permission_set != role.trust_policy),
            unknown_condition_keys=edge.unknown_condition_keys,
            condition_keys=edge.condition_keys,
            group=group,
        )

    def _aws_edges(
        self,
        role: Identity,
        statement: _TrustStatement,
        groups: dict[TrustGroup, list[tuple[Identity, _TrustStatement]]],
        *,
        grouping: bool,
    ) -> Iterator[TrustEdge]:
        keys = statement.condition_keys()
        narrowed = any(k in keys for k in _NARROWING_KEYS)
        for principal in statement.principals:
            account = _account_of(principal)
            groupable = grouping and not any(reads_resource(k) for k in keys)
            if principal == "*":
                yield self._external(role, statement, "anyone", TrustRisk.ANYONE, narrowed)
                if groupable:
                    condition = json.dumps(statement.condition, sort_keys=True) if keys else ""
                    groups[TrustGroup(role.container, ANYONE, condition)].append((role, statement))
                    continue
                candidates = self._assumers(ANYONE)
            elif account not in self._by_account:
                yield self._external(
                    role,
                    statement,
                    f"aws-account/{account}",
                    TrustRisk.EXTERNAL_WITHOUT_EXTERNAL_ID,
                    narrowed,
                )
                continue
            elif principal in self._principals:
                candidates = [self._principals[principal]]  # named: trust alone may suffice
            elif not _names_account(principal):
                # A principal ARN the inventory lacks names nobody it knows, except the
                # sessions of a role it names by an assumed-role ARN.
                candidates = self._sessions_of(principal, account)
            elif groupable:
                # Delegation to an account: decided per group of roles alike (edges()).
                condition = json.dumps(statement.condition, sort_keys=True) if keys else ""
                groups[TrustGroup(role.container, account, condition)].append((role, statement))
                continue
            else:  # the account itself: its principals need their own allow
                candidates = self._assumers(account)
            for _, edge in self._decide_many(self._worth_asking(candidates, role), role, statement):
                if edge is not None:
                    yield edge

    def _sessions_of(self, principal: str, account: str) -> list[Identity]:
        """The role an ``arn:aws:sts::<account>:assumed-role/<name>/<session>`` names."""
        resource = principal.split(":", 5)[-1]
        if not principal.startswith("arn:") or not resource.startswith("assumed-role/"):
            return []
        name = resource.split("/")[1] if resource.count("/") >= 1 else ""
        return [
            i for i in self._by_account[account] if i.kind is IdentityKind.ROLE and i.name == name
        ]

    def _decide_many(
        self, candidates: list[Identity], role: Identity, statement: _TrustStatement
    ) -> list[tuple[Identity, TrustEdge | None]]:
        """Each candidate's edge into the role (``None``: none), decided together."""
        asking = [c for c in candidates if c.id != role.id and not self._skip(c.id, role.container)]
        decisions = self._evaluator.decide_many([c.id for c in asking], ASSUME_ROLE, role.id)
        found: dict[str, TrustEdge | None] = dict.fromkeys((c.id for c in candidates), None)
        keys = tuple(sorted(statement.condition_keys()))
        for candidate, decision in zip(asking, decisions, strict=True):
            if decision.outcome is Outcome.DENIED:
                continue
            found[candidate.id] = TrustEdge(
                source=node_key(NodeKind.IDENTITY, candidate.id),
                role=role.id,
                action=ASSUME_ROLE,
                outcome=decision.outcome,
                statements=decision.statements,
                unknown_condition_keys=decision.unknown_condition_keys,
                condition_keys=keys,
            )
        return [(c, found[c.id]) for c in candidates]

    def _external(
        self, role: Identity, statement: _TrustStatement, who: str, risk: str, narrowed: bool
    ) -> TrustEdge:
        keys = tuple(sorted(statement.condition_keys()))
        return TrustEdge(
            source=node_key(NodeKind.EXTERNAL, who),
            role=role.id,
            action="sts:AssumeRole",
            outcome=Outcome.CONDITIONAL if keys else Outcome.ALLOWED,
            statements=(self._ref(role, statement),),
            unknown_condition_keys=keys,
            risks=() if narrowed else (risk,),
            condition_keys=keys,
        )

    def _ref(self, role: Identity, statement: _TrustStatement) -> StatementRef:
        assert role.trust_policy is not None
        return StatementRef(
            permission_set=role.trust_policy,
            index=statement.index,
            sid=statement.sid,
            effect=Effect.ALLOW,
        )

    def _federated_edges(self, role: Identity, statement: _TrustStatement) -> Iterator[TrustEdge]:
        keys = statement.condition_keys()
        for provider in statement.principals:
            risks: list[str] = []
            issuer = provider.split("oidc-provider/", 1)[-1] if "oidc-provider/" in provider else ""
            if issuer:
                if not any(k == f"{issuer}:aud".lower() for k in keys) and issuer != _GITHUB:
                    risks.append(TrustRisk.OIDC_WITHOUT_AUDIENCE)
                if issuer == _GITHUB and not _github_sub_restricted(statement):
                    risks.append(TrustRisk.GITHUB_WITHOUT_SUB)
            action = (
                "sts:AssumeRoleWithSAML"
                if ":saml-provider/" in provider
                else (_ASSUME_ACTIONS["Federated"])
            )
            yield TrustEdge(
                source=node_key(NodeKind.PROVIDER, provider),
                role=role.id,
                action=action,
                outcome=Outcome.CONDITIONAL if keys else Outcome.ALLOWED,
                statements=(self._ref(role, statement),),
                unknown_condition_keys=tuple(sorted(keys)),
                risks=tuple(risks),
                condition_keys=tuple(sorted(keys)),
            )


def _github_sub_restricted(statement: _TrustStatement) -> bool:
    """A ``sub`` condition that names at least an organization or repository.

    GitHub's OIDC guide for AWS: without a ``sub`` condition any workflow in any repository on
    GitHub can request a token the role accepts; ``repo:*`` or ``*`` is no better.
    """
    values = statement.values_of(f"{_GITHUB}:sub")
    meaningful = [v for v in values if v.strip("*") not in ("", "repo:")]
    return bool(meaningful) and len(meaningful) == len(values)
