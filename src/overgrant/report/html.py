"""The HTML report: one self-contained file to open in any browser, offline.

It holds summary cards, the findings table with filters (severity, rule, cloud, free text; the
query string ``?severity=high&rule=OG201&cloud=aws&q=deploy`` presets them, so a filtered view
can be linked), the worst attack paths drawn as a graph, a page per identity with its findings
and their evidence, what was fixed since the baseline, suppressions, coverage gaps (what was NOT
checked) and the rules that ran.

Safety: cloud-supplied strings are escaped with :func:`html.escape`; the data the script reads is
JSON in a non-executed ``<script type="application/json">`` with ``<``, ``>``, ``&``, U+2028 and
U+2029 escaped, so no name can close the element; a strict Content-Security-Policy forbids any
network access and any inline code but the report's own (see :mod:`.html_assets`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from html import escape

from overgrant.baseline import FindingDiff
from overgrant.findings import Finding
from overgrant.model import JsonValue
from overgrant.policies.result import ScanResult
from overgrant.policies.rule import Rule
from overgrant.report.findings_common import (
    SEVERITIES,
    TOOL_NAME,
    TOOL_VERSION,
    format_day,
    format_time,
    identity_names,
    new_fingerprints,
    node_label,
    plural,
    scan_totals,
    sort_findings,
    sort_gaps,
    sort_suppressed,
    worst_path_findings,
)
from overgrant.report.html_assets import CSS, SCRIPT, content_security_policy
from overgrant.report.html_graph import paths_svg
from overgrant.report.html_identity import finding_anchor, identity_page, severity_badge

OVERVIEW_PATHS = 12


def script_json(value: JsonValue) -> str:
    """JSON that is safe inside ``<script>``: nothing in it can end the element or the line."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, code in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _card(value: object, label: str, css: str = "") -> str:
    return (
        f'<div class="card {css}"><div class="n">{escape(str(value))}</div>'
        f'<div class="l">{escape(label)}</div></div>'
    )


def _summary(result: ScanResult, diff: FindingDiff | None) -> str:
    totals = scan_totals(result, diff)
    cards = [_card(totals.total, "findings")]
    cards += [_card(totals.by_severity[s], s.value, f"sev-{s.value}") for s in SEVERITIES]
    cards.append(_card(totals.identities, "identities affected"))
    if diff is not None:
        cards += [_card(totals.new, "new since baseline"), _card(totals.fixed, "fixed")]
    cards.append(_card(totals.suppressed, "suppressed"))
    if totals.coverage_gaps:
        cards.append(_card(totals.coverage_gaps, "coverage gaps: NOT checked", "warn"))
    else:
        cards.append(_card("✓", "coverage complete", "ok"))
    notices = []
    if result.coverage_gaps:
        notices.append(
            '<div class="notice gaps"><b>Not everything was checked.</b> '
            f"{plural(totals.coverage_gaps, 'part')} of the estate could not be read; the "
            'findings cover only the rest. <a href="#coverage">See the coverage gaps.</a></div>'
        )
    if result.warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in result.warnings)
        notices.append(f'<div class="notice"><b>Warnings</b><ul>{items}</ul></div>')
    return (
        f'<section id="summary"><h2>Summary</h2><div class="cards">{"".join(cards)}</div>'
        f"{''.join(notices)}</section>"
    )


def _options(name: str, label: str, values: Iterable[str]) -> str:
    options = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)
    return (
        f'<label for="og-f-{name}">{label}</label>'
        f'<select id="og-f-{name}"><option value="">any</option>{options}</select>'
    )


