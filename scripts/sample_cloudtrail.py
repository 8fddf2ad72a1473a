"""Write the sample estate's CloudTrail logs (reproducible: same output on every run).

    python scripts/sample_cloudtrail.py [--out DIR]

The files go to ``src/overgrant/sample/aws/cloudtrail/`` by default, in the layout a trail
delivers to S3: ``AWSLogs/<org id>/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz``, one
file per account, region and day with activity. What each workload does is declared in
ROUTINES below: a realistic subset of what its policies allow, on the estate's real ARNs.

Coverage, on purpose:
* 222222222222 (acme-prod): 90 days, eu-west-1 and us-east-1; S3 and DynamoDB data events.
* 333333333333 (acme-dev): 90 days, eu-west-1 and us-east-1; S3 data events only.
* 111111111111 (acme-management): a trail created on 2026-11-11: 10 days, too short to judge.
* 444444444444 (acme-security): no trail at all: security-audit has no evidence.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ORG = "o-acme12345"
END = date(2026, 11, 20)
DAYS = 90
SHORT_TRAIL_START = date(2026, 11, 11)  # account 111111111111: 10 days of evidence
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src/overgrant/sample/aws/cloudtrail"

# The estate's principal ids, as its authorization exports give them (for realism only).
PRINCIPAL_IDS = {
    "222222222222:data-pipeline": "AROA86VOMPZOM75WBBR4Q",
}

Event = dict[str, Any]


@dataclass(frozen=True)
class Caller:
    """A userIdentity element, and the region-free facts the events need."""

    identity: dict[str, Any]
    account: str
    agent: str
    address: str


def role(account: str, name: str, session: str, agent: str, address: str) -> Caller:
    principal = PRINCIPAL_IDS.get(f"{account}:{name}", "AROA" + _digits(account + name, 17))
    return Caller(
        identity={
            "type": "AssumedRole",
            "principalId": f"{principal}:{session}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{name}/{session}",
            "accountId": account,
            "accessKeyId": "ASIA" + _digits(session + name, 16),
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": principal,
                    "arn": f"arn:aws:iam::{account}:role/{name}",
                    "accountId": account,
                    "userName": name,
                },
                "attributes": {"creationDate": "", "mfaAuthenticated": "false"},
            },
        },
        account=account,
        agent=agent,
        address=address,
    )


def user(account: str, name: str, agent: str, address: str) -> Caller:
    return Caller(
        identity={
            "type": "IAMUser",
            "principalId": "AIDA" + _digits(account + name, 17),
            "arn": f"arn:aws:iam::{account}:user/{name}",
            "accountId": account,
            "accessKeyId": "AKIA" + _digits(name, 16),
            "userName": name,
        },
        account=account,
        agent=agent,
        address=address,
    )


def service(account: str, name: str) -> Caller:
    return Caller(
        identity={"type": "AWSService", "invokedBy": name},
        account=account,
        agent=name,
        address=name,
    )


def _digits(seed: str, length: int) -> str:
    return hashlib.sha256(seed.encode()).hexdigest().upper()[:length]


def event(
    rng: random.Random,
    caller: Caller,
    when: datetime,
    source: str,
    name: str,
    region: str,
    params: dict[str, Any] | None,
    *,
    read_only: bool,
    data: bool = False,
    resources: list[dict[str, str]] | None = None,
    error: str | None = None,
) -> Event:
    """One CloudTrail record in the shape of the CloudTrail User Guide's record contents."""
    identity = json.loads(json.dumps(caller.identity))
    context = identity.get("sessionContext")
    if context is not None:
        started = when - timedelta(minutes=rng.randint(1, 50))
        context["attributes"]["creationDate"] = started.strftime("%Y-%m-%dT%H:%M:%SZ")
    record: Event = {
        "eventVersion": "1.09" if data else "1.08",
        "userIdentity": identity,
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": f"{source}.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": caller.address,
        "userAgent": caller.agent,
        "requestParameters": params,
        "responseElements": None,
        "requestID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "eventID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": not data,
        "recipientAccountId": caller.account,
        "eventCategory": "Data" if data else "Management",
    }
    if error is not None:
        record["errorCode"] = error
        record["errorMessage"] = f"User: {identity.get('arn')} is not authorized to perform this"
    if resources:
        record["resources"] = resources
    return record


