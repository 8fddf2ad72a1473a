"""Usage evidence in neutral terms: who did what, on which resource, and when.

Collectors and importers (CloudTrail files, CloudTrail ``LookupEvents``, IAM Access Advisor)
produce these records; remediation reads them. Nothing here knows a log format.

A record's absence means "not observed", never "not needed": what a source *could* have shown
is stated separately (:class:`EvidenceWindow` and :attr:`UsageEvidence.blind_spots`), so that a
permission is only removed when its use would have been visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from overgrant.model import Cloud, IdentityId, ScopeId


@dataclass(frozen=True, slots=True, kw_only=True)
class UsageRecord:
    """One identity used one permission on one resource, ``count`` times in ``[first, last]``."""

    cloud: Cloud
    identity: IdentityId
    """The identity as the inventory names it (a role's ARN, not its assumed-role session)."""
    action: str
    """The permission the call needed, ``service:Action`` as IAM spells it."""
    resource: str = "*"
    """The resource ARN the call touched, ``*`` when the event does not say."""
    first_seen: datetime
    last_seen: datetime
    count: int = 1
    source: str = ""
    """``cloudtrail-files``, ``cloudtrail-lookup``, ``access-advisor``..."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceAccess:
    """Access Advisor's answer for one identity and one service (or one action of it)."""

    cloud: Cloud
    identity: IdentityId
    service: str
    """The service namespace (``s3``, ``iam``)."""
    last_accessed: datetime | None
    """``None``: not accessed within the tracking period."""
    action: str | None = None
    """Set for action-level last-accessed data (IAM, EC2, Lambda, S3 and a few more)."""
    tracking_days: int = 400


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceWindow:
    """What one source covered: which accounts and regions, over which period."""

    cloud: Cloud
    source: str
    scope: ScopeId
    """The account (or subscription, project) the source covers."""
    start: datetime
    end: datetime
    regions: tuple[str, ...] = ()
    """Regions covered; empty means all regions (an organization or multi-region trail)."""
    data_events: tuple[str, ...] = ()
    """Services whose data events the source recorded (``s3``, ``lambda``, ``dynamodb``...)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UsageEvidence:
    """Everything known about usage, with the limits of what it could show."""

    records: tuple[UsageRecord, ...] = ()
    services: tuple[ServiceAccess, ...] = ()
    windows: tuple[EvidenceWindow, ...] = ()
    blind_spots: tuple[str, ...] = ()
    """Actions (patterns allowed: ``s3:GetObject``, ``sts:Get*``) that no source here could
    show; they are never removed for lack of evidence."""
    notes: tuple[str, ...] = field(default=())
    """Problems met while reading (skipped files, events without an identity...)."""

    def merge(self, other: UsageEvidence) -> UsageEvidence:
        """Both bodies of evidence together."""
        return UsageEvidence(
            records=self.records + other.records,
            services=self.services + other.services,
            windows=self.windows + other.windows,
            blind_spots=tuple(dict.fromkeys(self.blind_spots + other.blind_spots)),
            notes=self.notes + other.notes,
        )