def _findings_table(
    findings: Sequence[Finding], anchors: Mapping[str, str], new: frozenset[str]
) -> str:
    rows = []
    for f in findings:
        badge = ' <span class="badge new">NEW</span>' if f.fingerprint in new else ""
        rows.append(
            f'<tr data-fp="{escape(f.fingerprint)}">'
            f"<td>{severity_badge(f)}{badge}</td>"
            f'<td><code>{escape(f.rule_id)}</code><div class="muted">{escape(f.rule_name)}</div>'
            f'</td><td><a href="#{anchors[f.identity]}">{escape(f.identity_name or f.identity)}'
            f'</a><div class="mono muted">{escape(f.identity)}</div></td>'
            f'<td><span class="badge cloud">{escape(f.cloud.value)}</span></td>'
            f'<td class="msg"><a href="#{finding_anchor(f)}">{escape(f.message)}</a></td></tr>'
        )
    filters = (
        '<div class="filters">'
        + _options("severity", "severity", [s.value for s in SEVERITIES])
        + _options("rule", "rule", sorted({f.rule_id for f in findings}))
        + _options("cloud", "cloud", sorted({f.cloud.value for f in findings}))
        + '<label for="og-f-text">search</label>'
        '<input id="og-f-text" type="search" placeholder="identity, rule, message…">'
        f'<span class="muted">showing <b id="og-shown">{len(findings)}</b> of '
        f"{len(findings)}</span></div>"
    )
    body = "".join(rows) or '<tr><td colspan="5">No findings.</td></tr>'
    return (
        f'<section id="findings"><h2>Findings</h2>{filters}<table id="og-findings"><thead><tr>'
        "<th>severity</th><th>rule</th><th>identity</th><th>cloud</th><th>message</th>"
        f"</tr></thead><tbody>{body}</tbody></table></section>"
    )


def _paths_overview(findings: Sequence[Finding], names: Mapping[str, str]) -> str:
    worst = worst_path_findings(findings, OVERVIEW_PATHS)
    if not worst:
        return ""
    svg, left_out = paths_svg([f.evidence.path for f in worst], graph_id="og-overview", names=names)
    items = "".join(
        f'<li>{severity_badge(f)} <a href="#{finding_anchor(f)}">'
        f"{escape(node_label(f.evidence.path[0].source, names))} → "
        f"{escape(node_label(f.evidence.path[-1].target, names))}</a> "
        f'<span class="muted">({plural(len(f.evidence.path), "hop")}, {escape(f.rule_id)})'
        "</span></li>"
        for f in worst
    )
    more = f" {plural(left_out, 'path')} not drawn." if left_out else ""
    total = sum(1 for f in findings if f.evidence.path)
    return (
        '<section id="paths"><h2>Attack paths</h2>'
        f'<p class="legend">The {len(worst)} worst of {plural(total, "path")}, merged where they '
        f"share a step; dashed edges depend on conditions the inventory cannot evaluate.{more}"
        f'</p><div class="graph">{svg}</div><ol>{items}</ol></section>'
    )


def _identities(
    findings: Sequence[Finding],
    anchors: Mapping[str, str],
    rules: Mapping[str, Rule],
    new: frozenset[str],
    names: Mapping[str, str],
) -> str:
    grouped: dict[str, list[Finding]] = {}
    for f in findings:
        grouped.setdefault(f.identity, []).append(f)
    if not grouped:
        return ""
    index = "".join(
        f'<li><a href="#{anchors[identity]}">{escape(items[0].identity_name or identity)}</a> '
        f'<span class="muted">{plural(len(items), "finding")}</span></li>'
        for identity, items in grouped.items()
    )
    pages = "".join(
        identity_page(anchors[identity], items, rules, new=new, names=names)
        for identity, items in grouped.items()
    )
    return (
        f'<section id="identities"><h2>Identities ({len(grouped)})</h2>'
        f'<ul class="identity-index">{index}</ul>{pages}</section>'
    )


