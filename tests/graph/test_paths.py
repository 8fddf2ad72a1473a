"""Attack paths, blast radius and minimum cut on hand-made attack edges."""

from __future__ import annotations

from collections.abc import Iterable

from overgrant.graph.build import build_graph
from overgrant.graph.edges import AttackEdge
from overgrant.graph.effective.decision import Outcome
from overgrant.graph.nodes import EdgeKind
from overgrant.graph.paths import AttackGraph
from overgrant.model import Cloud, Inventory

ADMIN = "admin:aws/account/1"


class EdgeList:
    """A cloud analyzer that contributes a fixed list of edges (the protocol's simplest form)."""

    def __init__(self, edges: Iterable[tuple[str, str, Outcome]]) -> None:
        self.edges = [
            AttackEdge(
                kind=EdgeKind.CAN_ESCALATE,
                source=s,  # type: ignore[arg-type]
                target=t,  # type: ignore[arg-type]
                method=f"{s}->{t}",
                outcome=o,
                permissions=((f"svc:{s[-1]}{t[-1]}", "*"),),
            )
            for s, t, o in edges
        ]

    def attack_edges(self, inventory: Inventory) -> list[AttackEdge]:
        return self.edges


def attack(*edges: tuple[str, str, Outcome]) -> AttackGraph:
    return AttackGraph(build_graph(Inventory(), {Cloud.AWS: EdgeList(edges)}))


OK, MAYBE = Outcome.ALLOWED, Outcome.CONDITIONAL


def test_shortest_path_with_evidence_of_every_hop() -> None:
    graph = attack(
        ("identity:a", "identity:b", OK),
        ("identity:b", "identity:c", OK),
        ("identity:c", ADMIN, OK),
        ("identity:a", "identity:d", OK),
        ("identity:d", ADMIN, OK),
    )
    (path,) = graph.paths_to_admin(["identity:a"])["identity:a"]
    assert [h.target for h in path.hops] == ["identity:d", ADMIN]
    assert path.outcome is Outcome.ALLOWED


def test_hop_limit() -> None:
    graph = attack(("identity:a", "identity:b", OK), ("identity:b", ADMIN, OK))
    assert graph.paths_to_admin(["identity:a"], max_hops=1)["identity:a"] == []
    assert len(graph.paths_to_admin(["identity:a"], max_hops=2)["identity:a"]) == 1


def test_allowed_path_preferred_over_conditional_of_same_length() -> None:
    graph = attack(
        ("identity:a", "identity:b", MAYBE),
        ("identity:b", ADMIN, OK),
        ("identity:a", "identity:c", OK),
        ("identity:c", ADMIN, OK),
    )
    (path,) = graph.paths_to_admin(["identity:a"])["identity:a"]
    assert path.hops[0].target == "identity:c"
    assert path.outcome is Outcome.ALLOWED


def test_conditional_hop_makes_the_path_conditional() -> None:
    graph = attack(("identity:a", ADMIN, MAYBE))
    (path,) = graph.paths_to_admin(["identity:a"])["identity:a"]
    assert path.outcome is Outcome.CONDITIONAL


def test_one_path_per_admin_reached() -> None:
    graph = attack(
        ("identity:a", ADMIN, OK),
        ("identity:a", "identity:x", OK),
        ("identity:x", "admin:aws/account/2", OK),
    )
    targets = [p.target for p in graph.paths_to_admin(["identity:a"])["identity:a"]]
    assert targets == [ADMIN, "admin:aws/account/2"]


def test_blast_radius() -> None:
    graph = attack(
        ("identity:a", "identity:b", OK),
        ("identity:b", "identity:c", OK),
        ("identity:c", ADMIN, OK),
        ("identity:z", "identity:a", OK),
    )
    radius = graph.blast_radius("identity:a", details=True)
    assert radius.direct == ("identity:b",)
    assert radius.transitive_count == 3
    assert graph.blast_radius("identity:a").transitive == ()
    assert set(radius.transitive) == {"identity:b", "identity:c", ADMIN}
    assert radius.admin_of == (ADMIN,)


def test_minimum_cut_finds_the_shared_bottleneck() -> None:
    graph = attack(
        ("identity:s", "identity:x", OK),
        ("identity:s", "identity:y", OK),
        ("identity:x", "identity:z", OK),
        ("identity:y", "identity:z", OK),
        ("identity:z", ADMIN, OK),
    )
    cut = graph.minimum_cut("identity:s")
    assert [(e.source, e.target) for e in cut] == [("identity:z", ADMIN)]
    assert cut[0].permissions == (("svc:z1", "*"),)


def test_minimum_cut_needs_both_edges_of_two_disjoint_paths() -> None:
    graph = attack(
        ("identity:s", "identity:x", OK),
        ("identity:x", ADMIN, OK),
        ("identity:s", "identity:y", OK),
        ("identity:y", "admin:aws/account/2", OK),
    )
    assert len(graph.minimum_cut("identity:s")) == 2
    assert graph.minimum_cut("identity:x") == [graph.best("identity:x", ADMIN)]
    assert graph.minimum_cut("identity:unknown") == []


