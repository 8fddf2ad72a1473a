"""What every findings report shares: severity order, sorting, counts and readable evidence.

The console, JSON, SARIF, Markdown and HTML reports all order findings the same way (most severe
first, then rule, identity and key) and describe evidence with the same words, so a finding reads
alike wherever it is seen.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from overgrant import __version__
from overgrant.baseline import FindingDiff
from overgrant.codec import format_datetime
from overgrant.findings import Finding, PathHop, Severity, StatementEvidence
from overgrant.graph.nodes import NodeKind
from overgrant.model import CoverageGap, JsonValue
from overgrant.policies.result import ScanResult, SuppressedFinding

TOOL_NAME = "overgrant"
TOOL_VERSION = __version__

SEVERITIES: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.rank))
"""Most serious first: critical, high, medium, low, info."""

_NODE_KINDS = frozenset(kind.value for kind in NodeKind)
_GCP_MEMBER_KINDS = frozenset({"serviceAccount", "user", "group", "principal", "principalSet"})


def finding_sort_key(finding: Finding) -> tuple[int, str, str, str, str]:
    """Most severe first, then rule, identity, key and fingerprint: a total, stable order."""
    return (
        -finding.severity.rank,
        finding.rule_id,
        finding.identity,
        finding.key,
        finding.fingerprint,
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_sort_key)


def sort_suppressed(suppressed: Iterable[SuppressedFinding]) -> list[SuppressedFinding]:
    return sorted(suppressed, key=lambda s: finding_sort_key(s.finding))


def sort_gaps(gaps: Iterable[CoverageGap]) -> list[CoverageGap]:
    return sorted(gaps, key=lambda g: (g.cloud.value, g.scope, g.operation, g.affects))


def count_by_severity(findings: Iterable[Finding]) -> dict[Severity, int]:
    """Every severity, most serious first, with its count (zero included)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def counts_phrase(findings: Sequence[Finding]) -> str:
    """``2 critical, 1 high`` (zero counts left out) or ``no findings``."""
    counts = count_by_severity(findings)
    parts = [f"{n} {severity.value}" for severity, n in counts.items() if n]
    return ", ".join(parts) if parts else "no findings"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def new_fingerprints(diff: FindingDiff | None) -> frozenset[str]:
    return frozenset(f.fingerprint for f in diff.new) if diff is not None else frozenset()


def split_node(node: str) -> tuple[str, str]:
    """``identity:arn:…`` -> ``("identity", "arn:…")``; a bare id is taken to be an identity."""
    kind, sep, ident = node.partition(":")
    if sep and kind in _NODE_KINDS:
        return kind, ident
    return NodeKind.IDENTITY.value, node


def short_name(ident: str) -> str:
    """What a person calls an identity: the name at the end of an ARN, the email of a member.

    ``arn:aws:iam::1111:role/path/deploy`` -> ``deploy``; ``serviceAccount:ci@p.iam…`` ->
    ``ci@p.iam…``; anything else (an Entra object id, a display name) is returned as is.
    """
    if ident.startswith("arn:"):
        resource = ident.split(":", 5)[-1]
        return resource.rstrip("/").rsplit("/", 1)[-1] or ident
    kind, sep, rest = ident.partition(":")
    if sep and kind in _GCP_MEMBER_KINDS:
        return rest
    return ident


def node_label(node: str, names: Mapping[str, str] | None = None) -> str:
    """A short, readable name for a path node: ``deploy``, ``admin of aws account 1111…``.

    ``names`` maps identity ids to their display names (from the findings), which reads better
    than an Entra object id.
    """
    kind, ident = split_node(node)
    if kind == NodeKind.ADMIN.value:
        return "admin of " + ident.replace("/", " ", 2)
    if kind == NodeKind.EXTERNAL.value:
        return "anyone" if ident == "anyone" else "external " + ident.replace("/", " ", 1)
    if names and ident in names:
        return names[ident]
    if kind in (NodeKind.IDENTITY.value, NodeKind.WORKLOAD.value):
        return short_name(ident)
    return f"{kind} {short_name(ident)}"


def identity_names(findings: Iterable[Finding]) -> dict[str, str]:
    """Identity id -> display name, for labelling path nodes."""
    return {f.identity: f.identity_name for f in findings if f.identity_name}


def node_full(node: str) -> str:
    """The node without its kind prefix: an ARN, a member, ``aws/account/1111…``."""
    return split_node(node)[1]


def statement_phrase(statement: StatementEvidence) -> str:
    sid = f" (Sid {statement.sid})" if statement.sid else ""
    effect = "" if statement.effect == "Allow" else f" [{statement.effect}]"
    return f"{statement.permission_set} statement #{statement.index}{sid}{effect}"


def hop_phrase(hop: PathHop, names: Mapping[str, str] | None = None) -> str:
    """``deploy —iam:PassRole→ lambda-admin``, with ``(conditional)`` when it depends on one."""
    text = f"{node_label(hop.source, names)} —{hop.method}→ {node_label(hop.target, names)}"
    return text if hop.outcome == "allowed" else f"{text} ({hop.outcome})"


def path_phrase(path: Sequence[PathHop], names: Mapping[str, str] | None = None) -> str:
    """``deploy → lambda-admin → admin of aws account 1111… (2 hops)``."""
    if not path:
        return ""
    labels = [node_label(path[0].source, names), *(node_label(h.target, names) for h in path)]
    return f"{' → '.join(labels)} ({plural(len(path), 'hop')})"


def fact_text(value: JsonValue) -> str:
    """A fact as a person reads it: strings bare, everything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def evidence_summary(
    finding: Finding,
    *,
    max_statements: int = 2,
    facts: bool = True,
    names: Mapping[str, str] | None = None,
) -> str:
    """One line naming the path, the statements and (optionally) the facts behind a finding."""
    evidence = finding.evidence
    parts: list[str] = []
    if evidence.path:
        parts.append("path: " + path_phrase(evidence.path, names))
    if evidence.statements:
        shown = [statement_phrase(s) for s in evidence.statements[:max_statements]]
        more = len(evidence.statements) - len(shown)
        parts.append("granted by " + "; ".join(shown) + (f"; +{more} more" if more else ""))
    if facts and evidence.facts:
        parts.append(", ".join(f"{k}={fact_text(v)}" for k, v in sorted(evidence.facts.items())))
    return "; ".join(parts)


def worst_path_findings(findings: Iterable[Finding], limit: int) -> list[Finding]:
    """Findings with an attack path, most severe first, shorter paths before longer ones."""
    with_path = [f for f in findings if f.evidence.path]
    with_path.sort(key=lambda f: (-f.severity.rank, len(f.evidence.path), finding_sort_key(f)))
    return with_path[:limit]


def format_day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def format_time(value: datetime) -> str:
    return format_datetime(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanTotals:
    """The counts each report's summary shows."""

    by_severity: dict[Severity, int]
    total: int
    identities: int
    suppressed: int
    coverage_gaps: int
    new: int | None
    fixed: int | None
    unchanged: int | None


def scan_totals(result: ScanResult, diff: FindingDiff | None = None) -> ScanTotals:
    return ScanTotals(
        by_severity=count_by_severity(result.findings),
        total=len(result.findings),
        identities=len({f.identity for f in result.findings}),
        suppressed=len(result.suppressed),
        coverage_gaps=len(result.coverage_gaps),
        new=len(diff.new) if diff is not None else None,
        fixed=len(diff.fixed) if diff is not None else None,
        unchanged=len(diff.unchanged) if diff is not None else None,
    )
