"""``trust-relation``: who may become a role, when the trust itself is the problem.

Works on the graph's ``can_assume`` edges, which carry the risks the cloud's trust analysis
flags (``trust-to-anyone``, ``external-account-without-external-id``,
``github-oidc-without-sub``, ``oidc-without-audience``) and the node their source is (another
identity of the estate, an identity provider, or an external account or anyone).

Parameters (``$defs/trust-relation``): ``risks`` (edges carrying any of them), ``sources`` (edges
from these node kinds: ``external``, ``provider``, ``identity``), at least one of the two and
both must hold when both are given; ``include_conditional`` (default true).

The finding is on the trusting role, one per trusted party (key: the source node), with the
trust statement as evidence.
"""

from __future__ import annotations

from collections.abc import Iterator

from overgrant.findings import Evidence, StatementEvidence
from overgrant.graph.edges import AttackEdge
from overgrant.graph.effective.decision import Outcome
from overgrant.graph.nodes import split_key
from overgrant.model import JsonValue
from overgrant.policies.context import ScanContext
from overgrant.policies.kinds.base import (
    Limitation,
    Match,
    Params,
    RuleKind,
    flag,
    listing,
    node_label,
    strings,
)

_WORDS = {
    "trust-to-anyone": "any AWS principal anywhere",
    "external-account-without-external-id": "an account outside the estate, without ExternalId",
    "github-oidc-without-sub": "GitHub Actions OIDC without a sub condition: any repository",
    "oidc-without-audience": "an OIDC provider without an audience condition",
}


def _wanted(edge: AttackEdge, risks: tuple[str, ...], sources: tuple[str, ...]) -> list[str]:
    """The edge's risks the rule asks for (``[""]`` when it asks by source only), or none."""
    if sources and split_key(edge.source)[0].value not in sources:
        return []
    if not risks:
        return [""]
    return [r for r in edge.risks if r in risks]


def _message(edge: AttackEdge, found: list[str]) -> str:
    who = node_label(edge.source)
    described = "; ".join(_WORDS.get(r, r) for r in found if r)
    suffix = f" — {described}" if described else ""
    keys = edge.unknown_condition_keys
    condition = f" (condition on {listing(list(keys), 2)})" if keys else ""
    return f"can be assumed by {who} with {edge.method}{condition}{suffix}"


def detect(context: ScanContext, params: Params) -> Iterator[Match | Limitation]:
    """Yield one match per trusting role and trusted party whose edge the rule selects."""
    risks = strings(params, "risks")
    sources = strings(params, "sources")
    conditional = flag(params, "include_conditional", True)
    edges = context.trust_edges(through_hubs="identity" in sources)
    for edge in sorted(edges, key=lambda e: (e.target, e.source, e.method)):
        if not conditional and edge.outcome is not Outcome.ALLOWED:
            continue
        found = _wanted(edge, risks, sources)
        if not found:
            continue
        role = context.identity(split_key(edge.target)[1])
        if role is None:
            continue
        facts: dict[str, JsonValue] = {
            "trusted": edge.source,
            "action": edge.method,
            "outcome": edge.outcome.value,
        }
        if any(found):
            facts["risks"] = [r for r in found if r]
        if edge.unknown_condition_keys:
            facts["condition_keys"] = list(edge.unknown_condition_keys)
        statements = tuple(
            StatementEvidence(
                permission_set=s.permission_set, index=s.index, sid=s.sid, effect=s.effect.value
            )
            for s in edge.statements
        )
        yield Match(
            identity=role,
            key=edge.source,
            message=_message(edge, found),
            evidence=Evidence(statements=statements, facts=facts),
        )


TRUST_RELATION = RuleKind(
    name="trust-relation",
    summary="A role's trust admits a party in a risky way (anyone, no ExternalId, no sub).",
    detect=detect,
)
