"""Live usage evidence through boto3: CloudTrail Event history and IAM Access Advisor.

moto answers neither API, so the shim answers them in the real wire formats (CloudTrail: JSON
1.1 with ``X-Amz-Target``; IAM: query protocol with XML replies), shaped after botocore's
service models; STS (who the caller is) goes through to moto.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from overgrant.catalogs.cloudtrail import load_cloudtrail_mapping
from overgrant.collectors.aws.usage import fetch_access_advisor, fetch_cloudtrail_events
from overgrant.model import Cloud, GapReason, Identity, IdentityId, IdentityKind, Inventory, ScopeId
from overgrant.remediation.evidence import read_access_advisor, read_event_history

from .harness import Moto
from .shim import ShimRequest, ShimResponse, ShimServer, json_error, json_reply, query_error

ACCOUNT = "123456789012"  # moto's default account
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
# X-Amz-Target: the service model's targetPrefix, a dot, the operation.
LOOKUP = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
END = datetime(2026, 11, 20, tzinfo=UTC)
START = END - timedelta(days=30)


def _region(request: ShimRequest) -> str:
    match = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", request.headers.get("authorization", ""))
    return match.group(1) if match else ""


def _cloudtrail_event(name: str, when: datetime, region: str, **params: Any) -> dict[str, Any]:
    record = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s",
            "accountId": ACCOUNT,
            "sessionContext": {"sessionIssuer": {"type": "Role", "arn": ROLE}},
        },
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "ec2.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "requestParameters": params or None,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    # LookupEvents' Event shape: the record travels as text in CloudTrailEvent.
    return {
        "EventId": f"{name}-{when.timestamp():.0f}",
        "EventName": name,
        "ReadOnly": "true",
        "EventTime": when.timestamp(),
        "EventSource": "ec2.amazonaws.com",
        "Username": "s",
        "Resources": [],
        "CloudTrailEvent": json.dumps(record),
    }


class EventHistory:
    """Answers LookupEvents per region from pages, remembering every request body."""

    def __init__(self, pages: dict[str, list[ShimResponse | list[dict[str, Any]]]]) -> None:
        self.pages = pages
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()

    def __call__(self, request: ShimRequest) -> ShimResponse:
        region, body = _region(request), request.json()
        assert isinstance(body, dict)
        with self._lock:
            self.requests.append((region, body))
        index = int(str(body.get("NextToken", "page-0")).removeprefix("page-"))
        pages = self.pages.get(region, [[]])
        page = pages[index]
        if isinstance(page, ShimResponse):
            return page
        reply: dict[str, Any] = {"Events": page}
        if index + 1 < len(pages):
            reply["NextToken"] = f"page-{index + 1}"
        return json_reply(reply)


def _inventory() -> Inventory:
    return Inventory(
        identities=(
            Identity(
                id=IdentityId(ROLE),
                cloud=Cloud.AWS,
                kind=IdentityKind.ROLE,
                name="app",
                container=ScopeId(ACCOUNT),
            ),
        )
    )


def test_event_history_is_read_page_by_page_in_each_region(moto: Moto, shim: ShimServer) -> None:
    eu = "eu-west-1"
    history = EventHistory(
        {
            eu: [
                [_cloudtrail_event("StopInstances", END - timedelta(days=1), eu)],
                [
                    _cloudtrail_event("StopInstances", END - timedelta(days=9), eu),
                    _cloudtrail_event("DescribeVpcs", END - timedelta(days=20), eu),
                ],
            ],
            "us-east-1": [[]],
        }
    )
    shim.shim.on_target(LOOKUP, history)

    evidence = read_event_history(
        moto.session(),
        _inventory(),
        load_cloudtrail_mapping(),
        regions=(eu, "us-east-1"),
        start=START,
        end=END,
        endpoint_url=shim.endpoint,
        max_attempts=1,
    )

    assert [(r.action, r.count, r.source) for r in evidence.records] == [
        ("ec2:DescribeVpcs", 1, "cloudtrail-lookup"),
        ("ec2:StopInstances", 2, "cloudtrail-lookup"),
    ]
    stop = evidence.records[1]
    assert (stop.first_seen, stop.last_seen) == (END - timedelta(days=9), END - timedelta(days=1))
    # Each region read in full covers the whole period, events or not, without data events.
    assert [(w.regions, w.start, w.end, w.data_events) for w in evidence.windows] == [
        ((eu,), START, END, ()),
        (("us-east-1",), START, END, ()),
    ]
    assert evidence.notes == ()
    first = history.requests[0][1]
    assert (first["StartTime"], first["EndTime"]) == (START.timestamp(), END.timestamp())
    assert [(region, body.get("NextToken")) for region, body in history.requests] == [
        (eu, None),
        (eu, "page-1"),
        ("us-east-1", None),
    ]


def test_a_refused_or_throttled_region_is_a_gap_never_a_quiet_region(
    moto: Moto, shim: ShimServer
) -> None:
    eu, us = "eu-west-1", "us-east-1"
    reached = END - timedelta(days=4)
    history = EventHistory(
        {
            us: [json_error("AccessDeniedException", "not authorized", status=400)],
            eu: [
                [_cloudtrail_event("StopInstances", reached, eu)],
                json_error("ThrottlingException", "Rate exceeded"),
            ],
        }
    )
    shim.shim.on_target(LOOKUP, history)
    events: list[dict[str, Any]] = []

    result = fetch_cloudtrail_events(
        moto.session(),
        events.append,
        regions=(us, eu),
        start=START,
        end=END,
        endpoint_url=shim.endpoint,
        max_attempts=1,
    )

    assert len(events) == 1 and result.account == ACCOUNT
    # Only eu-west-1 has a window, and it reaches back only as far as its pages did.
    assert [(w.regions, w.start) for w in result.windows] == [((eu,), reached)]
    assert {(g.operation, g.reason) for g in result.gaps} == {
        ("cloudtrail:LookupEvents", GapReason.ACCESS_DENIED),
        ("cloudtrail:LookupEvents", GapReason.THROTTLED),
    }
    assert any(
        n.startswith(f"account {ACCOUNT} {us}: Event history unreadable") for n in result.notes
    )
    assert any(f"{eu}: Event history read only back to" in n for n in result.notes)


def test_event_history_reaches_back_ninety_days_only(moto: Moto, shim: ShimServer) -> None:
    history = EventHistory({"eu-west-1": [[]]})
    shim.shim.on_target(LOOKUP, history)

    result = fetch_cloudtrail_events(
        moto.session(),
        lambda _: None,
        regions=("eu-west-1",),
        start=END - timedelta(days=200),
        end=END,
        account=ACCOUNT,
        endpoint_url=shim.endpoint,
        max_attempts=1,
    )

    assert result.windows[0].start == END - timedelta(days=90)
    assert history.requests[0][1]["StartTime"] == (END - timedelta(days=90)).timestamp()
    assert "Event history keeps 90 days" in result.notes[0]


# -- Access Advisor ---------------------------------------------------------------------------

_NS = 'xmlns="https://iam.amazonaws.com/doc/2010-05-08/"'


def _xml(operation: str, result: str) -> ShimResponse:
    body = (
        f"<{operation}Response {_NS}><{operation}Result>{result}</{operation}Result>"
        f"<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></{operation}Response>"
    )
    return ShimResponse(200, body.encode(), "text/xml")


def _service(namespace: str, last: str | None, actions: dict[str, str | None]) -> str:
    tracked = "".join(
        f"<member><ActionName>{name}</ActionName>"
        + (
            f"<LastAccessedTime>{when}</LastAccessedTime>"
            f"<LastAccessedRegion>eu-west-1</LastAccessedRegion>"
            if when
            else ""
        )
        + "</member>"
        for name, when in actions.items()
    )
    return (
        f"<member><ServiceName>{namespace} service</ServiceName>"
        f"<ServiceNamespace>{namespace}</ServiceNamespace>"
        + (
            f"<LastAuthenticated>{last}</LastAuthenticated>"
            f"<LastAuthenticatedEntity>{ROLE}</LastAuthenticatedEntity>"
            if last
            else ""
        )
        + f"<TotalAuthenticatedEntities>{1 if last else 0}</TotalAuthenticatedEntities>"
        + (f"<TrackedActionsLastAccessed>{tracked}</TrackedActionsLastAccessed>" if tracked else "")
        + "</member>"
    )


def _details(status: str, services: str = "", marker: str | None = None) -> ShimResponse:
    truncated = (
        f"<IsTruncated>true</IsTruncated><Marker>{marker}</Marker>"
        if marker
        else ("<IsTruncated>false</IsTruncated>")
    )
    return _xml(
        "GetServiceLastAccessedDetails",
        f"<JobStatus>{status}</JobStatus><JobType>ACTION_LEVEL</JobType>"
        "<JobCreationDate>2026-11-20T10:00:00Z</JobCreationDate>"
        f"<ServicesLastAccessed>{services}</ServicesLastAccessed>"
        "<JobCompletionDate>2026-11-20T10:00:05Z</JobCompletionDate>" + truncated,
    )


def _job(arn: str) -> str:
    """A job id of the real length (36 characters), fixed per identity."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, arn))


