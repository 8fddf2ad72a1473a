"""Live usage evidence from AWS: CloudTrail Event history and IAM Access Advisor.

Two readers, each returning what it could read and, separately, what it could not:

* :func:`fetch_cloudtrail_events` pages through ``cloudtrail:LookupEvents`` region by region
  and hands each event's record (the ``CloudTrailEvent`` text, parsed) to a sink, so that no
  list of events is ever built. Event history holds management events of the last 90 days and
  no data events (AWS CloudTrail User Guide: "Working with CloudTrail Event history"); the
  windows it returns say so (``data_events`` empty). A region that fails part-way covers only
  the period its pages reached (events come newest first), and the failure is a coverage gap.
* :func:`fetch_access_advisor` asks IAM for service and action last-accessed data
  (``GenerateServiceLastAccessedDetails`` with ``Granularity=ACTION_LEVEL``, then
  ``GetServiceLastAccessedDetails`` until the job completes, with growing pauses) and returns
  :class:`~overgrant.usage.ServiceAccess` records. An identity whose job was refused, failed or
  did not finish has no records and a note: absence of data is never reported as non-use.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import orjson
from botocore.exceptions import ClientError

from overgrant.collectors.aws.gaps import GapRecorder, gap_message
from overgrant.collectors.aws.session import AccountClients, client_config, identify_caller
from overgrant.model import Cloud, CoverageGap, IdentityId, JsonValue, ScopeId
from overgrant.usage import EvidenceWindow, ServiceAccess

LOOKUP_SOURCE = "cloudtrail-lookup"
EVENT_HISTORY_DAYS = 90
"""How far back CloudTrail Event history reaches."""
ACCESS_ADVISOR_TRACKING_DAYS = 400
"""IAM's tracking period for last-accessed data (IAM User Guide: "Refine permissions in AWS
using last accessed information")."""

