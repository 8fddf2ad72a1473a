"""The console findings table: order, counts, coverage gaps, warnings, diff marks, escaping."""

from __future__ import annotations

import dataclasses
from io import StringIO

from rich.console import Console

from overgrant.findings import Severity
from overgrant.policies.result import ScanResult
from overgrant.report.findings_console import render_findings
from tests.report.scans import DEPLOY, finding, scan_diff, scan_result


def render(result: ScanResult, *, width: int = 100, **options: object) -> str:
    """Deterministic output; content checks use a wide console so cells do not wrap."""
    console = Console(file=StringIO(), width=width, color_system=None)
    render_findings(result, console, **options)  # type: ignore[arg-type]
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def test_table_lists_findings_most_severe_first_with_counts() -> None:
    result = scan_result()
    shuffled = dataclasses.replace(result, findings=tuple(reversed(result.findings)))
    output = render(shuffled, width=250)
    order = ["OG101", "OG201", "OG150", "OG202", "OG303", "OG104", "OG401", "OG420"]
    positions = [output.index(rule_id) for rule_id in order]
    assert positions == sorted(positions)
    assert "Findings: 2 critical, 3 high, 1 medium, 1 low, 1 info (8 total on 6 identities); " in (
        output
    )
    assert "2 suppressed" in output
    assert "path: ci-deploy → lambda-admin → admin of aws account 111111111111 (2 hops)" in output
    assert "source: snapshots/prod.json  scanned at 2025-06-01T02:00:00Z" in output


def test_output_is_deterministic_at_width_100() -> None:
    result = scan_result()
    output = render(result, diff=scan_diff(result), show_suppressed=True)
    assert output == render(result, diff=scan_diff(result), show_suppressed=True)
    assert max(len(line) for line in output.splitlines()) <= 100


def test_coverage_gaps_are_shown_as_not_checked_and_warnings_printed() -> None:
    output = render(scan_result())
    assert "Coverage gaps: NOT checked, never reported as clean" in output
    assert "333333333333" in output
    assert "access_denied" in output
    assert "warning: suppression of OG401" in output
    assert "expired on 2025-01-31" in output


def test_complete_coverage_and_no_findings_say_so() -> None:
    clean = render(scan_result(findings=(), gaps=False, warnings=False))
    assert "No findings." in clean
    assert "Coverage: complete" in clean
    assert "warning:" not in clean
    partial = render(scan_result(findings=()))
    assert "No findings in what could be checked" in partial
    assert "No findings." not in partial


def test_diff_marks_new_findings_and_lists_fixed_ones() -> None:
    result = scan_result()
    output = render(result, diff=scan_diff(result))
    assert output.count("NEW") == 2
    assert "Fixed since baseline" in output
    assert "old-admin" in output
    assert "Since the baseline: 2 new, 1 fixed, 6 unchanged" in output


def test_suppressed_findings_listed_on_request() -> None:
    assert "owned by the platform team" not in render(scan_result())
    output = render(scan_result(), show_suppressed=True, width=250)
    assert "owned by the platform team" in output
    assert "2030-01-31" in output
    assert "baseline" in output


def test_cloud_supplied_markup_is_printed_as_written() -> None:
    hostile = finding(
        "OG101",
        Severity.CRITICAL,
        DEPLOY,
        "[bold red]boom[/] [link=https://evil.example]click[/link]",
        name="[red]evil[/red]",
    )
    result = scan_result(findings=(hostile,))
    gap = dataclasses.replace(result.coverage_gaps[0], scope="[blink]333[/blink]")  # type: ignore[arg-type]
    output = render(dataclasses.replace(result, coverage_gaps=(gap,)), width=250)
    assert "[red]evil[/red]" in output
    assert "[bold red]boom[/]" in output
    assert "[link=https://evil.example]click[/link]" in output
    assert "[blink]333[/blink]" in output