def _generate(requests: list[dict[str, str]], refuse: str | None = None) -> Callable[..., Any]:
    def handler(request: ShimRequest) -> ShimResponse:
        requests.append(request.form)
        if request.form.get("Arn") == refuse:
            return query_error("AccessDenied", "not authorized", status=403)
        job = _job(request.form["Arn"])
        return _xml("GenerateServiceLastAccessedDetails", f"<JobId>{job}</JobId>")

    return handler


def test_access_advisor_polls_until_complete_and_reads_every_page(
    moto: Moto, shim: ShimServer
) -> None:
    generated: list[dict[str, str]] = []
    polls: list[dict[str, str]] = []
    answers = iter(
        [
            _details("IN_PROGRESS"),
            _details("IN_PROGRESS"),
            _details(
                "COMPLETED",
                _service(
                    "s3",
                    "2026-11-18T08:00:00Z",
                    {"GetObject": "2026-11-18T08:00:00Z", "PutObject": None},
                ),
                marker="m-1",
            ),
            _details("COMPLETED", _service("iam", None, {})),
        ]
    )

    def details(request: ShimRequest) -> ShimResponse:
        polls.append(request.form)
        return next(answers)

    shim.shim.on_action("GenerateServiceLastAccessedDetails", _generate(generated))
    shim.shim.on_action("GetServiceLastAccessedDetails", details)
    pauses: list[float] = []

    result = fetch_access_advisor(
        moto.session(),
        [ROLE],
        endpoint_url=shim.endpoint,
        max_attempts=1,
        first_pause=0.5,
        sleep=pauses.append,
    )

    assert [(g["Arn"], g["Granularity"]) for g in generated] == [(ROLE, "ACTION_LEVEL")]
    assert [p.get("Marker") for p in polls] == [None, None, None, "m-1"]
    assert pauses == [0.5, 1.0]
    seen = datetime(2026, 11, 18, 8, tzinfo=UTC)
    assert [(s.service, s.action, s.last_accessed) for s in result.services] == [
        ("s3", None, seen),
        ("s3", "s3:GetObject", seen),
        ("s3", "s3:PutObject", None),  # tracked, never used in the tracking period
        ("iam", None, None),
    ]
    assert all(s.identity == ROLE and s.tracking_days == 400 for s in result.services)
    assert result.notes == () and result.gaps == ()


