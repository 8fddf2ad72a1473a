"""The AWS decision for one request, following the documented evaluation order.

IAM User Guide: Policy evaluation logic; How AWS enforcement code logic evaluates requests to
allow or deny access; Cross-account policy evaluation logic. In order:

1. an explicit ``Deny`` in any applicable policy (identity-based, group, boundary, SCP, RCP,
   resource-based) decides *denied*;
2. SCPs of the principal's account must allow at every level of the organization path; RCPs
   of the resource's account restrict only by explicit Deny (the AWS managed RCPFullAWSAccess,
   which cannot be detached, allows everything at every level);
3. within one account, an allow in an identity-based policy (capped by the permissions
   boundary) or in the resource-based policy suffices; across accounts both the identity side
   and the resource-based policy must allow.

Unknown condition keys make parts *unknown*; the outcome is then ``CONDITIONAL``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from overgrant.graph.effective.aws_context import RequestContext
from overgrant.graph.effective.aws_index import AwsIndex, PolicyRef, Principal, Target
from overgrant.graph.effective.aws_match import ContextValue
from overgrant.graph.effective.aws_policy import PrincipalMatch
from overgrant.graph.effective.aws_statement import (
    ActionRequest,
    conjunction,
    principal_truth,
    statement_truth,
)
from overgrant.graph.effective.aws_verdict import NO, YES, Verdict, both, either, negate
from overgrant.graph.effective.decision import Decision, Effect, Outcome, StatementRef
from overgrant.model import IdentityKind, ScopeId

Memo = dict[str, "PolicyResult"]
"""Results of principal-independent policies for one request, shared across identities."""


class PolicyResult(NamedTuple):
    """What one policy says about a request: its allows (by principal match) and denies
    (a named tuple: one is built per policy and request)."""

    allow: Verdict = NO
    deny: Verdict = NO
    allow_account: Verdict = NO
    allow_session: Verdict = NO


def policy_result(
    ref: PolicyRef,
    request: ActionRequest,
    context: RequestContext,
    principal: Principal | None = None,
) -> PolicyResult:
    """Evaluate every statement of one policy; ``principal`` checks Principal elements."""
    set_id, policy = ref
    buckets: dict[PrincipalMatch, list[Verdict]] = {}
    denies: list[Verdict] = []
    for statement in policy.statements:
        truth = statement_truth(statement, request, context)
        if truth.value is False:
            continue
        match = PrincipalMatch.DIRECT
        if principal is not None:
            match, applies = principal_truth(
                statement, principal.facts, has_boundary=bool(principal.boundary)
            )
            truth = conjunction(truth, applies)
            if truth.value is False:
                continue
        ref_ = StatementRef(
            permission_set=set_id, index=statement.index, sid=statement.sid, effect=statement.effect
        )
        verdict = Verdict(truth.value, (ref_,), truth.unknown)
        if statement.effect is Effect.DENY:
            denies.append(verdict)
        else:
            buckets.setdefault(match, []).append(verdict)
    return PolicyResult(
        allow=either(buckets.get(PrincipalMatch.DIRECT, ())),
        deny=either(denies),
        allow_account=either(buckets.get(PrincipalMatch.ACCOUNT, ())),
        allow_session=either(buckets.get(PrincipalMatch.SESSION, ())),
    )


def _shared(
    ref: PolicyRef, request: ActionRequest, context: RequestContext, memo: Memo | None
) -> PolicyResult:
    if memo is None or ref[1].principal_dependent:
        return policy_result(ref, request, context)
    found = memo.get(ref[0])
    if found is None:
        found = memo[ref[0]] = policy_result(ref, request, context)
    return found


@dataclass(frozen=True, slots=True)
class _Evaluated:
    identity: tuple[PolicyResult, ...]
    boundary: tuple[PolicyResult, ...]
    guardrails: tuple[tuple[str, ScopeId, tuple[PolicyResult, ...]], ...]
    resource: PolicyResult | None


def _evaluate(
    index: AwsIndex,
    principal: Principal,
    request: ActionRequest,
    target: Target,
    context: RequestContext,
    memo: Memo | None,
) -> _Evaluated:
    account = target.account or principal.facts.account
    levels = [("SCP", s, refs) for s, refs in principal.scp_levels]
    levels += [("RCP", s, refs) for s, refs in index.rcp_levels(account, target.service, principal)]
    return _Evaluated(
        identity=tuple(_shared(r, request, context, memo) for r in principal.policies),
        boundary=tuple(_shared(r, request, context, memo) for r in principal.boundary),
        guardrails=tuple(
            (label, scope, tuple(_shared(r, request, context, memo) for r in refs))
            for label, scope, refs in levels
        ),
        resource=None
        if target.policy is None
        else policy_result(target.policy, request, context, principal),
    )


def decide(
    index: AwsIndex,
    principal: Principal,
    request: ActionRequest,
    target: Target,
    extra: dict[str, ContextValue],
    moment: datetime | None,
    memo: Memo | None = None,
) -> Decision:
    """Decide one request of one principal."""
    facts = principal.facts
    if facts.identity.kind is IdentityKind.GROUP:
        return Decision(outcome=Outcome.DENIED, reason="a group makes no requests; its members do")
    context = RequestContext(facts, target.facts, moment, extra)
    evaluated = _evaluate(index, principal, request, target, context, memo)
    deny = _explicit_deny(evaluated)
    if deny.value is True:
        first = deny.refs[0].permission_set if deny.refs else "a policy"
        return Decision(
            outcome=Outcome.DENIED, reason=f"explicit deny in {first}", statements=deny.refs
        )
    guards: list[Verdict] = []
    for label, scope, results in evaluated.guardrails:
        if label == "RCP":
            # AWS Organizations User Guide, "Resource control policies (RCPs)": the AWS managed
            # RCPFullAWSAccess is attached to the root, every OU and every account and cannot
            # be detached, so RCPs only ever restrict through explicit Deny statements (counted
            # above). Exports often leave that policy out; its allow is assumed.
            continue
        level = either(r.allow for r in results)
        if level.value is False:
            reason = f"implicit deny: no {label} attached at {scope} allows the request"
            return Decision(outcome=Outcome.DENIED, reason=reason)
        guards.append(level)
    allow, notes = _allow(principal, target, evaluated)
    final = both([negate(deny), *guards, allow.verdict])
    if final.value is True:
        return Decision(outcome=Outcome.ALLOWED, reason=allow.reason, statements=allow.verdict.refs)
    if final.value is False:
        return Decision(outcome=Outcome.DENIED, reason=allow.reason, statements=())
    reason = "; ".join(["conditional", *_conditional_notes(deny, guards, allow.verdict), *notes])
    return Decision(
        outcome=Outcome.CONDITIONAL,
        reason=reason,
        statements=final.refs,
        unknown_condition_keys=tuple(sorted(final.unknown)),
    )


def _explicit_deny(evaluated: _Evaluated) -> Verdict:
    results = [*evaluated.identity, *evaluated.boundary]
    results += [r for _, _, level in evaluated.guardrails for r in level]
    if evaluated.resource is not None:
        results.append(evaluated.resource)
    return either(r.deny for r in results)


def _conditional_notes(deny: Verdict, guards: list[Verdict], allow: Verdict) -> list[str]:
    notes = []
    if deny.value is None:
        notes.append("a Deny may apply depending on condition keys not known here")
    if any(g.value is None for g in guards):
        notes.append("an SCP or RCP allows only under conditions not known here")
    if allow.value is None and allow.unknown:
        notes.append("the allow depends on condition keys not known here")
    return notes


@dataclass(frozen=True, slots=True)
class _Allow:
    verdict: Verdict
    reason: str


def _first_set(verdict: Verdict, fallback: str) -> str:
    return verdict.refs[0].permission_set if verdict.refs else fallback


def _choose(paths: list[tuple[Verdict, str]], denial: str) -> _Allow:
    """Kleene OR of alternative grant paths, explained by the first one that holds."""
    verdict = either(v for v, _ in paths)
    if verdict.value is True:
        label = next(label for v, label in paths if v.value is True)
        return _Allow(verdict, f"allowed by {label}")
    return _Allow(verdict, denial)


def _allow(principal: Principal, target: Target, ev: _Evaluated) -> tuple[_Allow, list[str]]:
    facts = principal.facts
    # By default the account root user has full access (IAM User Guide: How AWS enforcement
    # code logic evaluates requests — "with the exception of the AWS account root user").
    root = facts.identity.kind is IdentityKind.ROOT
    granted = YES if root else either(r.allow for r in ev.identity)
    capped = either(r.allow for r in ev.boundary) if ev.boundary else YES
    identity_path = both([granted, capped])
    own = "the account root user" if root else f"identity-based policy {_first_set(granted, '')}"
    denial = "implicit deny: no identity-based or resource-based policy allows the request"
    if granted.value is True and capped.value is False:
        denial = "implicit deny: the permissions boundary does not allow the request"
    same_account = target.account is None or target.account == facts.account
    rp = ev.resource
    if rp is None or target.policy is None:
        if same_account:
            return _choose([(identity_path, own)], denial), []
        if target.in_inventory:
            reason = f"implicit deny: cross-account and {target.resource} has no resource policy"
            return _Allow(NO, reason), []
        note = f"the resource policy of {target.resource} (account {target.account}) is unknown"
        verdict = both([identity_path, Verdict(None)])
        return _Allow(verdict, denial if verdict.value is False else note), [note]
    resource_label = f"resource-based policy {target.policy[0]}"
    if not same_account:
        return _cross_account(identity_path, rp, own, resource_label), []
    # Within an account a resource policy naming a user's ARN is not limited by the user's
    # boundary; one naming a role's ARN is, while one naming a role session is not (IAM User
    # Guide: Permissions boundaries — "Resource-based policies").
    user = facts.identity.kind is IdentityKind.USER
    direct = rp.allow if user else both([rp.allow, capped])
    # Naming the account delegates to the account's identity-based policies (IAM User Guide:
    # AWS JSON policy elements: Principal — "AWS account principals").
    delegated = both([rp.allow_account, identity_path])
    paths = [
        (direct, resource_label),
        (rp.allow_session, f"{resource_label} (naming a session of the role)"),
    ]
    if target.mandatory:
        # The resource policy must allow (trust policy, key policy): directly, or by naming
        # the account and leaving the decision to identity-based policies.
        paths.append((delegated, f"{resource_label} delegating to the account, and {own}"))
    else:
        paths.insert(0, (identity_path, own))
    return _choose(paths, denial), []


def _cross_account(identity_path: Verdict, rp: PolicyResult, own: str, resource: str) -> _Allow:
    # Cross-account: the identity side and the resource policy must both allow (IAM User
    # Guide: Cross-account policy evaluation logic).
    via = either([rp.allow, rp.allow_session, rp.allow_account])
    verdict = both([identity_path, via])
    if verdict.value is True:
        return _Allow(verdict, f"allowed across accounts by {own} and {resource}")
    if identity_path.value is False:
        reason = "implicit deny: cross-account and the identity-based policies do not allow"
    else:
        reason = "implicit deny: cross-account and the resource-based policy does not allow"
    return _Allow(verdict, reason)
