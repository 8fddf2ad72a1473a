"""The gate: which findings fail a pull request or a nightly job.

A finding fails the gate only when it is **new** — absent from the reference the scan is
measured against (a baseline file, or the previous scan in the history) — and its severity is
at or above the threshold (``--fail-on``). A finding the config suppresses, or one the baseline
holds, never fails it, whatever its severity. Without a reference every reported finding is new.

Pure functions over findings: no I/O, so the CLI, the GitHub Action and a notebook decide alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from overgrant.baseline import FindingDiff, diff_findings
from overgrant.errors import ExitCode
from overgrant.findings import Finding, Severity
from overgrant.policies.result import ScanResult, SuppressionKind


@dataclass(frozen=True, slots=True, kw_only=True)
class GateOutcome:
    """What the gate decided, and why."""

    threshold: Severity | None
    """``--fail-on``; None means the gate never fails."""
    failing: tuple[Finding, ...]
    """New findings at or above the threshold, neither suppressed nor baselined."""
    new: int
    """New findings of any severity that are not suppressed (for the summary line)."""

    @property
    def passed(self) -> bool:
        return not self.failing

    @property
    def exit_code(self) -> ExitCode:
        """``GATE_FAILED`` when any finding fails the gate, else ``OK``."""
        return ExitCode.OK if self.passed else ExitCode.GATE_FAILED

    def summary(self) -> str:
        """One line for a log: ``gate (fail-on high): failed, 1 of 3 new findings ...``."""
        if self.threshold is None:
            return f"gate: off (no --fail-on); {self.new} new finding(s)"
        verdict = "passed" if self.passed else "failed"
        return (
            f"gate (fail-on {self.threshold.value}): {verdict}, {len(self.failing)} of "
            f"{self.new} new finding(s) at or above {self.threshold.value}"
        )


def evaluate_gate(
    diff: FindingDiff, threshold: Severity | None, *, suppressed: Iterable[Finding] = ()
) -> GateOutcome:
    """Apply the gate to a diff against the reference (baseline or previous scan).

    Args:
        diff: the current findings against the reference; only ``diff.new`` can fail.
        threshold: the lowest severity that fails; None never fails.
        suppressed: findings the config or the baseline silenced; they never fail, even when
            they also appear among ``diff.new``.
    """
    silenced = {f.fingerprint for f in suppressed}
    new = tuple(f for f in diff.new if f.fingerprint not in silenced)
    failing = () if threshold is None else tuple(f for f in new if f.severity.at_least(threshold))
    return GateOutcome(threshold=threshold, failing=failing, new=len(new))


def gate_against_baseline(
    findings: Iterable[Finding],
    baseline: Iterable[Finding],
    threshold: Severity | None,
    *,
    suppressed: Iterable[Finding] = (),
) -> GateOutcome:
    """Apply the gate to current findings and the findings of a baseline."""
    return evaluate_gate(diff_findings(baseline, findings), threshold, suppressed=suppressed)


def compare_result(result: ScanResult, reference: Iterable[Finding] | None) -> FindingDiff:
    """New, fixed and unchanged findings of a scan against its reference.

    The scan's findings are its active ones and those it marked as baselined (they are still
    there, only accepted). Findings the config suppresses take no part: they are neither new
    now nor fixed when the reference holds them. ``reference=None`` makes every finding new.
    """
    reported = [
        *result.findings,
        *(s.finding for s in result.suppressed if s.kind is SuppressionKind.BASELINE),
    ]
    configured = {
        s.finding.fingerprint for s in result.suppressed if s.kind is not SuppressionKind.BASELINE
    }
    earlier = [f for f in reference or () if f.fingerprint not in configured]
    return diff_findings(earlier, reported)


def gate_scan(
    result: ScanResult, reference: Iterable[Finding] | None, threshold: Severity | None
) -> tuple[FindingDiff, GateOutcome]:
    """Compare a scan with its reference and apply the gate; see :func:`compare_result`."""
    diff = compare_result(result, reference)
    outcome = evaluate_gate(diff, threshold, suppressed=(s.finding for s in result.suppressed))
    return diff, outcome