def test_access_advisor_failures_are_notes_and_gaps_not_silence(
    moto: Moto, shim: ShimServer
) -> None:
    refused, failing, slow = (f"arn:aws:iam::{ACCOUNT}:role/{n}" for n in ("a", "b", "c"))
    generated: list[dict[str, str]] = []

    def details(request: ShimRequest) -> ShimResponse:
        if request.form["JobId"] == _job(failing):
            return _xml(
                "GetServiceLastAccessedDetails",
                "<JobStatus>FAILED</JobStatus><JobCreationDate>2026-11-20T10:00:00Z"
                "</JobCreationDate><ServicesLastAccessed></ServicesLastAccessed>"
                "<JobCompletionDate>2026-11-20T10:00:01Z</JobCompletionDate>"
                "<Error><Message>internal</Message><Code>ServiceFailure</Code></Error>",
            )
        return _details("IN_PROGRESS")

    shim.shim.on_action("GenerateServiceLastAccessedDetails", _generate(generated, refuse=refused))
    shim.shim.on_action("GetServiceLastAccessedDetails", details)

    result = fetch_access_advisor(
        moto.session(),
        [refused, failing, slow],
        endpoint_url=shim.endpoint,
        max_attempts=1,
        first_pause=1,
        longest_pause=2,
        give_up_after=5,
        sleep=lambda _: None,
    )

    assert result.services == ()
    assert result.notes == (
        f"{refused}: Access Advisor refused the report; no last-accessed data",
        f"{failing}: no last-accessed data (the job failed: ServiceFailure internal)",
        f"{slow}: no last-accessed data (the job did not complete within 5 s)",
    )
    assert [(g.operation, g.reason) for g in result.gaps] == [
        ("iam:GenerateServiceLastAccessedDetails", GapReason.ACCESS_DENIED)
    ]
    assert refused in result.gaps[0].affects


def test_access_advisor_through_the_evidence_api(moto: Moto, shim: ShimServer) -> None:
    shim.shim.on_action("GenerateServiceLastAccessedDetails", _generate([]))
    shim.shim.on_action(
        "GetServiceLastAccessedDetails",
        lambda _: _details("COMPLETED", _service("ec2", "2026-11-01T00:00:00Z", {})),
    )
    evidence = read_access_advisor(
        moto.session(), [ROLE], endpoint_url=shim.endpoint, max_attempts=1
    )
    assert [(s.service, s.last_accessed) for s in evidence.services] == [
        ("ec2", datetime(2026, 11, 1, tzinfo=UTC))
    ]
    assert evidence.records == () and evidence.windows == ()


@pytest.fixture(autouse=True)
def _fast_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
