"""The findings of a scan drawn with rich: a table, counts per severity, and what was NOT checked.

Every cloud-supplied string goes through :func:`rich.markup.escape` (an identity named
``[bold]x`` must print as written). Output is deterministic for a given result: tests render to
``Console(file=StringIO(), width=100, color_system=None)``.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from overgrant.baseline import FindingDiff
from overgrant.findings import Finding, Severity
from overgrant.policies.result import ScanResult
from overgrant.report.findings_common import (
    SEVERITIES,
    evidence_summary,
    format_day,
    format_time,
    identity_names,
    new_fingerprints,
    plural,
    scan_totals,
    sort_findings,
    sort_gaps,
    sort_suppressed,
)

SEVERITY_STYLES: dict[Severity, str] = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def _findings_table(findings: list[Finding], new: frozenset[str], *, title: str) -> Table:
    names = identity_names(findings)
    table = Table(title=title, title_justify="left", show_lines=True, expand=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("rule", max_width=24, overflow="fold")
    table.add_column("identity", ratio=2, overflow="fold")
    table.add_column("message", ratio=3, overflow="fold")
    for finding in findings:
        severity = Text(finding.severity.value, style=SEVERITY_STYLES[finding.severity])
        if finding.fingerprint in new:
            severity.append("\nNEW", style="bold magenta")
        rule = Text(finding.rule_id)
        rule.append("\n" + finding.rule_name, style="dim")
        identity = Text(finding.identity_name or finding.identity, style="bold")
        identity.append("\n" + finding.identity, style="dim")
        message = Text(finding.message)
        summary = evidence_summary(finding, max_statements=1, facts=False, names=names)
        if summary:
            message.append("\n" + summary, style="dim")
        table.add_row(severity, rule, identity, message)
    return table


def _summary_line(result: ScanResult, diff: FindingDiff | None) -> Text:
    totals = scan_totals(result, diff)
    line = Text("Findings: ")
    for index, severity in enumerate(SEVERITIES):
        if index:
            line.append(", ")
        count = totals.by_severity[severity]
        line.append(f"{count} {severity.value}", style=SEVERITY_STYLES[severity] if count else "")
    line.append(
        f" ({totals.total} total on {plural(totals.identities, 'identity', 'identities')}); "
        f"{totals.suppressed} suppressed"
    )
    if diff is not None:
        line.append(
            f"\nSince the baseline: {totals.new} new, {totals.fixed} fixed, "
            f"{totals.unchanged} unchanged"
        )
    return line


def _render_gaps(result: ScanResult, console: Console) -> None:
    if not result.coverage_gaps:
        console.print("Coverage: complete (every API the scan needed was read)")
        return
    gaps = Table(
        title="Coverage gaps: NOT checked, never reported as clean",
        title_justify="left",
        expand=True,
    )
    for column in ("cloud", "scope", "operation", "reason", "affects"):
        gaps.add_column(column, overflow="fold")
    for gap in sort_gaps(result.coverage_gaps):
        gaps.add_row(
            gap.cloud.value,
            escape(gap.scope),
            escape(gap.operation),
            gap.reason.value,
            escape(gap.affects or gap.message),
        )
    console.print(gaps, style="yellow")


def _render_suppressed(result: ScanResult, console: Console) -> None:
    if not result.suppressed:
        return
    table = Table(title="Suppressed", title_justify="left", expand=True)
    for column in ("rule", "identity", "kind", "reason", "owner", "expires"):
        table.add_column(column, overflow="fold")
    for item in sort_suppressed(result.suppressed):
        table.add_row(
            item.finding.rule_id,
            escape(item.finding.identity),
            item.kind.value,
            escape(item.reason),
            escape(item.owner),
            format_day(item.expires),
        )
    console.print(table, style="dim")


def render_findings(
    result: ScanResult,
    console: Console,
    *,
    diff: FindingDiff | None = None,
    show_suppressed: bool = False,
) -> None:
    """Print the findings table, counts per severity, coverage gaps and warnings.

    Args:
        result: the scan to show.
        console: where to draw (a file-backed console in tests).
        diff: the comparison with a baseline or the previous scan; new findings are marked
            ``NEW`` and the counts of new, fixed and unchanged findings are printed.
        show_suppressed: also list suppressed findings with their reason, owner and expiry.
    """
    findings = sort_findings(result.findings)
    if findings:
        console.print(_findings_table(findings, new_fingerprints(diff), title="Findings"))
    elif result.coverage_gaps:
        console.print("No findings in what could be checked: see the coverage gaps below.")
    else:
        console.print("No findings.")
    if diff is not None and diff.fixed:
        console.print(
            _findings_table(sort_findings(diff.fixed), frozenset(), title="Fixed since baseline"),
            style="green",
        )
    if show_suppressed:
        _render_suppressed(result, console)
    _render_gaps(result, console)
    for warning in result.warnings:
        console.print(Text("warning: " + warning, style="yellow"))
    console.print(_summary_line(result, diff))
    console.print(
        Text(f"source: {result.source}  scanned at {format_time(result.scanned_at)}", style="dim")
    )
