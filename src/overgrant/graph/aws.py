"""AWS's contribution to the graph: admin-equivalence, escalation and trust edges."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from overgrant.catalogs.escalation import EscalationMethod
from overgrant.graph.aws_trust import AwsTrustAnalyzer, TrustEdge, TrustGroup
from overgrant.graph.edges import AttackEdge
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.effective.decision import Outcome
from overgrant.graph.escalation.aws import (
    ACCOUNT,
    AdminTarget,
    EscalationEdge,
    GroupEscalationEdge,
    RoleGroup,
    find_escalations_grouped,
)
from overgrant.graph.fanout import search_on_workers
from overgrant.graph.nodes import EdgeKind, NodeKey, NodeKind, admin_key, node_key
from overgrant.model import Cloud, IdentityId, Inventory, ScopeKind

if TYPE_CHECKING:
    from distributed import Client

HOLDS_ADMIN = "holds-admin"
_DRAWN_AS_ASSUME = frozenset({"sts-assume-role"})
MANAGEMENT_ACCOUNT = "management-account-admin"


def account_admin(account: str) -> NodeKey:
    return admin_key(Cloud.AWS.value, "account", account)


def organization_admin(organization: str) -> NodeKey:
    return admin_key(Cloud.AWS.value, "organization", organization)


def _escalation_edge(edge: EscalationEdge) -> AttackEdge:
    target = (
        account_admin(edge.target.account)
        if isinstance(edge.target, AdminTarget)
        else node_key(NodeKind.IDENTITY, edge.target)
    )
    return AttackEdge(
        kind=EdgeKind.CAN_ESCALATE,
        source=node_key(NodeKind.IDENTITY, edge.source),
        target=target,
        method=edge.method,
        outcome=edge.outcome,
        permissions=edge.permissions,
        statements=edge.statements,
        via=edge.via,
        unknown_condition_keys=edge.unknown_condition_keys,
        notes=edge.notes,
    )


def role_group_key(group: RoleGroup) -> NodeKey:
    """``role_group:aws/<account>/<service, own-account or every-role>[/instance-profile]
    [/conditional][/part-<digest>]``."""
    trusting = {None: "every-role", ACCOUNT: "own-account"}.get(group.trusting, group.trusting)
    parts = [Cloud.AWS.value, group.account, str(trusting)]
    if group.instance_profile:
        parts.append("instance-profile")
    if group.conditional:
        parts.append("conditional")
    if group.part:
        parts.append(f"part-{group.part}")
    return node_key(NodeKind.ROLE_GROUP, "/".join(parts))


def _group_edge(edge: GroupEscalationEdge) -> AttackEdge:
    return AttackEdge(
        kind=EdgeKind.CAN_ESCALATE,
        source=node_key(NodeKind.IDENTITY, edge.source),
        target=role_group_key(edge.group),
        method=edge.method,
        outcome=edge.outcome,
        permissions=edge.permissions,
        per_member=edge.per_member,
        statements=edge.statements,
        via=edge.via,
        unknown_condition_keys=edge.unknown_condition_keys,
        notes=edge.notes,
    )


def _membership_edges(group: RoleGroup | TrustGroup) -> Iterator[AttackEdge]:
    hub = role_group_key(group) if isinstance(group, RoleGroup) else trust_group_key(group)
    for member in group.members:
        yield AttackEdge(
            kind=EdgeKind.INCLUDES,
            source=hub,
            target=node_key(NodeKind.IDENTITY, member),
            method="member",
            outcome=Outcome.ALLOWED,
            notes=(str(group),),
        )


def trust_group_key(group: TrustGroup) -> NodeKey:
    """``role_group:aws/<account>/delegating-to/<account>[/condition-<digest>]``."""
    return node_key(NodeKind.ROLE_GROUP, group.key)


def _trust_edge(edge: TrustEdge) -> AttackEdge:
    notes = tuple(f"trust condition on {k}" for k in edge.condition_keys)
    if edge.into_class is not None:
        return AttackEdge(
            kind=EdgeKind.CAN_ASSUME,
            source=edge.source,
            target=node_key(NodeKind.CALLER_GROUP, edge.into_class.key),
            method=edge.action,
            outcome=edge.outcome,
            permissions=((edge.action, "*"),),
            statements=edge.statements,
            notes=(f"one of the {edge.into_class}",),
            per_member=(edge.action,),
        )
    if edge.group is not None:
        return AttackEdge(
            kind=EdgeKind.CAN_ASSUME,
            source=edge.source,
            target=trust_group_key(edge.group),
            method=edge.action,
            outcome=edge.outcome,
            permissions=((edge.action, "*"),),
            statements=edge.statements,
            unknown_condition_keys=edge.unknown_condition_keys,
            risks=edge.risks,
            notes=(*notes, f"the trust policy of each of the {edge.group!s} allows it"),
            per_member=(edge.action,),
        )
    return AttackEdge(
        kind=EdgeKind.CAN_ASSUME,
        source=edge.source,
        target=node_key(NodeKind.IDENTITY, edge.role),
        method=edge.action,
        outcome=edge.outcome,
        permissions=((edge.action, edge.role),),
        statements=edge.statements,
        unknown_condition_keys=edge.unknown_condition_keys,
        risks=edge.risks,
        notes=notes,
    )


class AwsAnalyzer:
    """Finds AWS attack edges with the evaluator and the escalation catalog."""

    def __init__(
        self,
        evaluator: AwsEvaluator,
        methods: Sequence[EscalationMethod],
        *,
        client: Client | None = None,
    ) -> None:
        """``client``: a ``distributed.Client`` to share the per-identity search out on."""
        self._evaluator = evaluator
        # Assuming a role whose trust already allows it is a can_assume edge, found with the
        # trust analyzer; the catalog's method for it would only draw the same edge twice.
        self._methods = [m for m in methods if m.id not in _DRAWN_AS_ASSUME]
        self._client = client

    def attack_edges(self, inventory: Inventory) -> Iterator[AttackEdge]:
        # Edges that reach a whole group of roles the same way go to one hub per group, which
        # keeps the graph linear in the identities: identities allowed iam:PassRole on "*"
        # times the roles a service may assume would otherwise be a bipartite product.
        callers = None
        if self._client is None:
            escalations, grouped = find_escalations_grouped(
                inventory, self._evaluator, self._methods
            )
        else:
            found = search_on_workers(
                self._client,
                inventory,
                self._evaluator.catalog,
                self._methods,
                at=self._evaluator.at,
            )
            escalations, grouped, callers = found.single, found.grouped, found.callers
        # An identity that already controls its account gains nothing there by assuming one
        # of that account's roles; leaving those edges out keeps the graph small.
        admins = {
            (e.source, e.target.account)
            for e in escalations
            if isinstance(e.target, AdminTarget)
            and e.method == HOLDS_ADMIN
            and e.outcome is Outcome.ALLOWED
        }
        yield from (_escalation_edge(e) for e in escalations)
        yield from (_group_edge(e) for e in grouped)
        for group in sorted({e.group for e in grouped}, key=role_group_key):
            yield from _membership_edges(group)
        trust = AwsTrustAnalyzer(
            inventory,
            self._evaluator,
            skip_source=lambda identity, account: (identity, account) in admins,
            callers=callers,
        )
        trust_groups: dict[str, TrustGroup] = {}
        for edge in trust.edges(inventory.identities):
            if edge.group is not None:
                trust_groups.setdefault(edge.group.key, edge.group)
            yield _trust_edge(edge)
        for key in sorted(trust_groups):
            yield from _membership_edges(trust_groups[key])
        yield from _organization_edges(inventory)


def _organization_edges(inventory: Inventory) -> Iterable[AttackEdge]:
    """Control of the management account is control of the organization.

    AWS Organizations User Guide, "Best practices for the management account": SCPs do not
    apply to it, and it can create accounts, change policies and reach every member through
    the role Organizations creates in them.
    """
    for scope in inventory.scopes:
        if scope.cloud is not Cloud.AWS or scope.kind is not ScopeKind.ORGANIZATION:
            continue
        management = scope.attributes.get("management_account")
        if isinstance(management, str):
            yield AttackEdge(
                kind=EdgeKind.CAN_ESCALATE,
                source=account_admin(management),
                target=organization_admin(scope.id),
                method=MANAGEMENT_ACCOUNT,
                outcome=Outcome.ALLOWED,
                notes=(f"account {management} is the organization's management account",),
            )


def admin_identities(edges: Iterable[AttackEdge]) -> set[IdentityId]:
    """Identities holding admin-equivalent permissions outright."""
    return {IdentityId(e.source.partition(":")[2]) for e in edges if e.method == HOLDS_ADMIN}
