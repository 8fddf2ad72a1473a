"""Generate CloudTrail evidence for an organization written by ``generate_aws_org.py``.

For each role, a realistic used subset of what its policies allow today (checked with
overgrant's evaluator), spread over ``--days`` of CloudTrail log files exactly as a multi-region
organization trail delivers them to S3::

    AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<stamp>_<rand>.json.gz

each file ``{"Records": [...]}``, gzipped, one file per account, region and hour. Beside the
logs, ``ground-truth.json`` says per role which (action, resource) pairs it used, how often,
when, and whether the trail could show them (``visibility``: ``logged``, ``data-off`` for data
events the trail does not select, ``never`` for calls CloudTrail does not record), plus a few
allowed resources it did not touch (``unused_resources``). The trail records data events for
``--data-events`` services (default S3 and Lambda).

Output is streamed: one account's events are held (as packed integers) at a time, and files and
ground truth are written as they are produced. The same ``--seed`` gives the same bytes.

Run from the repository root::

    python bench/generate_aws_org.py --roles 2000 --out /tmp/org
    python bench/generate_cloudtrail.py --org /tmp/org --out /tmp/trail --days 90
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the ctgen_* modules live beside us

from ctgen_events import blind_patterns, visibility
from ctgen_records import Caller, is_emitted, iso, log_file_key, make_caller, record
from ctgen_usage import RoleFacts, RoleUsage, UsageChooser, UsedPair

try:
    import orjson
except ImportError:  # slower, same bytes are not promised across the two
    orjson = None  # type: ignore[assignment]

GROUND_TRUTH = "ground-truth.json"
GROUND_TRUTH_FORMAT = "overgrant-bench-cloudtrail-ground-truth/1"
DEFAULT_END = datetime(2025, 6, 30, tzinfo=UTC)
"""The window ends on the day the generated organization was exported (no clock is read)."""
FILE_SECONDS = 3600
"""One log file per account, region and hour (CloudTrail delivers about every 5 minutes; an
hour keeps the file count of a 90-day window manageable)."""
COUNT_MU, COUNT_SIGMA, COUNT_CAP = 2.3, 1.3, 3000
"""Calls per (action, resource) over the window: log-normal, median about 10."""
_REGION_IN_ARN = re.compile(r"arn:aws:[a-z0-9-]+:([a-z]{2}-[a-z]+-\d):")


@dataclass(slots=True)
class Trail:
    """What the trail records and over which period."""

    start: datetime
    end: datetime
    data_events: tuple[str, ...]
    name: str = "organization-trail"

    def describe(self) -> dict[str, Any]:
        """The trail as the ground truth states it."""
        return {
            "name": self.name,
            "is_organization_trail": True,
            "is_multi_region_trail": True,
            "management_events": "All",
            "data_events": list(self.data_events),
            "blind_spots": list(blind_patterns(self.data_events)),
        }


@dataclass(slots=True)
class AccountStats:
    """What was written for one account."""

    region: str
    roles: int = 0
    files: int = 0
    records: int = 0
    bytes: int = 0
    regions: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, Any]:
        """The figures as the ground truth states them."""
        return {
            "home_region": self.region,
            "roles": self.roles,
            "files": self.files,
            "records": self.records,
            "bytes": self.bytes,
            "regions": dict(sorted(self.regions.items())),
        }


def load_accounts(org_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    """The organization's account exports, management account first (as written)."""
    organization = json.loads((org_dir / "organization.json").read_text())
    order = [account["Id"] for account in organization["Accounts"]]
    found = {p.stem: p for p in org_dir.glob("*.json") if p.stem.isdigit()}
    missing = [a for a in order if a not in found]
    if missing:
        raise SystemExit(f"{org_dir}: no export for accounts {', '.join(missing[:5])}")
    return [(account, json.loads(found[account].read_text())) for account in order]


def home_region(export: dict[str, Any]) -> str:
    """The region most of the account's regional ARNs name (its resources live there)."""
    text = json.dumps(export["Policies"]) + json.dumps(export["RoleDetailList"])
    counts = Counter(_REGION_IN_ARN.findall(text))
    return counts.most_common(1)[0][0] if counts else "us-east-1"


