"""Folding a stream of CloudTrail events into usage records, windows and notes.

:class:`UsageAccumulator` takes events one at a time, from files or from ``LookupEvents``, and
keeps only aggregates: one counter per ``(identity, action, resource)``, one time span per
``(source, account, region)``, and bounded tallies for the notes. Memory grows with the number
of distinct uses, never with the number of events (a busy account logs millions).

What is not usage is said so, not dropped silently: calls the caller was not allowed to make
(``AccessDenied``) are tallied and listed in the notes, as are events from AWS services and
other callers that are no identity of the inventory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from overgrant.catalogs.cloudtrail import CloudTrailMapping
from overgrant.model import Cloud, IdentityId, Inventory, JsonValue, ScopeId
from overgrant.remediation.evidence.callers import IdentityIndex
from overgrant.usage import EvidenceWindow, UsageEvidence, UsageRecord

_MAX_LISTED = 10
"""Notes name at most this many principals or denied calls, then say how many more."""
_MAX_TRACKED = 10_000
"""Distinct keys kept per tally of the notes; beyond it only the total grows."""

# Errors raised before authorization: no permission was checked, so nothing was used.
_UNAUTHENTICATED = frozenset(
    {
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "MissingAuthenticationToken",
        "IncompleteSignature",
        "InvalidAccessKeyId",
        "AuthFailure",
    }
)


@dataclass(slots=True)
class _Span:
    first: str
    last: str
    count: int = 0
    data_events: set[str] = field(default_factory=set)

    def see(self, when: str) -> None:
        self.count += 1
        if when < self.first:
            self.first = when
        if when > self.last:
            self.last = when


@dataclass(slots=True)
class _Use:
    count: int
    first: str
    last: str


@dataclass(slots=True)
class _Tally:
    """A bounded counter: the first ``_MAX_TRACKED`` keys are counted, the rest only summed."""

    counts: Counter[str] = field(default_factory=Counter)
    last: dict[str, str] = field(default_factory=dict)
    overflow: int = 0

    def add(self, key: str, when: str = "") -> None:
        if key in self.counts or len(self.counts) < _MAX_TRACKED:
            self.counts[key] += 1
            if when > self.last.get(key, ""):
                self.last[key] = when
        else:
            self.overflow += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.overflow


class UsageAccumulator:
    """Aggregates CloudTrail events into :class:`~overgrant.usage.UsageEvidence`.

    Args:
        inventory: the estate; callers are resolved to its identities.
        mapping: the event-to-permission rules.
    """

    def __init__(self, inventory: Inventory, mapping: CloudTrailMapping) -> None:
        self._index = IdentityIndex(inventory)
        self._mapping = mapping
        self._uses: dict[tuple[str, IdentityId, str, str], _Use] = {}
        self._spans: dict[tuple[str, str, str], _Span] = {}
        self._denied = _Tally()
        self._skipped = _Tally()
        self._unknown = _Tally()
        self._malformed = 0
        self._unauthenticated = 0
        self.events = 0
        """Events seen, of every kind."""
        self.notes: list[str] = []
        """Notes added by the caller (unreadable files, failed regions...), kept in order."""

    def add(self, event: Mapping[str, JsonValue], source: str) -> None:
        """Take one CloudTrail record.

        Args:
            event: one element of a log file's ``Records`` (or a parsed ``CloudTrailEvent``).
            source: the evidence source it came from (``cloudtrail-files``...).
        """
        self.events += 1
        when = _event_time(event.get("eventTime"))
        account, region = event.get("recipientAccountId"), event.get("awsRegion")
        if when is None or not isinstance(account, str) or not isinstance(region, str):
            self._malformed += 1
            return
        span = self._span(source, account, region, when)
        if _is_data_event(event):
            event_source = event.get("eventSource")
            if isinstance(event_source, str):
                span.data_events.add(self._mapping.data_event_service(event_source))
        event_type = event.get("eventType")
        if isinstance(event_type, str) and event_type in self._mapping.skipped_event_types:
            self._skipped.add(f"{event_type} events")
            return
        caller = self._index.resolve(event.get("userIdentity"))
        if caller.identity is None:
            tally = self._unknown if caller.skipped.startswith("not in") else self._skipped
            tally.add(caller.skipped)
            return
        error = event.get("errorCode")
        if isinstance(error, str) and error in self._mapping.denied_errors:
            action = self._mapping.event_action(
                str(event.get("eventSource", "")), str(event.get("eventName", ""))
            )
            self._denied.add(f"{caller.identity} {action} ({error})", when)
            return
        if isinstance(error, str) and error in _UNAUTHENTICATED:
            self._unauthenticated += 1
            return
        for action, resource in self._mapping.actions_for(event):
            self._use(
                source, caller.identity, action, self._index.canonical_resource(resource), when
            )

    def _span(self, source: str, account: str, region: str, when: str) -> _Span:
        key = (source, account, region)
        span = self._spans.get(key)
        if span is None:
            span = _Span(first=when, last=when)
            self._spans[key] = span
        span.see(when)
        return span

    def _use(
        self, source: str, identity: IdentityId, action: str, resource: str, when: str
    ) -> None:
        key = (source, identity, action, resource)
        use = self._uses.get(key)
        if use is None:
            self._uses[key] = _Use(1, when, when)
            return
        use.count += 1
        if when < use.first:
            use.first = when
        if when > use.last:
            use.last = when

    def cover(self, window: EvidenceWindow) -> None:
        """Record a window the caller knows (a region ``LookupEvents`` read in full)."""
        for region in window.regions or ("",):
            key = (window.source, str(window.scope), region)
            span = self._spans.get(key)
            first, last = _stamp(window.start), _stamp(window.end)
            if span is None:
                self._spans[key] = _Span(
                    first=first, last=last, data_events=set(window.data_events)
                )
            else:
                span.first, span.last = min(span.first, first), max(span.last, last)

    def evidence(self) -> UsageEvidence:
        """Everything gathered so far, as neutral usage evidence (records sorted)."""
        records = tuple(
            UsageRecord(
                cloud=Cloud.AWS,
                identity=identity,
                action=action,
                resource=resource,
                first_seen=_parse(use.first),
                last_seen=_parse(use.last),
                count=use.count,
                source=source,
            )
            for (source, identity, action, resource), use in sorted(
                self._uses.items(), key=lambda item: item[0]
            )
        )
        windows = tuple(
            EvidenceWindow(
                cloud=Cloud.AWS,
                source=source,
                scope=ScopeId(account),
                start=_parse(span.first),
                end=_parse(span.last),
                regions=(region,) if region else (),
                data_events=tuple(sorted(span.data_events)),
            )
            for (source, account, region), span in sorted(self._spans.items())
        )
        return UsageEvidence(
            records=records,
            windows=windows,
            blind_spots=self._common_blind_spots(windows),
            notes=(*self.notes, *self._notes()),
        )

    def _common_blind_spots(self, windows: tuple[EvidenceWindow, ...]) -> tuple[str, ...]:
        """Patterns blind in every window: what no source here could show at all."""
        if not windows:
            return self._mapping.never_logged
        common = dict.fromkeys(self._mapping.blind_spots(windows[0]))
        for window in windows[1:]:
            spots = set(self._mapping.blind_spots(window))
            common = {pattern: None for pattern in common if pattern in spots}
        return tuple(common)

    def _notes(self) -> list[str]:
        notes: list[str] = []
        if self._denied.total:
            notes.append(
                f"{self._denied.total} denied calls are not usage (the permission was not "
                f"held): {_listed(self._denied)}"
            )
        if self._unknown.total:
            notes.append(
                f"{self._unknown.total} events by callers the inventory lacks were not "
                f"counted: {_listed(self._unknown)}"
            )
        if self._skipped.total:
            notes.append(
                f"{self._skipped.total} events by no IAM identity were skipped: "
                f"{_listed(self._skipped)}"
            )
        if self._malformed:
            notes.append(
                f"{self._malformed} events without eventTime, awsRegion or recipientAccountId "
                "were skipped"
            )
        if self._unauthenticated:
            notes.append(
                f"{self._unauthenticated} calls failed authentication (no permission was "
                "checked) and are not usage"
            )
        return notes


def _listed(tally: _Tally) -> str:
    ranked = sorted(tally.counts.items(), key=lambda item: (-item[1], item[0]))
    shown = [
        f"{key} ×{count}" + (f" (last {tally.last[key]})" if key in tally.last else "")
        for key, count in ranked[:_MAX_LISTED]
    ]
    hidden = len(ranked) - _MAX_LISTED + (1 if tally.overflow else 0)
    return "; ".join(shown) + (f"; and {hidden} more" if hidden > 0 else "")


def _is_data_event(event: Mapping[str, JsonValue]) -> bool:
    # eventCategory is in every record since 2021; managementEvent=false says it in older ones
    # (CloudTrail record contents for management, data, and network activity events).
    category = event.get("eventCategory")
    if isinstance(category, str):
        return category == "Data"
    return event.get("managementEvent") is False


def _event_time(value: JsonValue) -> str | None:
    """The event time as ``YYYY-MM-DDTHH:MM:SSZ`` text, which sorts like the instants it names."""
    if not isinstance(value, str):
        return None
    if len(value) == 20 and value[10] == "T" and value.endswith("Z"):
        return value  # CloudTrail's own format, the common case: no parsing per event
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return _stamp(parsed)


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
