"""The findings of a scan as JSON for tools: one documented, versioned shape.

Shape (``"format": "overgrant-findings"``, ``"format_version": 1``); keys are always present,
lists are sorted (findings most severe first, then rule, identity, key)::

    {
      "format": "overgrant-findings",
      "format_version": 1,
      "tool": {"name": "overgrant", "version": "0.1.0"},
      "scanned_at": "2025-06-01T02:00:00Z",          # UTC, ISO 8601
      "source": "snapshots/prod.json",               # what was scanned, or "sample"
      "complete": true,                              # false when any coverage gap exists
      "summary": {
        "total": 6,                                  # active findings
        "by_severity": {"critical": 1, "high": 2, "medium": 2, "low": 1, "info": 0},
        "identities": 4,                             # distinct identities with findings
        "suppressed": 1,
        "coverage_gaps": 0,
        "new": 1, "fixed": 1, "unchanged": 5         # null when no baseline was given
      },
      "findings": [FINDING, …],
      "suppressed": [{"finding": FINDING, "kind": "config|baseline", "reason": "…",
                      "owner": "…", "expires": "2025-12-31" | null}, …],
      "diff": null | {"new": [fingerprint, …], "unchanged": [fingerprint, …],
                      "fixed": [FINDING, …]},        # fixed ones are not in "findings"
      "coverage_gaps": [{"cloud": "aws", "scope": "222222222222",
                         "operation": "iam:GetAccountAuthorizationDetails",
                         "reason": "access_denied|throttled|not_found|error",
                         "message": "…", "affects": "identities"}, …],
      "warnings": ["suppression … expired on 2025-01-31 and no longer applies", …],
      "rules": [{"id": "OG201", "name": "…", "title": "…", "severity": "critical",
                 "clouds": ["aws"], "status": "preview|stable|deprecated", "kind": "…",
                 "params": {…}, "rationale": "…", "remediation": "…",
                 "references": ["https://…"], "since": "0.1.0", "source": "…"}, …]
    }

    FINDING = {"fingerprint": "32 hex", "rule_id", "rule_name", "severity", "identity",
               "identity_name", "cloud", "container", "message", "key",
               "evidence": {"statements": [{"permission_set", "index", "sid", "effect"}],
                            "path": [{"source", "target", "method", "outcome",
                                      "permissions": [{"action", "resource"}],
                                      "statements": [STATEMENT, …]}],
                            "facts": {"name": value, …}}}

``FINDING`` is exactly :func:`overgrant.findings.finding_to_json`, so a finding read back with
:func:`overgrant.findings.finding_from_json` keeps its fingerprint (baselines use the same form).
Path nodes are graph node keys: ``identity:<arn>``, ``admin:aws/account/<id>``,
``external:anyone``. Fields may be added in a later version 1; removing or changing one bumps
``format_version``.
"""

from __future__ import annotations

from overgrant.baseline import FindingDiff
from overgrant.findings import finding_to_json
from overgrant.model import CoverageGap, JsonValue
from overgrant.policies.result import ScanResult, SuppressedFinding
from overgrant.policies.rule import Rule
from overgrant.report.findings_common import (
    TOOL_NAME,
    TOOL_VERSION,
    format_day,
    format_time,
    scan_totals,
    sort_findings,
    sort_gaps,
    sort_suppressed,
)

FINDINGS_FORMAT = "overgrant-findings"
FINDINGS_FORMAT_VERSION = 1


def rule_to_json(rule: Rule) -> dict[str, JsonValue]:
    """A rule's metadata and parameters as plain JSON."""
    return {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "severity": rule.severity.value,
        "clouds": [c.value for c in rule.clouds],
        "status": rule.status.value,
        "kind": rule.kind,
        "params": dict(rule.params),
        "rationale": rule.rationale,
        "remediation": rule.remediation,
        "references": list(rule.references),
        "since": rule.since,
        "source": rule.source,
    }


def gap_to_json(gap: CoverageGap) -> dict[str, JsonValue]:
    return {
        "cloud": gap.cloud.value,
        "scope": gap.scope,
        "operation": gap.operation,
        "reason": gap.reason.value,
        "message": gap.message,
        "affects": gap.affects,
    }


def suppressed_to_json(item: SuppressedFinding) -> dict[str, JsonValue]:
    return {
        "finding": finding_to_json(item.finding),
        "kind": item.kind.value,
        "reason": item.reason,
        "owner": item.owner,
        "expires": format_day(item.expires) or None,
    }


def _diff_json(diff: FindingDiff | None) -> JsonValue:
    if diff is None:
        return None
    new: list[JsonValue] = [*sorted(f.fingerprint for f in diff.new)]
    unchanged: list[JsonValue] = [*sorted(f.fingerprint for f in diff.unchanged)]
    return {
        "new": new,
        "unchanged": unchanged,
        "fixed": [finding_to_json(f) for f in sort_findings(diff.fixed)],
    }


def scan_to_json(result: ScanResult, *, diff: FindingDiff | None = None) -> dict[str, JsonValue]:
    """The scan in the documented ``overgrant-findings`` shape (see the module docstring).

    Args:
        result: the scan to report.
        diff: the comparison with a baseline or the previous scan, if any.

    Returns:
        A dict that :func:`json.dumps` (or orjson) serializes as is.
    """
    totals = scan_totals(result, diff)
    summary: dict[str, JsonValue] = {
        "total": totals.total,
        "by_severity": {s.value: n for s, n in totals.by_severity.items()},
        "identities": totals.identities,
        "suppressed": totals.suppressed,
        "coverage_gaps": totals.coverage_gaps,
        "new": totals.new,
        "fixed": totals.fixed,
        "unchanged": totals.unchanged,
    }
    return {
        "format": FINDINGS_FORMAT,
        "format_version": FINDINGS_FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": TOOL_VERSION},
        "scanned_at": format_time(result.scanned_at),
        "source": result.source,
        "complete": not result.coverage_gaps,
        "summary": summary,
        "findings": [finding_to_json(f) for f in sort_findings(result.findings)],
        "suppressed": [suppressed_to_json(s) for s in sort_suppressed(result.suppressed)],
        "diff": _diff_json(diff),
        "coverage_gaps": [gap_to_json(g) for g in sort_gaps(result.coverage_gaps)],
        "warnings": list(result.warnings),
        "rules": [rule_to_json(r) for r in sorted(result.rules, key=lambda r: r.id)],
    }
