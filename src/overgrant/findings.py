"""Findings: what a rule reports about one identity, with evidence and a stable fingerprint.

A finding's fingerprint depends only on the rule id, the identity and the rule kind's identity
key (for example the escalation method and its target, or the credential id) — never on the
message, the order of findings or the time — so baselines, nightly diffs and code-scanning
alerts follow the same problem from scan to scan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from overgrant.model import Cloud, IdentityId, JsonValue, ScopeId


class Severity(StrEnum):
    """Finding severities, from most to least serious."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for info: compare severities with this."""
        return _RANKS[self]

    def at_least(self, threshold: Severity) -> bool:
        return self.rank >= threshold.rank


_RANKS = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementEvidence:
    """One policy statement behind a finding."""

    permission_set: str
    index: int
    sid: str | None = None
    effect: str = "Allow"


@dataclass(frozen=True, slots=True, kw_only=True)
class PathHop:
    """One hop of an attack path: ``source`` can act as ``target`` by ``method``."""

    source: str
    target: str
    method: str
    outcome: str
    permissions: tuple[tuple[str, str], ...] = ()
    statements: tuple[StatementEvidence, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Why a finding holds: statements, an attack path, and facts a reviewer can check."""

    statements: tuple[StatementEvidence, ...] = ()
    path: tuple[PathHop, ...] = ()
    facts: Mapping[str, JsonValue] = field(default_factory=dict)
    """Small, named facts: ``{"key_age_days": 912, "evidence_window_days": 90}``."""


def fingerprint(rule_id: str, identity: str, key: str) -> str:
    """Stable identity of a finding across scans (hex, 32 characters)."""
    digest = hashlib.sha256("\x1f".join((rule_id, identity, key)).encode("utf-8"))
    return digest.hexdigest()[:32]


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One rule's report about one identity."""

    rule_id: str
    rule_name: str
    severity: Severity
    identity: IdentityId
    identity_name: str
    cloud: Cloud
    container: ScopeId
    message: str
    key: str = ""
    """The rule kind's identity key: what distinguishes two findings of one rule on one identity."""
    evidence: Evidence = field(default_factory=Evidence)
    fingerprint: str = ""
    """Filled by :func:`make_finding`; never derived from the message or the time."""


def make_finding(
    *,
    rule_id: str,
    rule_name: str,
    severity: Severity,
    identity: IdentityId,
    identity_name: str,
    cloud: Cloud,
    container: ScopeId,
    message: str,
    key: str = "",
    evidence: Evidence | None = None,
) -> Finding:
    """Build a finding with its fingerprint."""
    return Finding(
        rule_id=rule_id,
        rule_name=rule_name,
        severity=severity,
        identity=identity,
        identity_name=identity_name,
        cloud=cloud,
        container=container,
        message=message,
        key=key,
        evidence=evidence or Evidence(),
        fingerprint=fingerprint(rule_id, identity, key),
    )


def _statement_json(s: StatementEvidence) -> dict[str, JsonValue]:
    return {"permission_set": s.permission_set, "index": s.index, "sid": s.sid, "effect": s.effect}


def _statement_from(data: Mapping[str, JsonValue]) -> StatementEvidence:
    sid = data.get("sid")
    return StatementEvidence(
        permission_set=str(data["permission_set"]),
        index=int(data["index"]),  # type: ignore[arg-type]
        sid=sid if isinstance(sid, str) else None,
        effect=str(data.get("effect", "Allow")),
    )


def finding_to_json(finding: Finding) -> dict[str, JsonValue]:
    """The documented JSON form of a finding (used by the JSON report, baselines and history)."""
    evidence = finding.evidence
    return {
        "fingerprint": finding.fingerprint,
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "severity": finding.severity.value,
        "identity": finding.identity,
        "identity_name": finding.identity_name,
        "cloud": finding.cloud.value,
        "container": finding.container,
        "message": finding.message,
        "key": finding.key,
        "evidence": {
            "statements": [_statement_json(s) for s in evidence.statements],
            "path": [
                {
                    "source": h.source,
                    "target": h.target,
                    "method": h.method,
                    "outcome": h.outcome,
                    "permissions": [{"action": a, "resource": r} for a, r in h.permissions],
                    "statements": [_statement_json(s) for s in h.statements],
                }
                for h in evidence.path
            ],
            "facts": dict(evidence.facts),
        },
    }


def finding_from_json(data: Mapping[str, Any]) -> Finding:
    """Inverse of :func:`finding_to_json`; raises KeyError/ValueError/TypeError on bad input."""
    evidence = data.get("evidence") or {}
    return Finding(
        rule_id=str(data["rule_id"]),
        rule_name=str(data.get("rule_name", "")),
        severity=Severity(data["severity"]),
        identity=IdentityId(str(data["identity"])),
        identity_name=str(data.get("identity_name", "")),
        cloud=Cloud(data["cloud"]),
        container=ScopeId(str(data.get("container", ""))),
        message=str(data.get("message", "")),
        key=str(data.get("key", "")),
        evidence=Evidence(
            statements=tuple(_statement_from(s) for s in evidence.get("statements", ())),
            path=tuple(
                PathHop(
                    source=str(h["source"]),
                    target=str(h["target"]),
                    method=str(h["method"]),
                    outcome=str(h.get("outcome", "allowed")),
                    permissions=tuple(
                        (str(p["action"]), str(p["resource"])) for p in h.get("permissions", ())
                    ),
                    statements=tuple(_statement_from(s) for s in h.get("statements", ())),
                )
                for h in evidence.get("path", ())
            ),
            facts=dict(evidence.get("facts", {})),
        ),
        fingerprint=str(data["fingerprint"]),
    )