def role_facts(role: dict[str, Any], account: str, region: str) -> RoleFacts:
    """The chooser's view of one ``RoleDetailList`` entry."""
    tags = {t["Key"]: t["Value"] for t in role.get("Tags", [])}
    services: list[str] = []
    for statement in role["AssumeRolePolicyDocument"].get("Statement", []):
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            service = principal.get("Service", [])
            services += [service] if isinstance(service, str) else list(service)
    app = tags.get("app") or role["RoleName"].split("-")[0].lower()
    return RoleFacts(
        arn=role["Arn"],
        name=role["RoleName"],
        role_id=role["RoleId"],
        account=account,
        region=region,
        app=re.sub(r"[^a-z0-9-]", "", app.lower()) or "app",
        env=tags.get("env", "prod"),
        trusted_services=tuple(services),
    )


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _count(rng: random.Random, rate: float) -> int:
    drawn = math.exp(rng.gauss(COUNT_MU, COUNT_SIGMA)) * rate
    return max(1, min(COUNT_CAP, round(drawn)))


class Generator:
    """Writes one organization's CloudTrail evidence and its ground truth."""

    def __init__(self, org_dir: Path, out_dir: Path, trail: Trail, seed: int, rate: float) -> None:
        """Import the organization and build the evaluator the chooser checks calls with."""
        from overgrant import api
        from overgrant.catalogs.aws import load_aws_catalog
        from overgrant.graph.effective.aws import AwsEvaluator

        self.org_dir, self.out_dir, self.trail, self.rate = org_dir, out_dir, trail, rate
        self.rng = random.Random(seed)
        self.seed = seed
        exports = sorted(p for p in org_dir.glob("*.json") if p.stem.isdigit())
        inventory = api.import_aws_authz(exports, organization=org_dir / "organization.json")
        catalog = load_aws_catalog()
        roles: dict[str, list[str]] = {}
        for identity in inventory.identities:
            if identity.kind.value == "role":
                roles.setdefault(str(identity.container), []).append(identity.id)
        self.chooser = UsageChooser(AwsEvaluator(inventory, catalog), catalog, roles)
        self.span = int((trail.end - trail.start).total_seconds())

    def run(self) -> dict[str, AccountStats]:
        """Generate every account; returns what was written per account."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        truth_path = self.out_dir / GROUND_TRUTH
        partial = truth_path.with_suffix(".json.partial")
        stats: dict[str, AccountStats] = {}
        with partial.open("w") as truth:
            truth.write("{\n")
            truth.write(f'"format": {json.dumps(GROUND_TRUTH_FORMAT)},\n')
            truth.write(f'"seed": {self.seed},\n"rate": {json.dumps(self.rate)},\n')
            window = {"start": iso(self.trail.start), "end": iso(self.trail.end)}
            truth.write(f'"window": {json.dumps(window)},\n')
            truth.write(f'"trail": {json.dumps(self.trail.describe())},\n')
            truth.write('"roles": {')
            first = True
            for account, export in load_accounts(self.org_dir):
                account_rng = random.Random(self.rng.getrandbits(64))
                for line in self._account(account_rng, account, export, stats):
                    truth.write(("\n" if first else ",\n") + line)
                    first = False
            truth.write("\n},\n")
            summary = {account: stat.summary() for account, stat in stats.items()}
            truth.write(f'"accounts": {json.dumps(summary)}\n}}\n')
        os.replace(partial, truth_path)
        return stats

    def _account(
        self,
        rng: random.Random,
        account: str,
        export: dict[str, Any],
        stats: dict[str, AccountStats],
    ) -> Iterator[str]:
        region = home_region(export)
        stat = stats.setdefault(account, AccountStats(region=region))
        pairs: list[tuple[UsedPair, Caller]] = []
        events: list[int] = []  # (seconds since start << 32) | index into pairs
        for role in export["RoleDetailList"]:
            facts = role_facts(role, account, region)
            created = max(self.trail.start, _parse_time(role["CreateDate"]))
            caller = make_caller(rng, facts, role["Arn"], created)
            usage = self.chooser.choose(rng, facts, caller.ips[0])
            stat.roles += 1
            yield self._role_truth(rng, facts, usage, created, caller, pairs, events)
        events.sort()
        self._write_files(rng, account, pairs, events, stat)

    def _role_truth(
        self,
        rng: random.Random,
        facts: RoleFacts,
        usage: RoleUsage,
        created: datetime,
        caller: Caller,
        pairs: list[tuple[UsedPair, Caller]],
        events: list[int],
    ) -> str:
        """Spread the role's calls over its window; its ground-truth entry as one JSON line."""
        begin = int((created - self.trail.start).total_seconds())
        used: list[dict[str, Any]] = []
        for pair in usage.pairs:
            pair.count = _count(rng, self.rate)
            # Most calls run all along; some started only lately (a new feature, a new job).
            since = begin if rng.random() < 0.85 else rng.randrange(begin, self.span)
            times = sorted(rng.randrange(since, self.span) for _ in range(pair.count))
            shown = visibility(pair.spec.action, self.trail.data_events)
            if is_emitted(pair, self.trail.data_events):
                index = len(pairs)
                pairs.append((pair, caller))
                events.extend(t << 32 | index for t in times)
            used.append({
                "action": pair.spec.action,
                "resource": pair.resource,
                "region": pair.region,
                "visibility": shown,
                "calls": pair.count,
                "first": iso(self.trail.start + timedelta(seconds=times[0])),
                "last": iso(self.trail.start + timedelta(seconds=times[-1])),
            })  # fmt: skip
        entry = {
            "account": facts.account,
            "name": facts.name,
            "profile": usage.profile,
            "window": {"start": iso(created), "end": iso(self.trail.end)},
            "used": used,
            "unused_resources": [{"action": a, "resource": r} for a, r in usage.decoys],
        }
        return f"{json.dumps(facts.arn)}: {json.dumps(entry)}"

    def _write_files(
        self,
        rng: random.Random,
        account: str,
        pairs: list[tuple[UsedPair, Caller]],
        events: list[int],
        stat: AccountStats,
    ) -> None:
        """One gzipped ``{"Records": [...]}`` per region and hour, as CloudTrail delivers them."""
        mask = (1 << 32) - 1
        position = 0
        while position < len(events):
            hour = (events[position] >> 32) // FILE_SECONDS
            by_region: dict[str, list[dict[str, Any]]] = {}
            while position < len(events) and (events[position] >> 32) // FILE_SECONDS == hour:
                packed = events[position]
                pair, caller = pairs[packed & mask]
                when = self.trail.start + timedelta(seconds=packed >> 32)
                name = pair.spec.names[0] if rng.random() < 0.8 else rng.choice(pair.spec.names)
                by_region.setdefault(pair.region, []).append(
                    record(rng, pair, caller, account, when, name)
                )
                position += 1
            # Delivered a few minutes after the hour it covers.
            delivered = self.trail.start + timedelta(seconds=(hour + 1) * FILE_SECONDS + 300)
            for region in sorted(by_region):
                self._write_one(rng, account, region, delivered, by_region[region], stat)

    def _write_one(
        self,
        rng: random.Random,
        account: str,
        region: str,
        delivered: datetime,
        records: list[dict[str, Any]],
        stat: AccountStats,
    ) -> None:
        key = log_file_key(rng, account, region, delivered)
        path = self.out_dir / key
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {"Records": records}
        payload = orjson.dumps(document) if orjson is not None else json.dumps(document).encode()
        compressed = gzip.compress(payload, compresslevel=5, mtime=0)
        path.write_bytes(compressed)
        stat.files += 1
        stat.records += len(records)
        stat.bytes += len(compressed)
        stat.regions[region] += len(records)


