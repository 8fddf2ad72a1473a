"""The JSON report: the documented shape, round trips, and the diff."""

from __future__ import annotations

import json
import re

import orjson

from overgrant.findings import finding_from_json, finding_to_json
from overgrant.report import json_report
from overgrant.report.findings_common import TOOL_VERSION, sort_findings
from overgrant.report.json_report import scan_to_json
from tests.report.scans import RULES, SCRIPT_BREAKER, fixed_finding, scan_diff, scan_result

TOP_LEVEL = {
    "format",
    "format_version",
    "tool",
    "scanned_at",
    "source",
    "complete",
    "summary",
    "findings",
    "suppressed",
    "diff",
    "coverage_gaps",
    "warnings",
    "rules",
}


def test_shape_and_summary() -> None:
    result = scan_result()
    document = scan_to_json(result)
    assert set(document) == TOP_LEVEL
    assert document["format"] == "overgrant-findings"
    assert document["format_version"] == 1
    assert document["scanned_at"] == "2025-06-01T02:00:00Z"
    assert document["source"] == "snapshots/prod.json"
    assert document["complete"] is False
    assert document["summary"] == {
        "total": 8,
        "by_severity": {"critical": 2, "high": 3, "medium": 1, "low": 1, "info": 1},
        "identities": 6,
        "suppressed": 2,
        "coverage_gaps": 2,
        "new": None,
        "fixed": None,
        "unchanged": None,
    }
    assert document["diff"] is None
    assert document["tool"] == {"name": "overgrant", "version": TOOL_VERSION}


def test_findings_are_the_finding_json_form_sorted_and_round_trip() -> None:
    result = scan_result()
    document = scan_to_json(result)
    assert document["findings"] == [finding_to_json(f) for f in sort_findings(result.findings)]
    findings = document["findings"]
    assert isinstance(findings, list)
    back = [finding_from_json(item) for item in findings]  # type: ignore[arg-type]
    assert {f.fingerprint for f in back} == {f.fingerprint for f in result.findings}
    assert [f.severity.rank for f in back] == sorted((f.severity.rank for f in back), reverse=True)


def test_serializes_with_json_and_orjson_and_keeps_hostile_text() -> None:
    document = scan_to_json(scan_result())
    text = json.dumps(document)
    assert orjson.loads(orjson.dumps(document)) == json.loads(text)
    azure = next(f for f in json.loads(text)["findings"] if f["rule_id"] == "OG150")
    assert azure["evidence"]["facts"]["display_name"] == SCRIPT_BREAKER


def test_diff_suppressions_gaps_and_rules() -> None:
    result = scan_result()
    diff = scan_diff(result)
    document = scan_to_json(result, diff=diff)
    summary = document["summary"]
    assert isinstance(summary, dict)
    assert (summary["new"], summary["fixed"], summary["unchanged"]) == (2, 1, 6)
    assert document["diff"] == {
        "new": sorted(f.fingerprint for f in diff.new),
        "unchanged": sorted(f.fingerprint for f in diff.unchanged),
        "fixed": [finding_to_json(fixed_finding())],
    }
    suppressed = document["suppressed"]
    assert isinstance(suppressed, list)
    assert [(s["kind"], s["expires"]) for s in suppressed] == [  # type: ignore[index,call-overload]
        ("baseline", None),
        ("config", "2030-01-31"),
    ]
    assert document["coverage_gaps"][0] == {  # type: ignore[index]
        "cloud": "aws",
        "scope": "222222222222",
        "operation": "s3:GetBucketPolicy",
        "reason": "throttled",
        "message": "",
        "affects": "resource policies (s3)",
    }
    rules = document["rules"]
    assert isinstance(rules, list)
    assert [r["id"] for r in rules] == sorted(r.id for r in RULES)  # type: ignore[index,call-overload]
    assert rules[0]["references"] == list(RULES[0].references)  # type: ignore[index,call-overload]
    assert document["warnings"] == list(result.warnings)


def test_complete_scan_without_findings() -> None:
    document = scan_to_json(scan_result(findings=(), gaps=False, warnings=False))
    assert document["complete"] is True
    assert document["findings"] == []
    assert document["coverage_gaps"] == []


def test_module_docstring_documents_every_key() -> None:
    """The README copies the docstring: it must name every key the report writes."""
    documented = set(re.findall(r'"([a-z_]+)"', json_report.__doc__ or ""))
    document = scan_to_json(scan_result(), diff=scan_diff(scan_result()))
    keys = set(document)
    for section in ("summary", "diff", "tool"):
        value = document[section]
        assert isinstance(value, dict)
        keys |= set(value)
    for section in ("suppressed", "coverage_gaps", "rules"):
        items = document[section]
        assert isinstance(items, list) and items
        first = items[0]
        assert isinstance(first, dict)
        keys |= set(first)
    assert keys - documented == set()
