"""What every rule kind reads during one scan, built once from the inventory.

:meth:`ScanContext.build` composes the permission graph the same way ``api.permission_graph``
does (each cloud's analyzer from the per-cloud support table) unless a graph is given, and keeps
the per-cloud support so that effective permissions, exposures and last-used evidence are worked
out lazily, at most once per identity, and shared by every rule of the scan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from overgrant.graph.analysis import IdentityExposure, exposures
from overgrant.graph.build import CloudAnalyzer, PermissionGraph, build_graph
from overgrant.graph.edges import AttackEdge
from overgrant.graph.nodes import HUBS, EdgeKind, NodeKind, split_key
from overgrant.graph.paths import DEFAULT_MAX_HOPS, AttackGraph
from overgrant.model import Cloud, Credential, Identity, IdentityId, IdentityKind, Inventory
from overgrant.policies.clouds import (
    Activity,
    CloudSupport,
    IdentityPermissions,
    ServiceUsage,
    SupportFactory,
    default_cloud_support,
)

_NO_EVIDENCE = Activity(known=False, basis="overgrant has no support for this cloud yet")


class ScanContext:
    """The inventory, its permission graph, ``now``, and cached per-identity answers.

    Build it with :meth:`build`; the constructor takes already built parts (tests use it to
    share a graph).
    """

    def __init__(
        self,
        inventory: Inventory,
        *,
        graph: PermissionGraph,
        now: datetime,
        support: Mapping[Cloud, CloudSupport],
        max_hops: int = DEFAULT_MAX_HOPS,
    ) -> None:
        """Keep the parts; nothing is evaluated until a rule asks."""
        self.inventory = inventory
        self.graph = graph
        self.now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
        self.max_hops = max_hops
        self._support = dict(support)
        self._identities = tuple(
            i for i in inventory.identities if i.kind is not IdentityKind.GROUP
        )
        self._by_id = {i.id: i for i in inventory.identities}
        credentials: dict[str, list[Credential]] = defaultdict(list)
        for credential in inventory.credentials:
            credentials[credential.identity].append(credential)
        self._credentials = {k: tuple(v) for k, v in credentials.items()}
        self._permissions: dict[IdentityId, IdentityPermissions | None] = {}
        self._exposures: dict[IdentityId, IdentityExposure] | None = None
        self._trust: tuple[AttackEdge, ...] | None = None
        self._attack: AttackGraph | None = None
        self._trust_through_hubs: tuple[AttackEdge, ...] | None = None

    @classmethod
    def build(
        cls,
        inventory: Inventory,
        *,
        now: datetime | None = None,
        graph: PermissionGraph | None = None,
        clouds: Mapping[Cloud, SupportFactory] | None = None,
        max_hops: int = DEFAULT_MAX_HOPS,
    ) -> ScanContext:
        """Build the context of one scan.

        Args:
            inventory: the estate.
            now: the scan's time (ages, expiry, date conditions); default: the current time.
            graph: a permission graph already built for this inventory; built here otherwise.
            clouds: the per-cloud support factories (default :func:`default_cloud_support`);
                only clouds present in the inventory are set up.
            max_hops: the longest attack path considered.
        """
        moment = now or datetime.now(UTC)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        factories = clouds if clouds is not None else default_cloud_support()
        present = {i.cloud for i in inventory.identities}
        support = {c: f(inventory, moment) for c, f in factories.items() if c in present}
        if graph is None:
            analyzers: dict[Cloud, CloudAnalyzer] = {c: s.analyzer() for c, s in support.items()}
            graph = build_graph(inventory, analyzers)
        return cls(inventory, graph=graph, now=moment, support=support, max_hops=max_hops)

    # -- identities and credentials ----------------------------------------------------------

    @property
    def identities(self) -> tuple[Identity, ...]:
        """Every identity that can act (groups only hold permissions for their members)."""
        return self._identities

    def identity(self, identity_id: str) -> Identity | None:
        """The identity with this id, groups included."""
        return self._by_id.get(IdentityId(identity_id))

    def credentials_of(self, identity_id: str) -> tuple[Credential, ...]:
        """The identity's credentials (keys, passwords, secrets, MFA devices)."""
        return self._credentials.get(identity_id, ())

    # -- per-cloud answers, cached -------------------------------------------------------------

    def supports(self, cloud: Cloud) -> bool:
        """Whether overgrant can evaluate this cloud's permissions and usage evidence."""
        return cloud in self._support

    def permissions(self, identity: Identity) -> IdentityPermissions | None:
        """The identity's effective permissions (computed on first use, then cached)."""
        if identity.id not in self._permissions:
            support = self._support.get(identity.cloud)
            found = support.permissions(identity) if support is not None else None
            self._permissions[identity.id] = found
        return self._permissions[identity.id]

    def activity(self, identity: Identity) -> Activity:
        """When the identity was last used, with how far back the evidence reaches."""
        support = self._support.get(identity.cloud)
        if support is None:
            return _NO_EVIDENCE
        return support.activity(identity, self.credentials_of(identity.id))

    def service_usage(self, identity: Identity) -> ServiceUsage | None:
        """Per-service last access, when the inventory holds it."""
        support = self._support.get(identity.cloud)
        return support.service_usage(identity) if support is not None else None

    def method_family(self, cloud: Cloud, method: str) -> str | None:
        """The escalation family of an attack-edge method in a cloud's catalog."""
        support = self._support.get(cloud)
        return support.method_family(method) if support is not None else None

    # -- the graph -----------------------------------------------------------------------------

    def exposures(self) -> Mapping[IdentityId, IdentityExposure]:
        """Attack paths to admin, blast radius and minimum cut of every identity that has a
        path (groups aside), computed once on first use."""
        if self._exposures is None:
            found = exposures(
                self.graph,
                self.inventory,
                attack=self.attack_graph(),
                identities=[i.id for i in self._identities],
                max_hops=self.max_hops,
            )
            self._exposures = {e.identity.id: e for e in found}
        return self._exposures

    def trust_edges(self, *, through_hubs: bool = False) -> Sequence[AttackEdge]:
        """Every ``can_assume`` edge: who (inside or outside the estate) can become which role.

        Edges into hubs (delegation decided once for a set of roles or of callers) are drawn
        to each role when ``through_hubs`` is set, as identity-to-role edges; otherwise only
        the edges that name a role directly are returned (every risk flag sits on those: they
        come from external accounts, anyone and identity providers).
        """
        if self._trust is None:
            self._trust = tuple(
                e for e in self.graph.attack_edges() if e.kind is EdgeKind.CAN_ASSUME
            )
        if not through_hubs:
            return tuple(e for e in self._trust if not _touches_hub(e))
        if self._trust_through_hubs is None:
            attack = self.attack_graph()
            drawn = [e for e in self._trust if not _touches_hub(e)]
            for source in sorted({e.source for e in self._trust if _into_hub(e)}):
                if split_key(source)[0] is not NodeKind.IDENTITY:
                    continue
                for role in sorted(attack.reached_through_hubs(source)):
                    drawn.extend(
                        e
                        for e in attack.alternatives(source, role)
                        if e.kind is EdgeKind.CAN_ASSUME
                    )
            self._trust_through_hubs = tuple(drawn)
        return self._trust_through_hubs

    def attack_graph(self) -> AttackGraph:
        """The graph's attack projection, built once."""
        if self._attack is None:
            self._attack = AttackGraph(self.graph)
        return self._attack

    def edges_between(self, source: str, target: str) -> tuple[AttackEdge, ...]:
        """Every attack edge from ``source`` to ``target`` that is not denied: the alternatives
        of one hop (an attack path shows only the best of them)."""
        return tuple(self.attack_graph().alternatives(source, target))


def _into_hub(edge: AttackEdge) -> bool:
    return split_key(edge.target)[0] in HUBS


def _touches_hub(edge: AttackEdge) -> bool:
    return _into_hub(edge) or split_key(edge.source)[0] in HUBS
