"""CloudTrail event records and log file names, in the shape CloudTrail delivers them to S3.

A record carries the fields of the CloudTrail record contents reference (``eventVersion``,
``userIdentity`` of type ``AssumedRole`` with its ``sessionContext.sessionIssuer``,
``eventTime``, ``eventSource``, ``eventName``, ``awsRegion``, ``sourceIPAddress``,
``userAgent``, ``requestParameters``, ``responseElements``, ``requestID``, ``eventID``,
``readOnly``, ``resources`` where CloudTrail lists them, ``eventType``, ``managementEvent``,
``recipientAccountId``, ``eventCategory``, ``tlsDetails``). Log files are named
``<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 characters>.json.gz`` under
``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ctgen_events import LOGGED, is_data_event, visibility
from ctgen_usage import RoleFacts, UsedPair

_UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_HEX = "0123456789abcdef"
EVENT_VERSION = "1.09"
_AGENTS = {
    "lambda.amazonaws.com": "Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.10.219 "
    "md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 "
    "cfg/retry-mode#legacy Botocore/1.34.84",
    "ecs-tasks.amazonaws.com": "aws-sdk-java/2.25.40 Linux/5.10.216 OpenJDK_64-Bit_Server_VM/"
    "21.0.3+9-LTS Java/21.0.3 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync "
    "http/Apache cfg/retry-mode/legacy",
    "ec2.amazonaws.com": "aws-cli/2.15.40 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.84 "
    "md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard "
    "md/installer#exe md/distrib#amzn.2023 md/prompt#off md/command#s3.cp",
}
_DEFAULT_AGENT = "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64"


def uuid_text(rng: random.Random) -> str:
    """A version-4-looking UUID from the seeded stream."""
    digits = f"{rng.getrandbits(128):032x}"
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-a{digits[17:20]}-{digits[20:]}"


def iso(moment: datetime) -> str:
    """``2025-06-01T12:00:00Z``, as CloudTrail writes ``eventTime``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class Caller:
    """How one role shows up in its events: session, keys, addresses, SDK."""

    identity: dict[str, Any]
    ips: tuple[str, ...]
    agent: str


def session_name(rng: random.Random, facts: RoleFacts) -> str:
    """The role session name the role's usual caller picks."""
    if "lambda.amazonaws.com" in facts.trusted_services:
        return facts.name[:64]  # Lambda names the session after the function
    if "ec2.amazonaws.com" in facts.trusted_services:
        return "i-0" + "".join(rng.choice(_HEX) for _ in range(16))
    if "ecs-tasks.amazonaws.com" in facts.trusted_services:
        return "".join(rng.choice(_HEX) for _ in range(32))
    return f"botocore-session-{1_740_000_000 + rng.randrange(10_000_000)}"


def make_caller(
    rng: random.Random, facts: RoleFacts, role_path_arn: str, start: datetime
) -> Caller:
    """The role's ``userIdentity`` (one long-lived session, as a service keeps refreshing)."""
    session = session_name(rng, facts)
    identity = {
        "type": "AssumedRole",
        "principalId": f"{facts.role_id}:{session}",
        "arn": f"arn:aws:sts::{facts.account}:assumed-role/{facts.name}/{session}",
        "accountId": facts.account,
        "accessKeyId": "ASIA" + "".join(rng.choice(_UPPER_ALNUM) for _ in range(16)),
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": facts.role_id,
                "arn": role_path_arn,
                "accountId": facts.account,
                "userName": facts.name,
            },
            "attributes": {"creationDate": iso(start), "mfaAuthenticated": "false"},
        },
    }
    ips = tuple(
        f"{rng.choice((3, 18, 35, 52, 54))}.{rng.randrange(256)}.{rng.randrange(256)}."
        f"{rng.randrange(1, 255)}"
        for _ in range(rng.randint(1, 3))
    )
    agent = next((_AGENTS[s] for s in facts.trusted_services if s in _AGENTS), _DEFAULT_AGENT)
    return Caller(identity=identity, ips=ips, agent=agent)


def is_emitted(pair: UsedPair, data_events: tuple[str, ...]) -> bool:
    """Whether the trail records this pair's calls."""
    return visibility(pair.spec.action, data_events) == LOGGED


