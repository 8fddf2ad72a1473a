"""AWS effective permissions: single decisions, who-can queries and per-identity action sets.

Build one :class:`AwsEvaluator` per inventory and catalog; it indexes the inventory, registers
actions the catalog lacks, and compiles each distinct policy document once, on first use.

    evaluator = AwsEvaluator(inventory, load_aws_catalog())
    evaluator.decide("arn:aws:iam::111122223333:role/app", "s3:GetObject", "arn:aws:s3:::b/k")
    evaluator.who_can("iam:PassRole", "arn:aws:iam::111122223333:role/admin")
    evaluator.effective("arn:aws:iam::111122223333:role/app").allowed_actions()

The evaluation follows the IAM User Guide (Policy evaluation logic; Cross-account policy
evaluation logic); each rule is cited where it is applied, in :mod:`aws_decide` and the modules
it uses. Outcomes are three-valued: see :class:`~overgrant.graph.effective.decision.Decision`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from overgrant.catalogs.aws import AwsCatalog
from overgrant.fileio import gc_paused
from overgrant.graph.effective.aws_conditions import reads_resource
from overgrant.graph.effective.aws_context import ContextInput, RequestContext, normalize_context
from overgrant.graph.effective.aws_decide import Memo, decide, policy_result
from overgrant.graph.effective.aws_effective import (
    EffectivePermissions,
    ResourceRule,
    RuleCache,
    SetCache,
    effective_sets,
)
from overgrant.graph.effective.aws_index import AwsIndex
from overgrant.graph.effective.aws_policy import CompiledPolicy
from overgrant.graph.effective.aws_statement import ActionRequest
from overgrant.graph.effective.decision import Decision, Effect, Outcome, StatementRef
from overgrant.model import IdentityId, IdentityKind, Inventory

__all__ = [
    "AwsEvaluator",
    "ContextInput",
    "Decision",
    "Effect",
    "EffectivePermissions",
    "Outcome",
    "ResourceRule",
    "StatementRef",
]


class Admission(NamedTuple):
    """What a resource-based policy that must allow says of one identity, on its own."""

    may: bool
    """Whether it may allow the identity (``False``: denied whatever else applies)."""
    named: bool
    """Whether it names the identity itself (its ARN, a session of it, or everyone), not only
    its account: within the account the identity then needs no identity-based Allow."""


class AwsEvaluator:
    """Evaluates AWS requests against an inventory's policies.

    Args:
        inventory: the estate; only its AWS part is read.
        catalog: the AWS action catalog; actions the inventory names but the catalog lacks are
            registered in it (they stay matchable by ``*`` and ``svc:*``).
        at: evaluation time for ``aws:CurrentTime``/``aws:EpochTime`` and date conditions;
            ``None`` leaves those keys unknown (statements reading them are conditional).
    """

    def __init__(
        self, inventory: Inventory, catalog: AwsCatalog, *, at: datetime | None = None
    ) -> None:
        """Index the inventory (policies are compiled lazily, once each)."""
        self._index = AwsIndex(inventory, catalog)
        self._catalog = catalog
        self._at = at
        self._sets = SetCache()
        # Computed once per identity (the escalation search, trust analysis and rules all ask);
        # recomputed only if actions registered since have grown the catalog.
        self._effective: dict[str, EffectivePermissions] = {}
        self._rules: RuleCache = {}
        self._admitted: dict[tuple[str, int, str], Admission] = {}

    @property
    def catalog(self) -> AwsCatalog:
        """The catalog the evaluator expands actions with."""
        return self._catalog

    @property
    def at(self) -> datetime | None:
        """The time date conditions are evaluated at (``None``: they stay conditional)."""
        return self._at

    def _request(self, action: str, resource: str) -> ActionRequest:
        return ActionRequest(
            action=action,
            lowered=action.lower(),
            index=self._catalog.index_of(action),
            resource=resource,
        )

    def decide(
        self,
        identity_id: str,
        action: str,
        resource: str = "*",
        context: Mapping[str, ContextInput] | None = None,
    ) -> Decision:
        """Whether an identity may perform ``action`` on ``resource``.

        Args:
            identity_id: an AWS identity of the inventory (its ARN).
            action: ``service:Action`` in any case; actions unknown to the catalog are matched
                by the policies' patterns.
            resource: the resource ARN. ``"*"`` asks about the action without a specific
                resource, as the IAM policy simulator does: only statements whose Resource
                covers every resource match it, and the caller's account is the resource's.
            context: request-context keys the caller knows (``iam:PassedToService``,
                ``aws:SourceIp``...); ``None`` as a value says the key is absent.

        Raises:
            KeyError: the inventory has no AWS identity with this id.
        """
        principal = self._index.principal(identity_id)
        request = self._request(action, resource)
        target = self._index.target(resource, request.lowered.partition(":")[0])
        extra = normalize_context(context)
        return decide(self._index, principal, request, target, extra, self._at)

    def decide_many(
        self,
        identity_ids: Sequence[str],
        action: str,
        resource: str = "*",
        context: Mapping[str, ContextInput] | None = None,
    ) -> list[Decision]:
        """:meth:`decide` for several identities asking the same thing, in order.

        Policies that read nothing about the principal are evaluated once for all of them.
        """
        request = self._request(action, resource)
        target = self._index.target(resource, request.lowered.partition(":")[0])
        extra = normalize_context(context)
        memo: Memo = {}
        return [
            decide(self._index, self._index.principal(i), request, target, extra, self._at, memo)
            for i in identity_ids
        ]

    def admitted_many(
        self, identity_ids: Sequence[str], action: str, resource: str
    ) -> list[Admission]:
        """For each identity, what the resource-based policy that must allow the request (a
        role's trust policy for ``sts:`` actions) says of it alone, so that callers can skip
        :meth:`decide` where the answer is already known.

        A trust policy must allow, directly or by naming the account, and an explicit Deny in
        it denies (IAM User Guide: Roles terms and concepts; Policy evaluation logic). Answers
        are kept per identity and document when the document reads nothing of the resource
        (roles with the same trust policy then cost one evaluation). Where no policy must
        allow, every identity may be allowed and none is named.
        """
        request = self._request(action, resource)
        target = self._index.target(resource, request.lowered.partition(":")[0])
        if target.policy is None or not target.mandatory:
            return [Admission(may=True, named=False)] * len(identity_ids)
        compiled = target.policy[1]
        shared = not _reads_resource(compiled)
        found: list[Admission] = []
        for identity_id in identity_ids:
            key = (identity_id, id(compiled), request.lowered)
            known = self._admitted.get(key) if shared else None
            if known is None:
                principal = self._index.principal(identity_id)
                context = RequestContext(principal.facts, target.facts, self._at, {})
                result = policy_result(target.policy, request, context, principal)
                named = result.allow.value is not False or result.allow_session.value is not False
                known = Admission(
                    may=result.deny.value is not True
                    and (named or result.allow_account.value is not False),
                    named=named,
                )
                if shared:
                    self._admitted[key] = known
            found.append(known)
        return found

    def who_can(
        self,
        action: str,
        resource: str = "*",
        context: Mapping[str, ContextInput] | None = None,
    ) -> list[tuple[IdentityId, Decision]]:
        """Every user, role and root identity that is allowed, or conditionally allowed.

        Policies that read nothing about the principal are evaluated once for the request
        and shared across identities.
        """
        asking = [i.id for i in self._index.identities.values() if i.kind is not IdentityKind.GROUP]
        decisions = self.decide_many(asking, action, resource, context)
        return [
            (identity, decision)
            for identity, decision in zip(asking, decisions, strict=True)
            if decision.outcome is not Outcome.DENIED
        ]

    def effective(self, identity_id: str) -> EffectivePermissions:
        """The identity's allowed and conditionally allowed actions, as catalog action sets.

        Built from per-policy action sets (each distinct policy expanded once) intersected with
        the permissions boundary and SCPs, minus actions denied on every resource. Grants made
        by resource-based policies are not included; ask :meth:`decide` for a given resource.

        Raises:
            KeyError: the inventory has no AWS identity with this id.
        """
        known = self._effective.get(identity_id)
        if known is not None and known.universe == self._catalog.size:
            return known
        principal = self._index.principal(identity_id)
        context = RequestContext(principal.facts, None, self._at, {})
        allowed, conditional = effective_sets(
            principal, context, self._sets, self._catalog.all_bits
        )
        found = self._effective[identity_id] = EffectivePermissions(
            identity=principal.facts.identity.id,
            allowed=allowed,
            conditional=conditional,
            universe=self._catalog.size,
            catalog=self._catalog,
            principal=principal,
            context=context,
            shared=self._rules,
        )
        return found

    def effective_many(
        self, identity_ids: Iterable[str] | None = None
    ) -> dict[IdentityId, EffectivePermissions]:
        """:meth:`effective` for many identities (default: every AWS user, role and root).

        The cyclic garbage collector is paused meanwhile: the objects built hold no cycles,
        and collections over a large inventory would otherwise take about half the time.
        """
        if identity_ids is None:
            identity_ids = [
                i.id for i in self._index.identities.values() if i.kind is not IdentityKind.GROUP
            ]
        with gc_paused():
            return {IdentityId(i): self.effective(i) for i in identity_ids}


def _reads_resource(policy: CompiledPolicy) -> bool:
    """Whether a policy's answer can differ between resources: a statement limited to some
    resources, or a condition reading the resource (its tags, account or organization)."""
    return any(
        not statement.covers_all_resources
        or (
            statement.condition is not None
            and any(reads_resource(k) for k in statement.condition.keys)
        )
        for statement in policy.statements
    )
