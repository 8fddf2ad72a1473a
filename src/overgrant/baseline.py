"""Baselines and diffs: which findings are new, fixed or unchanged since an earlier scan.

A baseline file is the list of findings a team has accepted (``overgrant scan --write-baseline``);
the gate fails only on findings whose fingerprints it does not hold. History (SQLite) gives the
same comparison against the previous scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from overgrant.codec import format_datetime
from overgrant.errors import InputError
from overgrant.fileio import load_json_file, write_atomic
from overgrant.findings import Finding, finding_from_json, finding_to_json

BASELINE_FORMAT = "overgrant-baseline"
BASELINE_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingDiff:
    """Findings of the current scan against an earlier one, matched by fingerprint."""

    new: tuple[Finding, ...]
    fixed: tuple[Finding, ...]
    """Findings of the earlier scan that the current one no longer reports."""
    unchanged: tuple[Finding, ...]


def diff_findings(earlier: Iterable[Finding], current: Iterable[Finding]) -> FindingDiff:
    """Compare two sets of findings by fingerprint (order and messages do not matter)."""
    before = {f.fingerprint: f for f in earlier}
    now = {f.fingerprint: f for f in current}
    return FindingDiff(
        new=tuple(f for fp, f in now.items() if fp not in before),
        fixed=tuple(f for fp, f in before.items() if fp not in now),
        unchanged=tuple(f for fp, f in now.items() if fp in before),
    )


def save_baseline(findings: Sequence[Finding], path: Path) -> None:
    """Write the findings as a baseline file, atomically."""
    document = {
        "format": BASELINE_FORMAT,
        "format_version": BASELINE_FORMAT_VERSION,
        "created_at": format_datetime(datetime.now(UTC)),
        "findings": [finding_to_json(f) for f in findings],
    }
    write_atomic(Path(path), orjson.dumps(document, option=orjson.OPT_INDENT_2))


def load_baseline(path: Path) -> tuple[Finding, ...]:
    """Read a baseline file; raises :class:`InputError` naming the file on any problem."""
    data = load_json_file(Path(path))
    if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT:
        raise InputError(
            f'{path}: not an overgrant baseline (expected "format": "{BASELINE_FORMAT}")'
        )
    if data.get("format_version") != BASELINE_FORMAT_VERSION:
        raise InputError(
            f"{path}: baseline format version {data.get('format_version')!r} is not supported"
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise InputError(f"{path}: /findings is not a list")
    result = []
    for index, item in enumerate(findings):
        try:
            result.append(finding_from_json(item))  # type: ignore[arg-type]
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}: /findings/{index} is not a valid finding ({exc})") from None
    return tuple(result)
