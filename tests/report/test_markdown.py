"""The PR comment: marker, counts, diff tables, worst paths, size budget, and escaping.

The Markdown is rendered with markdown-it-py (CommonMark with GitHub's tables, raw HTML passed
through as GitHub would before sanitizing) and the resulting HTML is inspected: a hostile name
must come out as text, never as an element or a broken table.
"""

from __future__ import annotations

import dataclasses
from itertools import cycle

import pytest
from markdown_it import MarkdownIt

from overgrant.findings import Finding, Severity
from overgrant.markdown_text import md, md_html
from overgrant.report.markdown import COMMENT_MARKER, GITHUB_COMMENT_LIMIT, scan_to_markdown
from tests.report.dom import Dom, parse
from tests.report.scans import (
    DEPLOY,
    HOSTILE_NAME,
    HOSTILE_NODE,
    escalation_to_admin,
    finding,
    scan_diff,
    scan_result,
    statement,
)


def rendered(markdown: str) -> Dom:
    renderer = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    return parse(renderer.render(markdown))


def test_starts_with_the_hidden_marker_and_counts() -> None:
    text = scan_to_markdown(scan_result())
    assert text.splitlines()[0] == COMMENT_MARKER
    assert "## 🛡️ overgrant: 8 findings (2 critical, 3 high, 1 medium, 1 low, 1 info)" in text
    assert "| 2 | 3 | 1 | 1 | 1 | 2 |" in text
    assert "**Not everything was checked:** 2 coverage gaps" in text
    assert "expired on 2025\\-01\\-31" in text or "expired on 2025-01-31" in text
    assert COMMENT_MARKER not in rendered(text).text


def test_new_and_fixed_tables_since_the_baseline() -> None:
    result = scan_result()
    text = scan_to_markdown(result, diff=scan_diff(result))
    assert "**2 new** and **1 fixed** since the baseline" in text
    dom = rendered(text)
    tables = dom.find_all("table")
    new_rows = tables[1].children[1].children
    fixed_rows = tables[2].children[1].children
    assert len(new_rows) == 2
    assert "escalation-path-to-admin" in new_rows[0].text
    assert len(fixed_rows) == 1
    assert "old-admin" in fixed_rows[0].text
    assert text.count("· NEW</summary>") == 2


def test_without_a_diff_all_findings_are_tabled() -> None:
    dom = rendered(scan_to_markdown(scan_result()))
    findings_table = dom.find_all("table")[1]
    assert len(findings_table.children[1].children) == 8


def test_worst_paths_are_drawn_hop_by_hop() -> None:
    text = scan_to_markdown(scan_result())
    assert "### Worst attack paths" in text
    section = text.split("### Worst attack paths")[1].split("### Details")[0]
    assert section.count("| 1 | ") == 3
    assert "| 2 | lambda\\-admin" in section or "| 2 | lambda-admin" in section
    assert "**sts:AssumeRole** (conditional)" in section
    assert "admin of aws organization o-a1b2c3d4e5" in section


def test_details_are_collapsed_per_finding() -> None:
    result = scan_result()
    dom = rendered(scan_to_markdown(result))
    details = dom.find_all("details")
    assert len(details) == len(result.findings)
    assert "fingerprint" in details[0].text


def test_hostile_names_stay_text_and_tables_stay_whole() -> None:
    text = scan_to_markdown(scan_result(), diff=scan_diff(scan_result()))
    dom = rendered(text)
    tags = {e.tag for e in dom.elements}
    assert not tags & {"img", "svg", "script", "iframe", "code"}
    assert not [e for e in dom.elements if any(k.startswith("on") for k in e.attrs)]
    assert not [e for e in dom.find_all("a") if "javascript" in e.attrs.get("href", "")]
    for table in dom.find_all("table"):
        head, body = table.children
        width = len(head.children[0].children)
        assert all(len(row.children) == width for row in body.children)
    assert HOSTILE_NAME in dom.text
    assert HOSTILE_NODE in dom.text
    assert "</script><script>alert(3)</script>" in dom.text


def test_escaping_helpers() -> None:
    assert md("a|b") == "a\\|b"
    assert md("`x` *y* _z_ [l](u) ~s~ #h !") == r"\`x\` \*y\* \_z\_ \[l\](u) \~s\~ \#h \!"
    assert md("<b>&amp;</b>") == "&lt;b&gt;&amp;amp;&lt;/b&gt;"
    assert md("two\nlines\r\n\u2028x") == "two lines x"
    assert md("x" * 500).endswith("…")
    assert md_html("<i>|*</i>") == "&lt;i&gt;|*&lt;/i&gt;"


def many_findings(count: int) -> tuple[Finding, ...]:
    severities = cycle(Severity)
    statements = tuple(statement(f"arn:aws:iam::111111111111:policy/p{i}", i) for i in range(8))
    return tuple(
        finding(
            "OG104",
            next(severities),
            f"arn:aws:iam::111111111111:role/workload-{i:05d}",
            f"workload-{i:05d} can write {'s3, ec2, iam, kms, ' * 6}on Resource *",
            key=str(i),
            statements=statements,
            facts={"actions": i, "services": ["ec2", "iam", "kms", "s3"]},
        )
        for i in range(count)
    )


def test_large_scans_stay_under_the_limit_dropping_low_severity_details_first() -> None:
    result = dataclasses.replace(scan_result(), findings=many_findings(1500))
    text = scan_to_markdown(result)
    assert len(text) <= 60_000
    assert "left out to stay under GitHub's comment size limit" in text
    summaries = [line for line in text.splitlines() if line.startswith("<summary>")]
    kept = [next(s for s in Severity if f" {s.value} · " in line) for line in summaries]
    assert kept, "the most severe details must survive"
    lowest_kept = min(s.rank for s in kept)
    kept_counts = {s: kept.count(s) for s in Severity}
    for severity in Severity:
        if severity.rank > lowest_kept:
            assert kept_counts[severity] == 300, f"all {severity} details are kept"
    omitted = text.split("> [!NOTE]\n> details of ")[1].split(" findings")[0]
    assert int(omitted) == 1500 - len(kept)


def test_tiny_budget_trims_table_rows_too() -> None:
    result = dataclasses.replace(scan_result(), findings=many_findings(400))
    text = scan_to_markdown(result, max_chars=5_000)
    assert len(text) <= 5_000
    assert text.startswith(COMMENT_MARKER)
    assert "table rows left out" in text
    assert "more |" in text


def test_default_budget_is_below_githubs_limit() -> None:
    result = dataclasses.replace(scan_result(), findings=many_findings(3000))
    assert len(scan_to_markdown(result)) < GITHUB_COMMENT_LIMIT
    with pytest.raises(ValueError, match="max_chars"):
        scan_to_markdown(result, max_chars=1_000)


def test_no_findings() -> None:
    clean = scan_to_markdown(scan_result(findings=(), gaps=False, warnings=False))
    assert "## 🛡️ overgrant: no findings\n" in clean
    assert "None." in clean
    assert "[!WARNING]" not in clean
    partial = scan_to_markdown(scan_result(findings=()))
    assert "no findings in what could be checked" in partial


def test_deterministic() -> None:
    result = scan_result()
    findings = (*result.findings, escalation_to_admin())
    assert scan_to_markdown(result) == scan_to_markdown(result)
    assert DEPLOY in scan_to_markdown(dataclasses.replace(result, findings=findings)).replace(
        "\\", ""
    )