def test_minimum_cut_prefers_the_sources_own_edge_among_equal_cuts() -> None:
    graph = attack(
        ("identity:s", "identity:x", OK),
        ("identity:x", "identity:y", OK),
        ("identity:y", ADMIN, OK),
    )
    assert [(e.source, e.target) for e in graph.minimum_cut("identity:s")] == [
        ("identity:s", "identity:x")
    ]


def test_blast_radius_through_a_cycle_counts_each_node_once() -> None:
    graph = attack(
        ("identity:a", "identity:b", OK),
        ("identity:b", "identity:a", OK),
        ("identity:b", ADMIN, OK),
    )
    radius = graph.blast_radius("identity:a", details=True)
    assert set(radius.transitive) == {"identity:a", "identity:b", ADMIN}
    assert radius.admin_of == (ADMIN,)


def test_minimum_cut_also_closes_paths_longer_than_the_hop_limit() -> None:
    graph = attack(
        ("identity:s", "identity:x", OK),
        ("identity:x", ADMIN, OK),
        ("identity:s", "identity:l1", OK),
        ("identity:l1", "identity:l2", OK),
        ("identity:l2", "identity:l3", OK),
        ("identity:l3", "admin:aws/account/2", OK),
    )
    # Only the 2-hop path is reported with max_hops=2, but a fix leaving the 4-hop way round
    # open would not stop the identity: the cut closes both.
    assert [
        len(p.hops) for p in graph.paths_to_admin(["identity:s"], max_hops=2)["identity:s"]
    ] == [2]
    cut = graph.minimum_cut("identity:s", max_hops=2)
    assert [(e.source, e.target) for e in cut] == [
        ("identity:s", "identity:l1"),
        ("identity:s", "identity:x"),
    ]
    # Without any reported path there is nothing to cut.
    assert graph.minimum_cut("identity:l1", max_hops=2) == []


HUB = "role_group:aws/1/lambda.amazonaws.com"


class HubEdges(EdgeList):
    """Edges into a role-group hub and its membership edges, as the AWS analyzer draws them."""

    def __init__(self, members: Iterable[str], extra: Iterable[tuple[str, str, Outcome]]) -> None:
        super().__init__(extra)
        self.edges.append(
            AttackEdge(
                kind=EdgeKind.CAN_ESCALATE,
                source="identity:s",  # type: ignore[arg-type]
                target=HUB,  # type: ignore[arg-type]
                method="lambda-create-function-invoke",
                outcome=OK,
                permissions=(("lambda:CreateFunction", "*"), ("iam:PassRole", "*")),
                per_member=("iam:PassRole",),
            )
        )
        self.edges += [
            AttackEdge(
                kind=EdgeKind.INCLUDES,
                source=HUB,  # type: ignore[arg-type]
                target=m,  # type: ignore[arg-type]
                method="member",
                outcome=OK,
            )
            for m in members
        ]


def hub_graph(*extra: tuple[str, str, Outcome]) -> AttackGraph:
    members = ["identity:r1", "identity:r2", "identity:r3"]
    return AttackGraph(build_graph(Inventory(), {Cloud.AWS: HubEdges(members, extra)}))


def test_a_hop_through_a_hub_counts_once_and_names_the_member() -> None:
    graph = hub_graph(("identity:r2", ADMIN, OK))
    (path,) = graph.paths_to_admin(["identity:s"], max_hops=2)["identity:s"]
    assert [h.target for h in path.hops] == ["identity:r2", ADMIN]
    first = path.hops[0]
    assert first.method == "lambda-create-function-invoke"
    assert ("iam:PassRole", "r2") in first.permissions  # rebound to the member
    assert ("lambda:CreateFunction", "*") in first.permissions
    assert graph.paths_to_admin(["identity:s"], max_hops=1)["identity:s"] == []
    assert graph.alternatives("identity:s", "identity:r2")[0].target == "identity:r2"


def test_blast_radius_lists_members_never_the_hub() -> None:
    graph = hub_graph(("identity:r2", ADMIN, OK))
    radius = graph.blast_radius("identity:s", details=True)
    assert set(radius.direct) == {"identity:r1", "identity:r2", "identity:r3"}
    assert HUB not in radius.transitive
    assert radius.transitive_count == 4  # three roles and the admin node


def test_the_cut_is_the_edge_into_the_hub_never_a_membership() -> None:
    # Two members reach admin: cutting memberships would take two edges, but they are not
    # permissions; the one permission to remove is the caller's own PassRole grant.
    graph = hub_graph(("identity:r1", ADMIN, OK), ("identity:r3", ADMIN, OK))
    (edge,) = graph.minimum_cut("identity:s")
    assert (edge.source, edge.target) == ("identity:s", HUB)
    # With a second way out besides the hub, both leave the source.
    graph = hub_graph(
        ("identity:r1", ADMIN, OK), ("identity:s", "identity:x", OK), ("identity:x", ADMIN, OK)
    )
    assert {(e.source, e.target) for e in graph.minimum_cut("identity:s")} == {
        ("identity:s", HUB),
        ("identity:s", "identity:x"),
    }