def _plain_table(section: str, title: str, head: Sequence[str], rows: Sequence[str]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    return (
        f'<section id="{section}"><h2>{escape(title)}</h2><table><thead><tr>{header}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _cells(*values: str, mono: Sequence[int] = ()) -> str:
    cells = "".join(
        f'<td class="mono">{escape(v)}</td>' if i in mono else f"<td>{escape(v)}</td>"
        for i, v in enumerate(values)
    )
    return f"<tr>{cells}</tr>"


def _fixed(diff: FindingDiff | None) -> str:
    if diff is None or not diff.fixed:
        return ""
    rows = [
        _cells(f.severity.value, f.rule_id, f.identity, f.message, mono=(2,))
        for f in sort_findings(diff.fixed)
    ]
    head = ("severity", "rule", "identity", "message")
    return _plain_table("fixed", "Fixed since the baseline", head, rows)


def _suppressed(result: ScanResult) -> str:
    if not result.suppressed:
        return ""
    rows = [
        _cells(
            s.finding.severity.value,
            s.finding.rule_id,
            s.finding.identity,
            s.kind.value,
            s.reason,
            s.owner,
            format_day(s.expires),
            mono=(2,),
        )
        for s in sort_suppressed(result.suppressed)
    ]
    head = ("severity", "rule", "identity", "kind", "reason", "owner", "expires")
    return _plain_table("suppressed", "Suppressed", head, rows)


def _coverage(result: ScanResult) -> str:
    if not result.coverage_gaps:
        return (
            '<section id="coverage"><h2>Coverage</h2>'
            "<p>Complete: every API the scan needed was read.</p></section>"
        )
    rows = [
        _cells(g.cloud.value, g.scope, g.operation, g.reason.value, g.affects, g.message)
        for g in sort_gaps(result.coverage_gaps)
    ]
    head = ("cloud", "scope", "operation", "reason", "affects", "message")
    return _plain_table("coverage", "Coverage gaps: NOT checked", head, rows)


def _rules(result: ScanResult) -> str:
    counts = Counter(f.rule_id for f in result.findings)
    rows = [
        _cells(r.id, r.name, r.title, r.severity.value, r.status.value, str(counts[r.id]))
        for r in sorted(result.rules, key=lambda r: r.id)
    ]
    head = ("id", "name", "title", "severity", "status", "findings")
    return _plain_table("rules", f"Rules that ran ({len(rows)})", head, rows)


def _data(findings: Sequence[Finding]) -> JsonValue:
    items: list[JsonValue] = []
    for f in findings:
        text = " ".join(
            (f.rule_id, f.rule_name, f.identity, f.identity_name, f.container, f.message)
        )
        items.append(
            {
                "fingerprint": f.fingerprint,
                "severity": f.severity.value,
                "rule": f.rule_id,
                "cloud": f.cloud.value,
                "text": text.lower(),
            }
        )
    return {"findings": items}


def scan_to_html(result: ScanResult, *, diff: FindingDiff | None = None) -> str:
    """The scan as one self-contained HTML page (inline style and script, no network).

    Args:
        result: the scan to report.
        diff: the comparison with a baseline or the previous scan: new findings are marked and
            the fixed ones listed.
    """
    findings = sort_findings(result.findings)
    new = new_fingerprints(diff)
    names = identity_names(findings)
    anchors: dict[str, str] = {}
    for f in findings:
        anchors.setdefault(f.identity, f"identity-{len(anchors) + 1}")
    rules = {r.id: r for r in result.rules}
    nav = "".join(
        f'<a href="#{target}">{label}</a>'
        for target, label in (
            ("summary", "Summary"),
            ("findings", "Findings"),
            ("paths", "Attack paths"),
            ("identities", "Identities"),
            ("coverage", "Coverage"),
            ("rules", "Rules"),
        )
    )
    meta = (
        f"source {escape(result.source)} · scanned {escape(format_time(result.scanned_at))} · "
        f"{TOOL_NAME} {TOOL_VERSION}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">'
        '<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">'
        f"<title>overgrant report: {escape(result.source)}</title><style>{CSS}</style></head>"
        f'<body><header class="top"><h1>overgrant report</h1><div class="meta">{meta}</div>'
        f'</header><nav class="sections">{nav}</nav><main>'
        + _summary(result, diff)
        + _findings_table(findings, anchors, new)
        + _paths_overview(findings, names)
        + _identities(findings, anchors, rules, new, names)
        + _fixed(diff)
        + _suppressed(result)
        + _coverage(result)
        + _rules(result)
        + f"</main><footer>Generated by {TOOL_NAME} {TOOL_VERSION}. This page loads nothing from "
        "the network and runs only its own script.</footer>"
        f'<script type="application/json" id="og-data">{script_json(_data(findings))}</script>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )
