"""The findings of a scan as SARIF 2.1.0, the format GitHub code scanning ingests.

One run; the rules that ran are its ``reportingDescriptors`` (help text with the remediation and
references, ``security-severity`` so GitHub ranks the alerts); each finding is a result anchored
to a repository-relative artifact (GitHub rejects a whole upload when any result lacks one) with
the identity as a logical location and its fingerprint under ``partialFingerprints`` so an alert
follows the same problem from scan to scan. Suppressed findings are included with a
``suppressions`` entry so code scanning shows them as dismissed, not as fixed. Coverage gaps and
warnings become tool execution notifications: the run says what it could not check.

Reference: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html and GitHub's
"SARIF support for code scanning".
"""

from __future__ import annotations

from collections.abc import Sequence

from overgrant.findings import Finding, Severity
from overgrant.model import JsonValue
from overgrant.policies.result import ScanResult, SuppressedFinding
from overgrant.policies.rule import Rule, RuleStatus
from overgrant.report.findings_common import (
    TOOL_NAME,
    TOOL_VERSION,
    evidence_summary,
    fact_text,
    format_day,
    format_time,
    hop_phrase,
    sort_findings,
    sort_gaps,
    sort_suppressed,
)

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "overgrant/v1"

SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
"""GitHub maps security-severity > 9.0 to critical, 7.0-8.9 high, 4.0-6.9 medium, else low."""

LEVELS: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def _check_artifact_uri(uri: str) -> str:
    """Refuse what GitHub could not resolve against the repository root."""
    if not uri or uri.startswith(("/", "\\")) or ":" in uri.split("/", 1)[0] or "\\" in uri:
        raise ValueError(
            f"artifact_uri must be a repository-relative path with forward slashes, got {uri!r}"
        )
    return uri


def _help_markdown(rule: Rule) -> str:
    parts = [f"**{rule.title}**"]
    if rule.rationale:
        parts.append(rule.rationale)
    if rule.remediation:
        parts.append("**Remediation**\n\n" + rule.remediation)
    if rule.references:
        parts.append("**References**\n\n" + "\n".join(f"- <{ref}>" for ref in rule.references))
    return "\n\n".join(parts)


def _help_text(rule: Rule) -> str:
    parts = [rule.title]
    if rule.rationale:
        parts.append(rule.rationale)
    if rule.remediation:
        parts.append("Remediation: " + rule.remediation)
    if rule.references:
        parts.append("References:\n" + "\n".join(f"- {ref}" for ref in rule.references))
    return "\n\n".join(parts)


def _descriptor(rule: Rule) -> dict[str, JsonValue]:
    tags: list[JsonValue] = ["security", "ciem", *(c.value for c in rule.clouds)]
    if rule.kind:
        tags.append(rule.kind)
    return {
        "id": rule.id,
        "name": rule.name or rule.id,
        "shortDescription": {"text": rule.title or rule.name or rule.id},
        "fullDescription": {"text": rule.rationale or rule.title or rule.id},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "tags": tags,
            "precision": "high",
            "status": rule.status.value,
        },
    }


def _stand_in_rule(finding: Finding) -> Rule:
    """Metadata for a finding whose rule is not among the result's rules (never drop a result)."""
    return Rule(
        id=finding.rule_id,
        name=finding.rule_name,
        title=finding.rule_name or finding.rule_id,
        severity=finding.severity,
        clouds=(finding.cloud,),
        status=RuleStatus.STABLE,
        kind="",
    )


def _result_properties(finding: Finding) -> dict[str, JsonValue]:
    evidence = finding.evidence
    properties: dict[str, JsonValue] = {
        "identity": finding.identity,
        "identityName": finding.identity_name,
        "cloud": finding.cloud.value,
        "container": finding.container,
        "severity": finding.severity.value,
        "evidence": evidence_summary(finding, max_statements=5),
    }
    if evidence.path:
        properties["path"] = [hop_phrase(h) for h in evidence.path]
    if evidence.facts:
        properties["facts"] = {k: fact_text(v) for k, v in sorted(evidence.facts.items())}
    return properties


def _result(
    finding: Finding,
    rule_index: int,
    artifact_uri: str,
    suppression: SuppressedFinding | None = None,
) -> dict[str, JsonValue]:
    result: dict[str, JsonValue] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.message} (identity: {finding.identity})"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri},
                    "region": {"startLine": 1},
                },
                "logicalLocations": [
                    {
                        "name": finding.identity_name or finding.identity,
                        "fullyQualifiedName": finding.identity,
                        "kind": "member",
                    }
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": _result_properties(finding),
    }
    if suppression is not None:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": suppression.reason or f"suppressed ({suppression.kind.value})",
                "properties": {
                    "overgrantKind": suppression.kind.value,
                    "owner": suppression.owner,
                    "expires": format_day(suppression.expires),
                },
            }
        ]
    return result


def _notifications(result: ScanResult) -> list[JsonValue]:
    notes: list[JsonValue] = []
    for gap in sort_gaps(result.coverage_gaps):
        notes.append(
            {
                "level": "warning",
                "message": {
                    "text": f"NOT checked: {gap.cloud.value} {gap.scope} {gap.operation} "
                    f"({gap.reason.value}){': ' + gap.affects if gap.affects else ''}"
                    f"{' - ' + gap.message if gap.message else ''}"
                },
                "descriptor": {"id": "coverage-gap"},
            }
        )
    for warning in result.warnings:
        notes.append({"level": "warning", "message": {"text": warning}})
    return notes


def scan_to_sarif(
    result: ScanResult, *, artifact_uri: str, include_suppressed: bool = True
) -> dict[str, JsonValue]:
    """The scan as one SARIF 2.1.0 log for GitHub code scanning.

    Args:
        result: the scan to report.
        artifact_uri: the repository-relative file every result is anchored to: the IaC or
            snapshot file that was scanned, or ``.overgrant.yml``. Forward slashes, no scheme.
        include_suppressed: include suppressed findings with a ``suppressions`` entry.

    Raises:
        ValueError: ``artifact_uri`` is absolute or not a plain relative path.
    """
    uri = _check_artifact_uri(artifact_uri)
    rules = sorted(result.rules, key=lambda r: r.id)
    index = {rule.id: i for i, rule in enumerate(rules)}
    suppressed: Sequence[SuppressedFinding] = (
        sort_suppressed(result.suppressed) if include_suppressed else ()
    )
    for finding in [*result.findings, *(s.finding for s in suppressed)]:
        if finding.rule_id not in index:
            index[finding.rule_id] = len(rules)
            rules.append(_stand_in_rule(finding))
    results: list[JsonValue] = [
        _result(f, index[f.rule_id], uri) for f in sort_findings(result.findings)
    ]
    results.extend(_result(s.finding, index[s.finding.rule_id], uri, s) for s in suppressed)
    run: dict[str, JsonValue] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": TOOL_VERSION,
                "semanticVersion": TOOL_VERSION,
                "rules": [_descriptor(r) for r in rules],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "endTimeUtc": format_time(result.scanned_at),
                "toolExecutionNotifications": _notifications(result),
            }
        ],
        "results": results,
        "columnKind": "utf16CodeUnits",
        "properties": {"source": result.source, "complete": not result.coverage_gaps},
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
