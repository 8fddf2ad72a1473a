"""Usage evidence read live from AWS: CloudTrail Event history and IAM Access Advisor.

The collector (:mod:`overgrant.collectors.aws.usage`) makes the calls; this module feeds its
events through the same :class:`~overgrant.remediation.evidence.accumulate.UsageAccumulator`
as log files, so both sources mean the same thing by a record.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import boto3

from overgrant.catalogs.cloudtrail import CloudTrailMapping
from overgrant.collectors.aws.usage import (
    LOOKUP_SOURCE,
    fetch_access_advisor,
    fetch_cloudtrail_events,
)
from overgrant.model import CoverageGap, Inventory
from overgrant.remediation.evidence.accumulate import UsageAccumulator
from overgrant.usage import UsageEvidence


def read_event_history(
    session: boto3.session.Session,
    inventory: Inventory,
    mapping: CloudTrailMapping,
    *,
    regions: Sequence[str],
    start: datetime,
    end: datetime,
    endpoint_url: str | None = None,
    max_attempts: int = 10,
) -> UsageEvidence:
    """Usage evidence from one account's CloudTrail Event history (``LookupEvents``).

    Each region read in full is a window over ``[start, end]`` with no data events, whether
    or not it held events; a region that failed part-way covers only what its pages reached,
    and failures are listed in the notes.
    """
    accumulator = UsageAccumulator(inventory, mapping)
    result = fetch_cloudtrail_events(
        session,
        lambda record: accumulator.add(record, LOOKUP_SOURCE),
        regions=regions,
        start=start,
        end=end,
        endpoint_url=endpoint_url,
        max_attempts=max_attempts,
    )
    for window in result.windows:
        accumulator.cover(window)
    accumulator.notes.extend(result.notes)
    accumulator.notes.extend(_gap_notes(result.gaps))
    return accumulator.evidence()


def read_access_advisor(
    session: boto3.session.Session,
    identities: Sequence[str],
    *,
    endpoint_url: str | None = None,
    max_attempts: int = 10,
) -> UsageEvidence:
    """IAM last-accessed data for the given users and roles, as usage evidence."""
    result = fetch_access_advisor(
        session, identities, endpoint_url=endpoint_url, max_attempts=max_attempts
    )
    return UsageEvidence(services=result.services, notes=(*result.notes, *_gap_notes(result.gaps)))


def _gap_notes(gaps: Sequence[CoverageGap]) -> list[str]:
    return [
        f"account {gap.scope}: {gap.operation} {gap.reason.value} ({gap.message}); "
        f"missing: {gap.affects}"
        for gap in gaps
    ]
