"""The pull-request comment: counts, new and fixed findings, the worst paths, collapsed details.

The comment starts with the hidden marker :data:`COMMENT_MARKER` so the GitHub Action can find
and update its own comment instead of adding one per push. It stays under ``max_chars`` (GitHub
refuses comments over 65,536 characters) by leaving out finding details from the lowest severity
up, then table rows, and says how many it left out. Every cloud-supplied string is escaped
(:mod:`overgrant.report.markdown_text`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from overgrant.baseline import FindingDiff
from overgrant.findings import Finding, PathHop, Severity
from overgrant.markdown_text import md, md_html
from overgrant.policies.result import ScanResult
from overgrant.report.findings_common import (
    SEVERITIES,
    TOOL_NAME,
    TOOL_VERSION,
    counts_phrase,
    fact_text,
    format_time,
    identity_names,
    new_fingerprints,
    node_label,
    plural,
    scan_totals,
    sort_findings,
    sort_gaps,
    statement_phrase,
    worst_path_findings,
)

COMMENT_MARKER = "<!-- overgrant-report -->"
GITHUB_COMMENT_LIMIT = 65_536
WORST_PATHS = 3
KEEP_DETAILS = 10
"""Details of the most severe findings kept while table rows can still be dropped instead."""
MAX_LISTED = 20
"""Coverage gaps, warnings, statements and facts listed before "and N more"."""

SEVERITY_ICONS: dict[Severity, str] = {
    Severity.CRITICAL: "🔴",
    Severity.HIGH: "🟠",
    Severity.MEDIUM: "🟡",
    Severity.LOW: "🔵",
    Severity.INFO: "⚪",
}

_TABLE_HEAD = "| severity | rule | identity | message |\n|---|---|---|---|\n"


@dataclass(slots=True)
class _Table:
    heading: str
    rows: list[str] = field(default_factory=list)
    dropped: int = 0

    def render(self) -> str:
        if not self.rows and not self.dropped:
            return f"{self.heading}\n\nNone.\n\n"
        more = f"| | | … {self.dropped} more | |\n" if self.dropped else ""
        return f"{self.heading}\n\n{_TABLE_HEAD}{''.join(self.rows)}{more}\n"


def _severity(severity: Severity) -> str:
    return f"{SEVERITY_ICONS[severity]} {severity.value}"


def _identity(finding: Finding) -> str:
    return f"**{md(finding.identity_name or finding.identity)}**<br>{md(finding.identity)}"


def _row(finding: Finding, new: frozenset[str]) -> str:
    badge = " **NEW**" if finding.fingerprint in new else ""
    return (
        f"| {_severity(finding.severity)}{badge} | {md(finding.rule_id)} {md(finding.rule_name)} "
        f"| {_identity(finding)} | {md(finding.message, 400)} |\n"
    )


def _header(result: ScanResult, diff: FindingDiff | None) -> str:
    totals = scan_totals(result, diff)
    if totals.total:
        title = f"{plural(totals.total, 'finding')} ({counts_phrase(result.findings)})"
    else:
        title = "no findings" + (" in what could be checked" if result.coverage_gaps else "")
    lines = [COMMENT_MARKER, f"## 🛡️ overgrant: {title}", ""]
    facts = [plural(totals.identities, "identity", "identities"), f"{totals.suppressed} suppressed"]
    if diff is not None:
        facts.insert(0, f"**{totals.new} new** and **{totals.fixed} fixed** since the baseline")
    facts.append(f"source {md(result.source)}, scanned {format_time(result.scanned_at)}")
    lines += [" · ".join(facts), ""]
    lines.append("| " + " | ".join(_severity(s) for s in SEVERITIES) + " | suppressed |")
    lines.append("|" + "---:|" * (len(SEVERITIES) + 1))
    counts = [str(totals.by_severity[s]) for s in SEVERITIES] + [str(totals.suppressed)]
    lines += ["| " + " | ".join(counts) + " |", ""]
    lines += _gap_lines(result)
    lines += _warning_lines(result.warnings)
    return "\n".join(lines) + "\n"


def _gap_lines(result: ScanResult) -> list[str]:
    gaps = sort_gaps(result.coverage_gaps)
    if not gaps:
        return []
    lines = [
        "> [!WARNING]",
        f"> **Not everything was checked:** {plural(len(gaps), 'coverage gap')}. "
        "Findings below cover only what could be read; these parts were NOT checked.",
    ]
    for gap in gaps[:MAX_LISTED]:
        affects = f": {md(gap.affects)}" if gap.affects else ""
        lines.append(
            f"> - {gap.cloud.value} {md(gap.scope)}: {md(gap.operation)} "
            f"({gap.reason.value}){affects}"
        )
    if len(gaps) > MAX_LISTED:
        lines.append(f"> - … and {len(gaps) - MAX_LISTED} more")
    return [*lines, ""]


def _warning_lines(warnings: Sequence[str]) -> list[str]:
    if not warnings:
        return []
    lines = ["> [!NOTE]"]
    lines += [f"> - {md(w, 400)}" for w in warnings[:MAX_LISTED]]
    if len(warnings) > MAX_LISTED:
        lines.append(f"> - … and {len(warnings) - MAX_LISTED} more")
    return [*lines, ""]


def _hop_rows(path: Sequence[PathHop], names: Mapping[str, str]) -> list[str]:
    rows = ["| hop | from | how | to | enabled by |", "|---:|---|---|---|---|"]
    for number, hop in enumerate(path, start=1):
        permissions = [f"{a} on {r}" for a, r in hop.permissions[:3]]
        permissions += [statement_phrase(s) for s in hop.statements[:2]]
        outcome = "" if hop.outcome == "allowed" else f" ({md(hop.outcome)})"
        rows.append(
            f"| {number} | {md(node_label(hop.source, names))} | **{md(hop.method)}**{outcome} "
            f"| {md(node_label(hop.target, names))} | {md('; '.join(permissions), 400)} |"
        )
    return rows


def _paths_section(findings: Sequence[Finding], names: Mapping[str, str]) -> str:
    worst = worst_path_findings(findings, WORST_PATHS)
    if not worst:
        return ""
    parts = ["### Worst attack paths", ""]
    for finding in worst:
        path = finding.evidence.path
        parts.append(
            f"{SEVERITY_ICONS[finding.severity]} **{md(finding.rule_id)}** "
            f"{md(node_label(path[0].source, names))} → {md(node_label(path[-1].target, names))}: "
            f"{md(finding.message, 400)}"
        )
        parts += ["", *_hop_rows(path[:10], names), ""]
    return "\n".join(parts) + "\n"


def _detail(finding: Finding, new: frozenset[str], names: Mapping[str, str]) -> str:
    badge = " · NEW" if finding.fingerprint in new else ""
    summary = (
        f"{SEVERITY_ICONS[finding.severity]} {finding.severity.value} · "
        f"{md_html(finding.rule_id)} {md_html(finding.rule_name)} · "
        f"{md_html(finding.identity_name or finding.identity)}{badge}"
    )
    evidence = finding.evidence
    body = [
        f"**{md(finding.message, 600)}**",
        "",
        f"Identity {md(finding.identity)} ({finding.cloud.value}, {md(finding.container)}) · "
        f"fingerprint {md(finding.fingerprint)}",
        "",
    ]
    if evidence.path:
        body += ["Path:", "", *_hop_rows(evidence.path[:10], names), ""]
    if evidence.statements:
        body.append("Granted by:")
        body += [f"- {md(statement_phrase(s), 400)}" for s in evidence.statements[:MAX_LISTED]]
        if len(evidence.statements) > MAX_LISTED:
            body.append(f"- … and {len(evidence.statements) - MAX_LISTED} more")
        body.append("")
    if evidence.facts:
        body += ["| fact | value |", "|---|---|"]
        facts = sorted(evidence.facts.items())
        body += [f"| {md(k)} | {md(fact_text(v), 300)} |" for k, v in facts[:MAX_LISTED]]
        body.append("")
    return f"<details>\n<summary>{summary}</summary>\n\n" + "\n".join(body) + "\n</details>\n\n"


def _tables(result: ScanResult, diff: FindingDiff | None, new: frozenset[str]) -> list[_Table]:
    """All findings without a diff; with one, new then fixed (fixed rows are trimmed first)."""
    if diff is None:
        findings = sort_findings(result.findings)
        return [_Table(f"### Findings ({len(findings)})", [_row(f, new) for f in findings])]
    return [
        _Table(
            f"### New since the baseline ({len(diff.new)})",
            [_row(f, frozenset()) for f in sort_findings(diff.new)],
        ),
        _Table(
            f"### Fixed since the baseline ({len(diff.fixed)})",
            [_row(f, frozenset()) for f in sort_findings(diff.fixed)],
        ),
    ]


def _trim(tables: Sequence[_Table], over: int) -> int:
    """Drop rows from the end of each table (lowest severity) until ``over`` chars are saved."""
    for table in reversed(tables):
        while over > 0 and table.rows:
            over -= len(table.rows.pop())
            table.dropped += 1
    return over


def _omitted_note(dropped: Sequence[Finding], rows: int) -> str:
    if not dropped and not rows:
        return ""
    by_severity = Counter(f.severity for f in dropped)
    spread = ", ".join(f"{by_severity[s]} {s.value}" for s in SEVERITIES if by_severity[s])
    parts = []
    if dropped:
        parts.append(f"details of {plural(len(dropped), 'finding')} ({spread})")
    if rows:
        parts.append(plural(rows, "table row"))
    return (
        f"> [!NOTE]\n> {' and '.join(parts)} left out to stay under GitHub's comment size "
        "limit: the JSON, SARIF and HTML reports have every finding.\n\n"
    )


_DETAILS_HEAD = "### Details\n\n"
_FOOTER = f"<sub>{TOOL_NAME} {TOOL_VERSION}</sub>\n"
_RESERVE = 400
"""Room kept for the note saying what was left out."""


@dataclass(slots=True)
class _Comment:
    """The comment's parts, and how to shrink them to a budget."""

    header: str
    tables: list[_Table]
    """In reading order; trimmed from the last one back."""
    paths: str
    findings: list[Finding]
    details: list[str]
    """One per finding, in the same (most severe first) order."""
    dropped: list[Finding] = field(default_factory=list)

    def _size(self) -> int:
        details = sum(map(len, self.details)) + (len(_DETAILS_HEAD) if self.details else 0)
        tables = sum(len(t.render()) for t in self.tables)
        return len(self.header) + tables + len(self.paths) + details + len(_FOOTER) + _RESERVE

    def _drop_details(self, over: int, keep: int) -> int:
        while over > 0 and len(self.details) > keep:
            over -= len(self.details.pop())
            self.dropped.insert(0, self.findings[len(self.details)])
        return over

    def fit(self, max_chars: int) -> None:
        """Details go first, from the lowest severity up; the most severe few keep theirs until
        every table row below them is gone (they are what a reviewer opens); then the paths."""
        over = self._size() - max_chars
        over = self._drop_details(over, KEEP_DETAILS)
        if over > 0:
            over = _trim(self.tables, over)
        over = self._drop_details(over, 0)
        if over > 0:
            self.paths = ""

    def render(self) -> str:
        rows_dropped = sum(t.dropped for t in self.tables)
        return "".join(
            [
                self.header,
                _omitted_note(self.dropped, rows_dropped),
                *(t.render() for t in self.tables),
                self.paths,
                _DETAILS_HEAD if self.details else "",
                *self.details,
                _FOOTER,
            ]
        )


def scan_to_markdown(
    result: ScanResult, *, diff: FindingDiff | None = None, max_chars: int = 60_000
) -> str:
    """The PR comment for a scan, under ``max_chars`` characters.

    Args:
        result: the scan to report.
        diff: the comparison with the baseline; adds tables of new and fixed findings and marks
            new findings in the details.
        max_chars: the size budget; details are left out from the lowest severity up, then table
            rows, and a note says how many. Must leave room for the header (at least 2,000).
    """
    if max_chars < 2_000:
        raise ValueError("max_chars must be at least 2000")
    new = new_fingerprints(diff)
    findings = sort_findings(result.findings)
    names = identity_names(findings)
    comment = _Comment(
        header=_header(result, diff),
        tables=_tables(result, diff, new),
        paths=_paths_section(findings, names),
        findings=findings,
        details=[_detail(f, new, names) for f in findings],
    )
    comment.fit(max_chars)
    text = comment.render()
    return text if len(text) <= max_chars else text[: max_chars - 20] + "\n\n… (cut)\n"
