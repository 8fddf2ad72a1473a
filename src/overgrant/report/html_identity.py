"""The HTML report's page per identity: its findings with their evidence and its attack paths.

Every cloud-supplied string passes through :func:`html.escape` (text and attribute values);
element ids are built from counters and hex fingerprints only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from overgrant.findings import Finding, PathHop
from overgrant.policies.rule import Rule
from overgrant.report.findings_common import (
    counts_phrase,
    fact_text,
    node_label,
    plural,
)
from overgrant.report.html_graph import paths_svg

MAX_ROWS = 50
"""Statements or facts shown per finding before "and N more"."""


def finding_anchor(finding: Finding) -> str:
    """The element id of a finding's details: ``f-`` and its fingerprint (hex)."""
    safe = "".join(c for c in finding.fingerprint if c.isalnum())
    return f"f-{safe}"


def severity_badge(finding: Finding) -> str:
    value = finding.severity.value
    return f'<span class="badge sev-{value}">{value}</span>'


def _hops_list(path: Sequence[PathHop], names: Mapping[str, str]) -> str:
    items = []
    for hop in path:
        outcome = "" if hop.outcome == "allowed" else f" <em>({escape(hop.outcome)})</em>"
        needs = "; ".join(f"{a} on {r}" for a, r in hop.permissions[:MAX_ROWS])
        granted = "; ".join(
            f"{s.permission_set} statement #{s.index}" + (f" (Sid {s.sid})" if s.sid else "")
            for s in hop.statements[:MAX_ROWS]
        )
        items.append(
            f"<li><b>{escape(node_label(hop.source, names))}</b> —{escape(hop.method)}→ "
            f"<b>{escape(node_label(hop.target, names))}</b>{outcome}"
            + (f'<div class="mono muted">needs {escape(needs)}</div>' if needs else "")
            + (f'<div class="mono muted">granted by {escape(granted)}</div>' if granted else "")
            + "</li>"
        )
    return '<ol class="hops">' + "".join(items) + "</ol>"


def _statements_table(finding: Finding) -> str:
    statements = finding.evidence.statements
    rows = "".join(
        f'<tr><td class="mono">{escape(s.permission_set)}</td><td>{s.index}</td>'
        f"<td>{escape(s.sid or '')}</td><td>{escape(s.effect)}</td></tr>"
        for s in statements[:MAX_ROWS]
    )
    more = len(statements) - MAX_ROWS
    if more > 0:
        rows += f'<tr><td colspan="4" class="muted">… and {more} more</td></tr>'
    return (
        '<table class="statements"><thead><tr><th>permission set</th><th>statement</th>'
        f"<th>Sid</th><th>effect</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _facts_table(finding: Finding) -> str:
    facts = sorted(finding.evidence.facts.items())
    rows = "".join(
        f'<tr><th scope="row">{escape(k)}</th><td class="mono">{escape(fact_text(v))}</td></tr>'
        for k, v in facts[:MAX_ROWS]
    )
    return f'<table class="facts"><tbody>{rows}</tbody></table>'


def _rule_help(rule: Rule | None) -> str:
    if rule is None:
        return ""
    parts = []
    if rule.rationale:
        parts.append(f"<p><b>Why it matters.</b> {escape(rule.rationale)}</p>")
    if rule.remediation:
        parts.append(f"<p><b>How to fix.</b> {escape(rule.remediation)}</p>")
    if rule.references:
        refs = "".join(f'<li class="mono">{escape(r)}</li>' for r in rule.references)
        parts.append(f"<p><b>References</b></p><ul>{refs}</ul>")
    if not parts:
        return ""
    return f"<details><summary>About {escape(rule.id)}</summary>{''.join(parts)}</details>"


def finding_block(
    finding: Finding, rule: Rule | None, *, new: bool, names: Mapping[str, str]
) -> str:
    """One finding with all its evidence: path hops, statements, facts, and the rule's help."""
    evidence = finding.evidence
    title = rule.title if rule is not None and rule.title else finding.rule_name
    parts = [
        f'<div class="finding sev-{finding.severity.value}" id="{finding_anchor(finding)}">',
        f"<h4>{severity_badge(finding)} <code>{escape(finding.rule_id)}</code> {escape(title)}"
        + (' <span class="badge new">NEW</span>' if new else "")
        + "</h4>",
        f'<p class="message">{escape(finding.message)}</p>',
    ]
    if evidence.path:
        parts.append("<p><b>Attack path</b></p>" + _hops_list(evidence.path, names))
    if evidence.statements:
        parts.append("<p><b>Granted by</b></p>" + _statements_table(finding))
    if evidence.facts:
        parts.append("<p><b>Facts</b></p>" + _facts_table(finding))
    parts.append(_rule_help(rule))
    parts.append(f'<p class="mono muted">fingerprint {escape(finding.fingerprint)}</p></div>')
    return "".join(parts)


def identity_page(
    anchor: str,
    findings: Sequence[Finding],
    rules: Mapping[str, Rule],
    *,
    new: frozenset[str],
    names: Mapping[str, str],
) -> str:
    """The section for one identity (``findings`` all share it, most severe first)."""
    first = findings[0]
    name = first.identity_name or first.identity
    paths = [f.evidence.path for f in findings if f.evidence.path]
    svg, left_out = paths_svg(paths, graph_id=f"{anchor}-graph", names=names)
    graph = ""
    if svg:
        note = f'<p class="legend">{plural(left_out, "path")} not drawn.</p>' if left_out else ""
        graph = f'<div class="graph">{svg}</div>{note}'
    blocks = "".join(
        finding_block(f, rules.get(f.rule_id), new=f.fingerprint in new, names=names)
        for f in findings
    )
    return (
        f'<article class="identity" id="{anchor}">'
        f'<h3>{escape(name)} <span class="badge cloud">{escape(first.cloud.value)}</span></h3>'
        f'<div class="mono muted">{escape(first.identity)}</div>'
        f"<p>in {escape(first.container)} · {plural(len(findings), 'finding')}: "
        f"{counts_phrase(findings)} · "
        '<a href="#findings">back to the findings</a></p>'
        f"{graph}{blocks}</article>"
    )
