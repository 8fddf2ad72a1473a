"""What the history holds about one scan, as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from overgrant.codec import format_datetime
from overgrant.findings import Severity
from overgrant.model import JsonValue


class FindingState(StrEnum):
    """How a recorded finding stood in its scan."""

    ACTIVE = "active"
    BASELINED = "baselined"
    """Reported, but present in the baseline the scan was compared with (it never fails a gate)."""
    SUPPRESSED = "suppressed"
    """Silenced by a suppression in the repository's config."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanRecord:
    """One recorded scan: what was scanned, when, and how many findings of each severity."""

    id: int
    """Increases with every scan recorded in the same database."""
    source: str
    """What was scanned: a snapshot path relative to the repository, or ``sample``."""
    scanned_at: datetime
    recorded_at: datetime
    overgrant_version: str
    counts: Mapping[Severity, int] = field(default_factory=dict)
    """Active findings by severity (every severity present, zero included)."""
    suppressed: int = 0
    """Findings silenced by the config or present in the baseline."""
    coverage_gaps: int = 0

    @property
    def total(self) -> int:
        """The number of active findings."""
        return sum(self.counts.values())


def scan_record_to_json(record: ScanRecord) -> dict[str, JsonValue]:
    """The documented JSON form of a scan record (``overgrant diff --format json``)."""
    return {
        "id": record.id,
        "source": record.source,
        "scanned_at": format_datetime(record.scanned_at),
        "recorded_at": format_datetime(record.recorded_at),
        "overgrant_version": record.overgrant_version,
        "counts": {s.value: record.counts.get(s, 0) for s in Severity},
        "suppressed": record.suppressed,
        "coverage_gaps": record.coverage_gaps,
    }