EventSink = Callable[[dict[str, JsonValue]], None]
"""Receives each event's CloudTrail record, parsed from its ``CloudTrailEvent`` text."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LookupResult:
    """What :func:`fetch_cloudtrail_events` covered, and what it could not read."""

    account: str
    windows: tuple[EvidenceWindow, ...]
    """One per region, spanning the period its pages reached (management events only)."""
    events: int = 0
    gaps: tuple[CoverageGap, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessAdvisorResult:
    """Last-accessed records for the identities whose jobs completed, and notes for the rest."""

    services: tuple[ServiceAccess, ...]
    gaps: tuple[CoverageGap, ...] = ()
    notes: tuple[str, ...] = ()


def _clients(
    session: boto3.session.Session,
    regions: Sequence[str],
    endpoint_url: str | None,
    max_attempts: int,
) -> AccountClients:
    return AccountClients(
        session,
        regions=tuple(regions) or ("us-east-1",),
        endpoint_url=endpoint_url,
        config=client_config(max_attempts),
    )


def fetch_cloudtrail_events(
    session: boto3.session.Session,
    sink: EventSink,
    *,
    regions: Sequence[str],
    start: datetime,
    end: datetime,
    account: str | None = None,
    endpoint_url: str | None = None,
    max_attempts: int = 10,
) -> LookupResult:
    """Read CloudTrail Event history of one account in each region, event by event.

    Args:
        session: credentials for the account.
        sink: called with each event's record (newest first within a region).
        regions: the regions to read; each is a separate history.
        start: the earliest event time wanted; moved to ``end`` minus 90 days if older.
        end: the latest event time wanted.
        account: the account id; asked of STS when not given.
        endpoint_url: send calls to this URL (an emulator).
        max_attempts: attempts per call (adaptive retries absorb LookupEvents' 2 calls per
            second limit).
    """
    clients = _clients(session, regions, endpoint_url, max_attempts)
    account = account or identify_caller(clients.client("sts")).account
    notes: list[str] = []
    earliest = end - timedelta(days=EVENT_HISTORY_DAYS)
    if start < earliest:
        notes.append(
            f"account {account}: Event history keeps {EVENT_HISTORY_DAYS} days; read from "
            f"{earliest:%Y-%m-%d} instead of {start:%Y-%m-%d}"
        )
        start = earliest
    gaps = GapRecorder(account)
    windows: list[EvidenceWindow] = []
    total = 0
    for region in clients.regions:
        reached, count, failed = _lookup_region(
            clients.client("cloudtrail", region), sink, start, end
        )
        total += count
        if failed is not None:
            gaps.record("cloudtrail:LookupEvents", f"usage evidence ({region})", failed)
            if reached is None:
                notes.append(
                    f"account {account} {region}: Event history unreadable "
                    f"({gap_message(failed)}); no evidence from this region"
                )
                continue
            notes.append(
                f"account {account} {region}: Event history read only back to "
                f"{reached:%Y-%m-%d %H:%M} ({gap_message(failed)})"
            )
        windows.append(
            EvidenceWindow(
                cloud=Cloud.AWS,
                source=LOOKUP_SOURCE,
                scope=ScopeId(account),
                start=start if failed is None else (reached or start),
                end=end,
                regions=(region,),
                data_events=(),
            )
        )
    return LookupResult(
        account=account, windows=tuple(windows), events=total, gaps=gaps.gaps(), notes=tuple(notes)
    )


def _lookup_region(
    client: Any, sink: EventSink, start: datetime, end: datetime
) -> tuple[datetime | None, int, ClientError | None]:
    """Page through one region: ``(oldest time reached, events, error)``."""
    params: dict[str, Any] = {"StartTime": start, "EndTime": end, "MaxResults": 50}
    reached: datetime | None = None
    count = 0
    while True:
        try:
            page = client.lookup_events(**params)
        except ClientError as error:
            return reached, count, error
        for event in page.get("Events", []):
            text = event.get("CloudTrailEvent")
            if isinstance(text, str):
                record = orjson.loads(text)
                if isinstance(record, dict):
                    sink(record)
                    count += 1
            when = event.get("EventTime")
            if isinstance(when, datetime):
                reached = when if reached is None else min(reached, when)
        token = page.get("NextToken")
        if not token:
            return reached or end, count, None
        params["NextToken"] = token


def fetch_access_advisor(
    session: boto3.session.Session,
    identities: Sequence[str],
    *,
    endpoint_url: str | None = None,
    max_attempts: int = 10,
    first_pause: float = 1.0,
    longest_pause: float = 30.0,
    give_up_after: float = 600.0,
    sleep: Callable[[float], None] = time.sleep,
) -> AccessAdvisorResult:
    """Service- and action-level last-accessed data for IAM users and roles.

    Every job is started first (IAM runs them side by side), then each is polled with pauses
    that double from ``first_pause`` up to ``longest_pause``, for at most ``give_up_after``
    seconds of pauses per job.

    Args:
        session: credentials allowed ``iam:GenerateServiceLastAccessedDetails`` and
            ``iam:GetServiceLastAccessedDetails``.
        identities: ARNs of the users and roles to report on.
    """
    iam = _clients(session, ("us-east-1",), endpoint_url, max_attempts).client("iam")
    recorders: dict[str, GapRecorder] = {}
    notes: list[str] = []
    jobs: list[tuple[str, str]] = []
    for arn in identities:
        recorder = recorders.setdefault(_account_of(arn), GapRecorder(_account_of(arn)))
        reply = recorder.call_for(
            "iam:GenerateServiceLastAccessedDetails",
            "last-accessed data",
            arn,
            iam.generate_service_last_accessed_details,
            Arn=arn,
            Granularity="ACTION_LEVEL",
        )
        if reply is None:
            notes.append(f"{arn}: Access Advisor refused the report; no last-accessed data")
        else:
            jobs.append((arn, str(reply["JobId"])))
    services: list[ServiceAccess] = []
    for arn, job in jobs:
        recorder = recorders[_account_of(arn)]
        pages, problem = _job_pages(iam, job, first_pause, longest_pause, give_up_after, sleep)
        if problem is not None:
            if isinstance(problem, ClientError):
                recorder.record(
                    "iam:GetServiceLastAccessedDetails", "last-accessed data", problem, target=arn
                )
                problem = gap_message(problem)
            notes.append(f"{arn}: no last-accessed data ({problem})")
            continue
        for page in pages:
            services.extend(_service_records(arn, page))
    gaps = tuple(gap for recorder in recorders.values() for gap in recorder.gaps())
    return AccessAdvisorResult(services=tuple(services), gaps=gaps, notes=tuple(notes))


def _job_pages(
    iam: Any,
    job: str,
    first_pause: float,
    longest_pause: float,
    give_up_after: float,
    sleep: Callable[[float], None],
) -> tuple[list[dict[str, Any]], str | ClientError | None]:
    """The pages of a completed job, or why there are none."""
    pause, waited = first_pause, 0.0
    params: dict[str, Any] = {"JobId": job}
    pages: list[dict[str, Any]] = []
    while True:
        try:
            page = iam.get_service_last_accessed_details(**params)
        except ClientError as error:
            return [], error
        status = page.get("JobStatus")
        if status == "FAILED":
            detail = page.get("Error") or {}
            reason = f"{detail.get('Code', '')} {detail.get('Message', '')}".strip()
            return [], f"the job failed: {reason}"
        if status == "IN_PROGRESS":
            if waited >= give_up_after:
                return [], f"the job did not complete within {give_up_after:g} s"
            sleep(pause)
            waited += pause
            pause = min(pause * 2, longest_pause)
            continue
        pages.append(page)
        if not page.get("IsTruncated"):
            return pages, None
        params["Marker"] = page["Marker"]


def _service_records(arn: str, page: dict[str, Any]) -> list[ServiceAccess]:
    records: list[ServiceAccess] = []
    identity = IdentityId(arn)
    for entry in page.get("ServicesLastAccessed", []):
        namespace = str(entry["ServiceNamespace"])
        records.append(
            ServiceAccess(
                cloud=Cloud.AWS,
                identity=identity,
                service=namespace,
                last_accessed=_utc(entry.get("LastAuthenticated")),
                tracking_days=ACCESS_ADVISOR_TRACKING_DAYS,
            )
        )
        for tracked in entry.get("TrackedActionsLastAccessed", []) or []:
            name = str(tracked.get("ActionName", ""))
            if not name:
                continue
            records.append(
                ServiceAccess(
                    cloud=Cloud.AWS,
                    identity=identity,
                    service=namespace,
                    action=name if ":" in name else f"{namespace}:{name}",
                    last_accessed=_utc(tracked.get("LastAccessedTime")),
                    tracking_days=ACCESS_ADVISOR_TRACKING_DAYS,
                )
            )
    return records


def _utc(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 and parts[4] else "unknown"
