"""Comparisons the history answers: one scan against an earlier one, or against a baseline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from overgrant.baseline import FindingDiff, diff_findings
from overgrant.errors import InputError
from overgrant.findings import Finding, finding_to_json
from overgrant.model import JsonValue
from overgrant.store.records import ScanRecord, scan_record_to_json
from overgrant.store.sqlite import ScanStore

COMPARISON_FORMAT = "overgrant-diff"
COMPARISON_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """New, fixed and unchanged findings of ``later`` against an earlier scan or a baseline."""

    earlier: ScanRecord | None
    """The earlier scan, or None when the comparison is against a baseline file."""
    baseline: Path | None
    """The baseline file compared with, when there was one."""
    later: ScanRecord
    diff: FindingDiff

    @property
    def earlier_label(self) -> str:
        """``scan 4`` or the baseline file's path."""
        if self.earlier is not None:
            return f"scan {self.earlier.id}"
        return f"baseline {self.baseline}"


def compare_scans(store: ScanStore, earlier: int | None, later: int | None) -> Comparison:
    """Compare two recorded scans (active and baselined findings; config-suppressed ones left out).

    Args:
        store: the history.
        earlier: the earlier scan's id; None for the scan recorded just before ``later``.
        later: the later scan's id; None for the latest scan.

    Raises:
        InputError: a scan id is unknown, or the history has too few scans to compare.
    """
    later_scan = _scan_or_latest(store, later)
    if earlier is None:
        earlier_scan = store.latest(before=later_scan.id)
        if earlier_scan is None:
            raise InputError(
                f"{store.path}: scan {later_scan.id} is the first in the history; nothing to "
                "compare it with (give --baseline FILE or two scan ids)"
            )
    else:
        earlier_scan = store.get(earlier)
    diff = diff_findings(store.findings_of(earlier_scan.id), store.findings_of(later_scan.id))
    return Comparison(earlier=earlier_scan, baseline=None, later=later_scan, diff=_sorted(diff))


def compare_with_baseline(
    store: ScanStore, baseline: Sequence[Finding], baseline_path: Path, later: int | None
) -> Comparison:
    """Compare a recorded scan (the latest by default) with the findings of a baseline file."""
    later_scan = _scan_or_latest(store, later)
    diff = diff_findings(baseline, store.findings_of(later_scan.id))
    return Comparison(earlier=None, baseline=baseline_path, later=later_scan, diff=_sorted(diff))


def comparison_to_json(comparison: Comparison) -> dict[str, JsonValue]:
    """The documented JSON form of a comparison (``overgrant diff --format json``)."""
    diff = comparison.diff
    earlier: JsonValue
    if comparison.earlier is not None:
        earlier = {"scan": scan_record_to_json(comparison.earlier)}
    else:
        earlier = {"baseline": str(comparison.baseline)}
    return {
        "format": COMPARISON_FORMAT,
        "format_version": COMPARISON_FORMAT_VERSION,
        "earlier": earlier,
        "later": {"scan": scan_record_to_json(comparison.later)},
        "counts": {
            "new": len(diff.new),
            "fixed": len(diff.fixed),
            "unchanged": len(diff.unchanged),
        },
        "new": [finding_to_json(f) for f in diff.new],
        "fixed": [finding_to_json(f) for f in diff.fixed],
        "unchanged": [finding_to_json(f) for f in diff.unchanged],
    }


def sort_findings(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Most severe first, then by rule, identity and fingerprint (a stable order for output)."""
    return tuple(
        sorted(findings, key=lambda f: (-f.severity.rank, f.rule_id, f.identity, f.fingerprint))
    )


def _sorted(diff: FindingDiff) -> FindingDiff:
    return FindingDiff(
        new=sort_findings(diff.new),
        fixed=sort_findings(diff.fixed),
        unchanged=sort_findings(diff.unchanged),
    )


def _scan_or_latest(store: ScanStore, scan_id: int | None) -> ScanRecord:
    if scan_id is not None:
        return store.get(scan_id)
    latest = store.latest()
    if latest is None:
        raise InputError(f"{store.path}: the history holds no scans yet (run 'overgrant scan')")
    return latest


__all__ = [
    "COMPARISON_FORMAT",
    "Comparison",
    "compare_scans",
    "compare_with_baseline",
    "comparison_to_json",
    "sort_findings",
]