def read_ground_truth(out_dir: Path) -> dict[str, Any]:
    """The ground truth a run wrote (``<out>/ground-truth.json``)."""
    return json.loads((Path(out_dir) / GROUND_TRUTH).read_text())


def generate(
    org_dir: Path,
    out_dir: Path,
    *,
    days: int = 90,
    seed: int = 1,
    end: datetime = DEFAULT_END,
    data_events: tuple[str, ...] = ("s3", "lambda"),
    rate: float = 1.0,
) -> dict[str, AccountStats]:
    """Write the evidence for ``org_dir`` into ``out_dir``; returns per-account figures."""
    if days < 1:
        raise ValueError("days must be >= 1")
    trail = Trail(start=end - timedelta(days=days), end=end, data_events=data_events)
    return Generator(Path(org_dir), Path(out_dir), trail, seed, rate).run()


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--org", type=Path, required=True, help="generate_aws_org.py output")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--days", type=int, default=90, help="evidence window (default 90)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--data-events",
        default="s3,lambda",
        help="services whose data events the trail records (default s3,lambda; '' for none)",
    )
    parser.add_argument(
        "--rate", type=float, default=1.0, help="scale every role's call counts (default 1.0)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    started = time.perf_counter()
    data_events = tuple(s.strip() for s in args.data_events.split(",") if s.strip())
    stats = generate(
        args.org, args.out, days=args.days, seed=args.seed, data_events=data_events, rate=args.rate
    )
    elapsed = time.perf_counter() - started
    files = sum(s.files for s in stats.values())
    records = sum(s.records for s in stats.values())
    size = sum(s.bytes for s in stats.values())
    roles = sum(s.roles for s in stats.values())
    print(
        f"wrote {records} CloudTrail records for {roles} roles in {files} log files "
        f"({size / 2**20:.1f} MiB gzipped) and {GROUND_TRUTH} to {args.out} in {elapsed:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
