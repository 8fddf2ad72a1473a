"""``escalation-path``: an identity has an attack path to admin that starts a given way.

The permission graph holds every ``can_assume`` and ``can_escalate`` edge with its evidence;
this kind selects the paths to an admin node whose *first hop* — the step the identity's own
permissions make possible, and so the one its owner can remove — is of one of the given
escalation families (from the cloud's escalation catalog) or one of the given method ids
(``holds-admin``, ``sts:AssumeRole``, ``iam-create-policy-version``...).

Parameters (``$defs/escalation-path``): ``families``, ``methods`` (at least one of the two),
``max_hops`` (the longest path reported), ``include_conditional`` (paths with a hop that depends
on conditions not known here; default true, marked in the facts), ``natures``,
``identity_kinds``.

An attack path shows the best edge of each hop; the alternatives of the first hop (other methods
between the same two nodes) are considered too, so a family is reported even when another
method is preferred on the path. One match per identity and node the first hop leads to (key:
that node), with the best path through it as evidence (definitely allowed before conditional,
then shortest), every matching first-hop method, every admin node reached, and the identity's
minimum cut.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from overgrant.findings import Evidence, PathHop, StatementEvidence
from overgrant.graph.edges import AttackEdge
from overgrant.graph.effective.decision import Outcome
from overgrant.graph.nodes import NodeKind, split_key
from overgrant.graph.paths import AttackPath
from overgrant.model import Identity, JsonValue
from overgrant.policies.context import ScanContext
from overgrant.policies.kinds.base import (
    Limitation,
    Match,
    Params,
    RuleKind,
    Selector,
    flag,
    integer,
    listing,
    node_label,
    plural,
    strings,
)


def _statements(edge: AttackEdge) -> tuple[StatementEvidence, ...]:
    return tuple(
        StatementEvidence(
            permission_set=s.permission_set, index=s.index, sid=s.sid, effect=s.effect.value
        )
        for s in edge.statements
    )


def _hop(edge: AttackEdge) -> PathHop:
    return PathHop(
        source=edge.source,
        target=edge.target,
        method=edge.method,
        outcome=edge.outcome.value,
        permissions=edge.permissions,
        statements=_statements(edge),
    )


def _cut(edge: AttackEdge) -> str:
    return f"{edge.source} -{edge.method}-> {edge.target}"


def _first_hop_matches(
    context: ScanContext, identity: Identity, edge: AttackEdge, params: Params
) -> bool:
    if edge.method in strings(params, "methods"):
        return True
    family = context.method_family(identity.cloud, edge.method)
    return family is not None and family in strings(params, "families")


def _label(context: ScanContext, key: str) -> str:
    """A node's readable name: an identity's name and container, else :func:`node_label`."""
    kind, ident = split_key(key)
    identity = context.identity(ident) if kind is NodeKind.IDENTITY else None
    if identity is not None:
        return f"{identity.name}@{identity.container}"
    return node_label(key)


def _describe(
    context: ScanContext, path: AttackPath, targets: Sequence[str], methods: Sequence[str]
) -> str:
    first = path.hops[0]
    if len(path.hops) == 1 and first.method == "holds-admin":
        return f"holds admin-equivalent permissions: {node_label(path.target)}"
    via = f" into {_label(context, first.target)}" if first.target != path.target else ""
    others = len(methods) - 1
    also = f" (or {plural(others, 'other method')})" if others else ""
    reach = listing([node_label(t) for t in targets], 2)
    return (
        f"can reach {reach}; first step {first.method}{also}{via} "
        f"(shortest path {plural(len(path.hops), 'hop')}, {path.outcome.value})"
    )


def _preference(path: AttackPath) -> tuple[bool, int, str, str]:
    """Definitely allowed before conditional, then shorter, then by name (deterministic)."""
    return (path.outcome is not Outcome.ALLOWED, len(path.hops), path.hops[0].method, path.target)


def _match(context: ScanContext, identity: Identity, paths: list[AttackPath]) -> Match:
    best = min(paths, key=_preference)
    targets = sorted({p.target for p in paths})
    methods = sorted({p.hops[0].method for p in paths})
    first = best.hops[0]
    exposure = context.exposures()[identity.id]
    facts: dict[str, JsonValue] = {
        "first_method": first.method,
        "first_methods": list(methods),
        "reaches": list(targets),
        "hops": len(best.hops),
        "outcome": best.outcome.value,
        "minimum_cut": [_cut(e) for e in exposure.minimum_cut],
        "blast_radius": exposure.blast_radius.transitive_count,
    }
    unknown = sorted({k for hop in best.hops for k in hop.unknown_condition_keys})
    if unknown:
        facts["unknown_condition_keys"] = list(unknown)
    return Match(
        identity=identity,
        key=first.target,
        message=_describe(context, best, targets, methods),
        evidence=Evidence(
            statements=_statements(first),
            path=tuple(_hop(h) for h in best.hops),
            facts=facts,
        ),
    )


def _first_hops(
    context: ScanContext, identity: Identity, path: AttackPath, params: Params
) -> Iterator[AttackPath]:
    """The path with each alternative of its first hop that the rule asks for."""
    first = path.hops[0]
    for edge in context.edges_between(first.source, first.target) or (first,):
        if _first_hop_matches(context, identity, edge, params):
            yield AttackPath(source=path.source, target=path.target, hops=(edge, *path.hops[1:]))


def detect(context: ScanContext, params: Params) -> Iterator[Match | Limitation]:
    """Yield one match per identity and node its matching first hops lead to."""
    selector = Selector.of(params)
    max_hops = integer(params, "max_hops", context.max_hops)
    conditional = flag(params, "include_conditional", True)
    exposures = context.exposures()
    for identity in selector.pick(context):
        exposure = exposures.get(identity.id)
        if exposure is None:
            continue
        by_first: dict[str, list[AttackPath]] = {}
        for path in exposure.paths:
            if not path.hops or len(path.hops) > max_hops:
                continue
            for candidate in _first_hops(context, identity, path, params):
                if conditional or candidate.outcome is Outcome.ALLOWED:
                    by_first.setdefault(candidate.hops[0].target, []).append(candidate)
        for key in sorted(by_first):
            yield _match(context, identity, by_first[key])


ESCALATION_PATH = RuleKind(
    name="escalation-path",
    summary="An identity has an attack path to admin whose first hop is of given methods.",
    detect=detect,
)