def _resources(pair: UsedPair, account: str) -> list[dict[str, str]] | None:
    kind = pair.spec.trail_type
    if kind is None:
        return None
    if kind == "AWS::S3::Object":
        bucket = pair.resource.split(":::", 1)[1].split("/", 1)[0]
        return [
            {"type": kind, "ARN": pair.resource},
            {"accountId": account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"},
        ]
    return [{"accountId": account, "type": kind, "ARN": pair.resource}]


def _response(pair: UsedPair, caller: Caller, rng: random.Random, when: datetime) -> Any:
    if pair.spec.action == "sts:AssumeRole":
        role_name = pair.resource.rsplit("/", 1)[-1]
        return {
            "credentials": {
                "accessKeyId": "ASIA" + "".join(rng.choice(_UPPER_ALNUM) for _ in range(16)),
                "sessionToken": "IQoJb3JpZ2luX2VjEDsaDGV1LWNlbnRyYWwtMSJHMEUCIQ",
                "expiration": when.strftime("%b %d, %Y, %I:%M:%S %p"),
            },
            "assumedRoleUser": {
                "assumedRoleId": "AROA"
                + "".join(rng.choice(_UPPER_ALNUM) for _ in range(17))
                + ":ci-deploy",
                "arn": f"arn:aws:sts::{pair.resource.split(':')[4]}:assumed-role/{role_name}/"
                "ci-deploy",
            },
        }
    return None


def _session(identity: dict[str, Any], when: datetime) -> dict[str, Any]:
    """The identity with the session that made the call: sessions renew every hour."""
    started = when.replace(minute=0, second=0)
    context = identity["sessionContext"]
    attributes = {"creationDate": iso(started), "mfaAuthenticated": "false"}
    return {**identity, "sessionContext": {**context, "attributes": attributes}}


def record(
    rng: random.Random,
    pair: UsedPair,
    caller: Caller,
    account: str,
    when: datetime,
    event_name: str,
) -> dict[str, Any]:
    """One CloudTrail record of one call."""
    spec = pair.spec
    data = is_data_event(spec.action)
    identity = _session(caller.identity, when)
    ip = rng.choice(caller.ips)
    agent = caller.agent
    if pair.invoked_by is not None:
        identity = {**identity, "invokedBy": pair.invoked_by}
        ip = agent = pair.invoked_by
    host = f"{spec.source.split('.')[0]}.{pair.region}.amazonaws.com"
    if spec.service == "s3" and pair.params is not None:
        host = str(pair.params.get("Host", host))
    event: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": identity,
        "eventTime": iso(when),
        "eventSource": spec.source,
        "eventName": event_name,
        "awsRegion": pair.region,
        "sourceIPAddress": ip,
        "userAgent": agent,
        "requestParameters": pair.params,
        "responseElements": _response(pair, caller, rng, when),
        "requestID": (
            "".join(rng.choice(_UPPER_ALNUM) for _ in range(16))
            if spec.service == "s3"
            else uuid_text(rng)
        ),
        "eventID": uuid_text(rng),
        "readOnly": spec.read_only,
    }
    resources = _resources(pair, account)
    if resources is not None:
        event["resources"] = resources
    event["eventType"] = "AwsApiCall"
    event["managementEvent"] = not data
    event["recipientAccountId"] = account
    event["eventCategory"] = "Data" if data else "Management"
    event["tlsDetails"] = {
        "tlsVersion": "TLSv1.3",
        "cipherSuite": "TLS_AES_128_GCM_SHA256",
        "clientProvidedHostHeader": host,
    }
    return event


def log_file_key(rng: random.Random, account: str, region: str, delivered: datetime) -> str:
    """Where CloudTrail puts a log file delivered at ``delivered``."""
    stamp = delivered.strftime("%Y%m%dT%H%MZ")
    suffix = "".join(rng.choice(_ALNUM) for _ in range(16))
    day = delivered.strftime("%Y/%m/%d")
    name = f"{account}_CloudTrail_{region}_{stamp}_{suffix}.json.gz"
    return f"AWSLogs/{account}/CloudTrail/{region}/{day}/{name}"
