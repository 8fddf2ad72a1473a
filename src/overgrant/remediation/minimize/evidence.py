"""Usage evidence arranged per identity and per account, with what each window could show.

A permission may be removed only when its use would have been visible: some window covering the
identity's account could show the action (:class:`Observability`) and that window is long
enough. Actions no window could show are *blind*; actions only short windows could show are
*short*. Both are kept and flagged, never removed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.bitset import bits_from_indices
from overgrant.model import Cloud, IdentityId, ScopeId
from overgrant.remediation.minimize.options import Observability
from overgrant.usage import EvidenceWindow, ServiceAccess, UsageEvidence, UsageRecord


def window_days(window: EvidenceWindow) -> float:
    """A window's length in days."""
    return (window.end - window.start).total_seconds() / 86400


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the evidence could show about one account."""

    account: str
    windows: tuple[EvidenceWindow, ...]
    window_bits: tuple[int, ...]
    """Per window, the catalog actions it could show."""
    min_days: int

    @property
    def start(self) -> datetime:
        """Earliest start of the windows."""
        return min(w.start for w in self.windows)

    @property
    def end(self) -> datetime:
        """Latest end of the windows."""
        return max(w.end for w in self.windows)

    @property
    def days(self) -> float:
        """Length of the longest single window, in days (windows are not stitched together)."""
        return max(window_days(w) for w in self.windows)

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources behind the windows, without repeats."""
        return tuple(dict.fromkeys(w.source for w in self.windows))

    @property
    def regions(self) -> tuple[str, ...]:
        """Regions covered; empty when some window covers every region."""
        if any(not w.regions for w in self.windows):
            return ()
        return tuple(sorted({r for w in self.windows for r in w.regions}))

    @property
    def observable(self) -> int:
        """Actions some window could show."""
        bits = 0
        for found in self.window_bits:
            bits |= found
        return bits

    @property
    def long_enough(self) -> int:
        """Actions some window of at least ``min_days`` could show: the removable ones."""
        bits = 0
        for window, found in zip(self.windows, self.window_bits, strict=True):
            if window_days(window) >= self.min_days:
                bits |= found
        return bits

    def describe(self, bits: int) -> str:
        """The evidence that shows ``bits`` were not used, in words, for a removal's reason."""
        showing = [
            w
            for w, found in zip(self.windows, self.window_bits, strict=True)
            if found & bits and window_days(w) >= self.min_days
        ]
        best = max(showing or self.windows, key=window_days)
        where = "all regions" if not best.regions else ", ".join(best.regions) + " only"
        return f"{window_days(best):.0f} days of {best.source} for {self.account} ({where})"


class UsageIndex:
    """The evidence by identity and account, and the actions each window could show."""

    def __init__(
        self,
        evidence: UsageEvidence,
        catalog: AwsCatalog,
        observability: Observability,
        min_window_days: int,
    ) -> None:
        """Index the AWS part of ``evidence``."""
        self.evidence = evidence
        self._catalog = catalog
        self._observability = observability
        self._min_days = min_window_days
        self._records: dict[IdentityId, list[UsageRecord]] = {}
        for record in evidence.records:
            if record.cloud is Cloud.AWS:
                self._records.setdefault(record.identity, []).append(record)
        self._services: dict[IdentityId, list[ServiceAccess]] = {}
        for access in evidence.services:
            if access.cloud is Cloud.AWS:
                self._services.setdefault(access.identity, []).append(access)
        self._windows: dict[str, list[EvidenceWindow]] = {}
        for window in evidence.windows:
            if window.cloud is Cloud.AWS:
                self._windows.setdefault(str(window.scope), []).append(window)
        self._window_bits: dict[EvidenceWindow, int] = {}
        self._coverage: dict[str, Coverage | None] = {}
        self._blind: int | None = None

    def records(self, identity: IdentityId) -> list[UsageRecord]:
        """Records of one identity."""
        return self._records.get(identity, [])

    def services(self, identity: IdentityId) -> list[ServiceAccess]:
        """Access Advisor entries of one identity."""
        return self._services.get(identity, [])

    def coverage(self, account: str) -> Coverage | None:
        """What the evidence could show about an account; ``None`` when nothing covers it."""
        if account not in self._coverage:
            windows = tuple(self._windows.get(account, ()))
            self._coverage[account] = (
                Coverage(account, windows, tuple(self._bits(w) for w in windows), self._min_days)
                if windows
                else None
            )
        return self._coverage[account]

    def _bits(self, window: EvidenceWindow) -> int:
        # Worked out once per kind of window over the whole catalog: per identity it is then one
        # AND. What a source can show depends on the source, period, regions and data events,
        # not on which account it covers: an organization trail's windows share one answer.
        key = replace(window, scope=ScopeId(""))
        found = self._window_bits.get(key)
        if found is None:
            size = self._catalog.size
            shown = (
                i
                for i in range(size)
                if self._observability.is_observable(self._catalog.name_at(i), window)
            )
            found = bits_from_indices(shown, size)
            self._window_bits[key] = found
        return found

    @property
    def blind_spots(self) -> int:
        """Actions the evidence itself says no source could show (``blind_spots``)."""
        if self._blind is None:
            self._blind = self._catalog.expand_all(self.evidence.blind_spots)
        return self._blind