def s3_object(bucket: str, key: str, account: str) -> list[dict[str, str]]:
    return [
        {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"},
        {"accountId": account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"},
    ]


def at(rng: random.Random, day: date, hour: int, spread: int = 50) -> datetime:
    minute = min(59, rng.randint(0, spread))
    return datetime(day.year, day.month, day.day, hour, minute, rng.randint(0, 59), tzinfo=UTC)


# -- routines: what each workload does on one day ---------------------------------------------

Routine = Callable[[random.Random, date], Iterator[Event]]
EU, US = "eu-west-1", "us-east-1"
BOTO = "Boto3/1.35.40 md/Botocore#1.35.40 ua/2.0 os/linux#6.1 lang/python#3.12.7"
EC2_IP = "10.20.3.41"


def data_pipeline(rng: random.Random, day: date) -> Iterator[Event]:
    who = role("222222222222", "data-pipeline", "i-0a3f9c1e27d45b8f0", BOTO, EC2_IP)
    stamp = day.isoformat()
    lake = "acme-data-lake"
    yield event(
        rng,
        who,
        at(rng, day, 2),
        "s3",
        "ListObjectsV2",
        EU,
        {"bucketName": lake, "prefix": f"raw/orders/{stamp}/", "list-type": "2"},
        read_only=True,
        data=True,
        resources=[
            {"accountId": "222222222222", "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{lake}"}
        ],
    )
    for part in range(2):
        key = f"raw/orders/{stamp}/part-{part:04d}.json.gz"
        yield event(
            rng,
            who,
            at(rng, day, 2),
            "s3",
            "GetObject",
            EU,
            {"bucketName": lake, "key": key},
            read_only=True,
            data=True,
            resources=s3_object(lake, key, "222222222222"),
        )
    yield event(
        rng,
        who,
        at(rng, day, 2),
        "glue",
        "StartJobRun",
        EU,
        {"jobName": "orders-nightly-etl"},
        read_only=False,
    )
    for _ in range(2):
        yield event(
            rng,
            who,
            at(rng, day, 3),
            "glue",
            "GetJobRun",
            EU,
            {"jobName": "orders-nightly-etl", "runId": f"jr_{_digits(stamp, 12)}"},
            read_only=True,
        )
    key = f"curated/orders/{stamp}.parquet"
    yield event(
        rng,
        who,
        at(rng, day, 4),
        "s3",
        "PutObject",
        EU,
        {"bucketName": lake, "key": key},
        read_only=False,
        data=True,
        resources=s3_object(lake, key, "222222222222"),
    )


def orders_api(rng: random.Random, day: date) -> Iterator[Event]:
    account = "222222222222"
    who = role(account, "orders-api", "orders-api", "aws-sdk-nodejs/3.675.0", "3.250.12.7")
    table = f"arn:aws:dynamodb:{EU}:{account}:table/orders"
    yield event(
        rng,
        service(account, "lambda.amazonaws.com"),
        at(rng, day, 7),
        "sts",
        "AssumeRole",
        EU,
        {"roleArn": f"arn:aws:iam::{account}:role/orders-api", "roleSessionName": "orders-api"},
        read_only=True,
    )
    calls = [("GetItem", True), ("Query", True), ("PutItem", False), ("GetItem", True)]
    for name, read_only in calls[: rng.randint(2, 4)]:
        yield event(
            rng,
            who,
            at(rng, day, rng.randint(8, 20)),
            "dynamodb",
            name,
            EU,
            {"tableName": "orders"},
            read_only=read_only,
            data=True,
            resources=[{"accountId": account, "type": "AWS::DynamoDB::Table", "ARN": table}],
        )
    if rng.random() < 0.3:  # a cold start opens a new log stream
        yield event(
            rng,
            who,
            at(rng, day, 8),
            "logs",
            "CreateLogStream",
            EU,
            {
                "logGroupName": "/aws/lambda/orders-api",
                "logStreamName": f"{day:%Y/%m/%d}/[$LATEST]{_digits(str(day), 32).lower()}",
            },
            read_only=False,
        )


def github_deploy(rng: random.Random, day: date) -> Iterator[Event]:
    if day.weekday() not in (1, 3):  # deploys on Tuesdays and Thursdays
        return
    account = "222222222222"
    run = f"GitHubActions-{_digits(str(day), 10)}"
    web = Caller(
        identity={
            "type": "WebIdentityUser",
            "principalId": f"arn:aws:iam::{account}:oidc-provider/"
            "token.actions.githubusercontent.com:sts.amazonaws.com:"
            "repo:acme/web:ref:refs/heads/main",
            "userName": "repo:acme/web:ref:refs/heads/main",
            "identityProvider": "token.actions.githubusercontent.com",
        },
        account=account,
        agent="aws-sdk-nodejs/3.675.0",
        address="140.82.112.21",
    )
    yield event(
        rng,
        web,
        at(rng, day, 14),
        "sts",
        "AssumeRoleWithWebIdentity",
        EU,
        {"roleArn": f"arn:aws:iam::{account}:role/github-deploy", "roleSessionName": run},
        read_only=True,
    )
    who = role(account, "github-deploy", run, "aws-cli/2.18.4", "140.82.112.21")
    yield event(
        rng,
        who,
        at(rng, day, 14),
        "s3",
        "ListObjectsV2",
        EU,
        {"bucketName": "acme-web", "list-type": "2"},
        read_only=True,
        data=True,
        resources=[
            {"accountId": account, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::acme-web"}
        ],
    )
    for key in ("index.html", f"assets/app.{_digits(str(day), 8).lower()}.js"):
        yield event(
            rng,
            who,
            at(rng, day, 14),
            "s3",
            "PutObject",
            EU,
            {"bucketName": "acme-web", "key": key},
            read_only=False,
            data=True,
            resources=s3_object("acme-web", key, account),
        )
    yield event(
        rng,
        who,
        at(rng, day, 14),
        "cloudfront",
        "CreateInvalidation",
        US,
        {
            "distributionId": "E2ACMEWEB7Q4",
            "invalidationBatch": {
                "paths": {"quantity": 1, "items": ["/*"]},
                "callerReference": run,
            },
        },
        read_only=False,
    )


def github_infra(rng: random.Random, day: date) -> Iterator[Event]:
    if day.weekday() != 2:  # infrastructure changes on Wednesdays
        return
    account = "222222222222"
    who = role(
        account,
        "github-infra",
        f"GitHubActions-{_digits(str(day), 10)}",
        "aws-cli/2.18.4",
        "140.82.112.22",
    )
    name = f"deploy-{day:%Y%m%d}"
    stack = {"stackName": "infra-network", "changeSetName": name}
    yield event(
        rng, who, at(rng, day, 10), "ec2", "DescribeVpcs", EU, {"vpcSet": {}}, read_only=True
    )
    yield event(
        rng,
        who,
        at(rng, day, 10),
        "cloudformation",
        "CreateChangeSet",
        EU,
        {**stack, "changeSetType": "UPDATE"},
        read_only=False,
    )
    for _ in range(3):
        yield event(
            rng,
            who,
            at(rng, day, 10),
            "cloudformation",
            "DescribeChangeSet",
            EU,
            stack,
            read_only=True,
        )
    yield event(
        rng, who, at(rng, day, 11), "cloudformation", "ExecuteChangeSet", EU, stack, read_only=False
    )


def release_deployer(rng: random.Random, day: date) -> Iterator[Event]:
    if day.weekday() != 0:  # releases on Mondays
        return
    account = "222222222222"
    who = role(account, "release-deployer", "release", "aws-cli/2.18.4", "52.30.7.18")
    function = {"functionName": "orders-api"}
    yield event(
        rng, who, at(rng, day, 16), "lambda", "GetFunction20150331v2", EU, function, read_only=True
    )
    yield event(
        rng,
        who,
        at(rng, day, 16),
        "lambda",
        "UpdateFunctionCode20150331v2",
        EU,
        {
            **function,
            "s3Bucket": "acme-build-artifacts",
            "s3Key": f"builds/orders-api-{day:%Y%m%d}.zip",
        },
        read_only=False,
    )


def legacy_reporting(rng: random.Random, day: date) -> Iterator[Event]:
    if day.day != 1:  # the monthly report
        return
    account = "222222222222"
    who = role(account, "legacy-reporting", "i-07c1d2e3f4a5b6c7d", BOTO, "10.20.5.17")
    source_key = f"curated/orders/{(day - timedelta(days=1)).isoformat()}.parquet"
    yield event(
        rng,
        who,
        at(rng, day, 5),
        "s3",
        "GetObject",
        EU,
        {"bucketName": "acme-data-lake", "key": source_key},
        read_only=True,
        data=True,
        resources=s3_object("acme-data-lake", source_key, account),
    )
    key = f"monthly/{day:%Y-%m}.csv"
    yield event(
        rng,
        who,
        at(rng, day, 5),
        "s3",
        "PutObject",
        EU,
        {"bucketName": "acme-reports", "key": key},
        read_only=False,
        data=True,
        resources=s3_object("acme-reports", key, account),
    )
    old = f"monthly/{day.year - 1}-{day.month:02d}.csv"
    yield event(
        rng,
        who,
        at(rng, day, 5),
        "s3",
        "DeleteObject",
        EU,  # not allowed: denied
        {"bucketName": "acme-reports", "key": old},
        read_only=False,
        data=True,
        resources=s3_object("acme-reports", old, account),
        error="AccessDenied",
    )


def restricted_ops(rng: random.Random, day: date) -> Iterator[Event]:
    account = "222222222222"
    who = role(account, "restricted-ops", "i-0b7e6d5c4b3a29180", BOTO, "10.20.7.9")
    yield event(
        rng,
        who,
        at(rng, day, 6),
        "ec2",
        "DescribeInstances",
        EU,
        {"instancesSet": {}, "filterSet": {}},
        read_only=True,
    )
    if day.weekday() == 5:  # weekend shutdown of the batch hosts
        yield event(
            rng,
            who,
            at(rng, day, 20),
            "ec2",
            "StopInstances",
            EU,
            {"instancesSet": {"items": [{"instanceId": "i-0f1e2d3c4b5a69788"}]}, "force": False},
            read_only=False,
        )


def build_runner(rng: random.Random, day: date) -> Iterator[Event]:
    if day.weekday() >= 5:
        return
    account = "333333333333"
    build = f"AWSCodeBuild-{_digits(str(day), 8).lower()}"
    who = role(account, "build-runner", build, "aws-cli/2.18.4", "codebuild.amazonaws.com")
    key = f"builds/orders-api-{day:%Y%m%d}.zip"
    yield event(
        rng,
        who,
        at(rng, day, 15),
        "s3",
        "GetObject",
        EU,
        {"bucketName": "acme-build-artifacts", "key": "cache/node_modules.tgz"},
        read_only=True,
        data=True,
        resources=s3_object("acme-build-artifacts", "cache/node_modules.tgz", account),
    )
    yield event(
        rng,
        who,
        at(rng, day, 15),
        "s3",
        "PutObject",
        EU,
        {"bucketName": "acme-build-artifacts", "key": key},
        read_only=False,
        data=True,
        resources=s3_object("acme-build-artifacts", key, account),
    )
    if day.weekday() == 4:  # Friday: a preview function for QA
        yield event(
            rng,
            who,
            at(rng, day, 16),
            "lambda",
            "CreateFunction20150331",
            EU,
            {
                "functionName": f"orders-api-preview-{day:%m%d}",
                "runtime": "nodejs20.x",
                "role": f"arn:aws:iam::{account}:role/preview-fn",
                "handler": "index.handler",
            },
            read_only=False,
        )
    if day.weekday() == 0:  # Monday: hand the release over to production
        yield event(
            rng,
            who,
            at(rng, day, 15),
            "sts",
            "AssumeRole",
            EU,
            {
                "roleArn": "arn:aws:iam::222222222222:role/release-deployer",
                "roleSessionName": "release",
            },
            read_only=True,
        )


def app_support_bot(rng: random.Random, day: date) -> Iterator[Event]:
    who = user(
        "333333333333", "app-support-bot", "python-requests/2.32 botocore/1.35.40", "34.241.6.90"
    )
    policy = "arn:aws:iam::333333333333:policy/app-support"
    yield event(
        rng, who, at(rng, day, 9), "iam", "GetPolicy", US, {"policyArn": policy}, read_only=True
    )
    yield event(
        rng,
        who,
        at(rng, day, 9),
        "iam",
        "GetPolicyVersion",
        US,
        {"policyArn": policy, "versionId": "v3"},
        read_only=True,
    )


def lambda_admin_automation(rng: random.Random, day: date) -> Iterator[Event]:
    account = "333333333333"
    who = role(account, "lambda-admin-automation", "dev-scheduler", "aws-sdk-python", "3.248.1.9")
    instances = {"instancesSet": {"items": [{"instanceId": "i-0d9c8b7a6f5e4d3c2"}]}}
    yield event(
        rng,
        who,
        at(rng, day, 6),
        "ec2",
        "DescribeInstances",
        EU,
        {"filterSet": {"items": [{"name": "tag:env", "valueSet": {"items": [{"value": "dev"}]}}]}},
        read_only=True,
    )
    if day.weekday() < 5:
        yield event(
            rng, who, at(rng, day, 7), "ec2", "StartInstances", EU, instances, read_only=False
        )
        yield event(
            rng,
            who,
            at(rng, day, 19),
            "ec2",
            "StopInstances",
            EU,
            {**instances, "force": False},
            read_only=False,
        )


def ci_deploy(rng: random.Random, day: date) -> Iterator[Event]:
    account = "111111111111"
    who = user(account, "ci-deploy", "aws-cli/2.18.4", "185.199.108.10")
    yield event(rng, who, at(rng, day, 11), "ecr", "GetAuthorizationToken", US, {}, read_only=True)
    yield event(
        rng,
        who,
        at(rng, day, 11),
        "ecs",
        "RegisterTaskDefinition",
        US,
        {
            "family": "billing-ui",
            "taskRoleArn": f"arn:aws:iam::{account}:role/ci-app-task",
            "networkMode": "awsvpc",
        },
        read_only=False,
    )
    yield event(
        rng,
        who,
        at(rng, day, 11),
        "ecs",
        "UpdateService",
        US,
        {
            "cluster": f"arn:aws:ecs:{US}:{account}:cluster/internal",
            "service": "billing-ui",
            "taskDefinition": "billing-ui",
        },
        read_only=False,
    )


def billing_export(rng: random.Random, day: date) -> Iterator[Event]:
    account = "111111111111"
    who = role(account, "billing-export", "billing-export", "aws-sdk-python", "3.80.4.2")
    if day == SHORT_TRAIL_START:
        # Its policy grants this action on an S3 object ARN, which never matches a CUR call:
        # the call fails, as AWS would log it.
        yield event(
            rng,
            who,
            at(rng, day, 3),
            "cur",
            "DescribeReportDefinitions",
            US,
            {},
            read_only=True,
            error="AccessDenied",
        )
    key = f"cur/{day:%Y-%m-%d}.csv.gz"
    yield event(
        rng,
        who,
        at(rng, day, 3),
        "s3",
        "PutObject",
        US,
        {"bucketName": "acme-billing-exports", "key": key},
        read_only=False,
        data=True,
        resources=s3_object("acme-billing-exports", key, account),
    )


ROUTINES: dict[str, tuple[Routine, date]] = {
    # routine name: (what it does each day, first day the account's trail recorded)
    "data-pipeline": (data_pipeline, END - timedelta(days=DAYS - 1)),
    "orders-api": (orders_api, END - timedelta(days=DAYS - 1)),
    "github-deploy": (github_deploy, END - timedelta(days=DAYS - 1)),
    "github-infra": (github_infra, END - timedelta(days=DAYS - 1)),
    "release-deployer": (release_deployer, END - timedelta(days=DAYS - 1)),
    "legacy-reporting": (legacy_reporting, END - timedelta(days=DAYS - 1)),
    "restricted-ops": (restricted_ops, END - timedelta(days=DAYS - 1)),
    "build-runner": (build_runner, END - timedelta(days=DAYS - 1)),
    "app-support-bot": (app_support_bot, END - timedelta(days=DAYS - 1)),
    "lambda-admin-automation": (lambda_admin_automation, END - timedelta(days=DAYS - 1)),
    "ci-deploy": (ci_deploy, SHORT_TRAIL_START),
    "billing-export": (billing_export, SHORT_TRAIL_START),
}


def all_events() -> Iterator[Event]:
    """Every event of every routine, each routine with its own seeded generator."""
    for name, (routine, first) in ROUTINES.items():
        rng = random.Random(f"overgrant-sample:{name}")  # noqa: S311 - test data, not secrets
        day = first
        while day <= END:
            yield from routine(rng, day)
            day += timedelta(days=1)


def write(out: Path) -> list[Path]:
    """Write one gzipped log file per account, region and day; return the files written."""
    grouped: dict[tuple[str, str, str], list[Event]] = defaultdict(list)
    for record in all_events():
        grouped[
            (record["recipientAccountId"], record["awsRegion"], record["eventTime"][:10])
        ].append(record)
    written: list[Path] = []
    for (account, region, day), records in sorted(grouped.items()):
        records.sort(key=lambda r: (r["eventTime"], r["eventID"]))
        yyyy, mm, dd = day.split("-")
        last = records[-1]["eventTime"]
        delivered = f"{yyyy}{mm}{dd}T{last[11:13]}{int(last[14:16]) // 5 * 5:02d}Z"
        tag = _digits(f"{account}{region}{day}", 16)
        folder = out / "AWSLogs" / ORG / account / "CloudTrail" / region / yyyy / mm / dd
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{account}_CloudTrail_{region}_{delivered}_{tag}.json.gz"
        body = json.dumps({"Records": records}, separators=(",", ":")).encode()
        path.write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    files = write(args.out)
    print(f"wrote {len(files)} files under {args.out / 'AWSLogs'}")


if __name__ == "__main__":
    main()
