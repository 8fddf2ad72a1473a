"""The outcome of a scan: active findings, what was suppressed and why, and what was not seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from overgrant.findings import Finding
from overgrant.model import CoverageGap
from overgrant.policies.rule import Rule


class SuppressionKind(StrEnum):
    CONFIG = "config"  # a suppression in .overgrant.yml
    BASELINE = "baseline"  # present in the baseline the scan was compared with


@dataclass(frozen=True, slots=True, kw_only=True)
class SuppressedFinding:
    finding: Finding
    kind: SuppressionKind
    reason: str
    owner: str = ""
    expires: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanResult:
    """Everything reports, history and the gate need from one scan."""

    findings: tuple[Finding, ...]
    """Active findings (after suppressions), sorted by severity then rule then identity."""
    suppressed: tuple[SuppressedFinding, ...]
    rules: tuple[Rule, ...]
    """Every rule that ran (reports describe them; SARIF lists them as reportingDescriptors)."""
    coverage_gaps: tuple[CoverageGap, ...]
    source: str
    """What was scanned: a snapshot path relative to the repository, or ``sample``."""
    scanned_at: datetime
    warnings: tuple[str, ...] = ()
    """E.g. suppressions that expired and no longer suppress."""
