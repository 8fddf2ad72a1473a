"""Shared pieces of the synthetic AWS estate: seeded ids, fixed dates, names and policy helpers.

Everything random takes an explicit :class:`random.Random` so that one seed decides every byte
of the output; nothing here reads the clock or iterates over a set.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Json = dict[str, Any]
"""A JSON object as the AWS CLI prints it."""

UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
HEX = "0123456789abcdef"
POLICY_VERSION = "2012-10-17"

EARLIEST = datetime(2016, 3, 1, tzinfo=UTC)
EXPORTED_AT = datetime(2025, 6, 30, 12, 0, 0, tzinfo=UTC)
"""When the export is supposed to have been taken: fixed, so the clock never leaks in."""

REGIONS = ("us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2")
REGION_WEIGHTS = (50, 20, 15, 10, 5)

APPS = (
    "payments", "orders", "checkout", "inventory", "search", "recommendations", "billing",
    "ledger", "identity", "notifications", "analytics", "reporting", "etl", "ml-platform",
    "fraud", "catalog", "shipping", "pricing", "customer", "support", "marketing", "gateway",
    "auth", "media", "ingest", "loyalty", "risk", "warehouse", "telemetry", "partners",
)  # fmt: skip
COMPONENTS = (
    "api", "worker", "processor", "ingest", "scheduler", "consumer", "exporter", "sync",
    "webhook", "reconciler", "indexer", "notifier", "resizer", "archiver", "backfill",
    "aggregator", "dispatcher", "validator", "enricher", "poller",
)  # fmt: skip
TEAMS = (
    "platform", "data", "payments-eng", "growth", "core-services", "security", "sre",
    "ml", "mobile-backend", "integrations",
)  # fmt: skip
FIRST_NAMES = (
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yara",
)  # fmt: skip
LAST_NAMES = (
    "smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "moore", "taylor",
    "thomas", "martin", "lee", "walker", "hall", "young", "king", "wright", "scott",
)  # fmt: skip
EMAIL_DOMAIN = "example.com"  # reserved by RFC 2606: no real mailbox is named


_TABLES: dict[str, bytes] = {}


def token(rng: random.Random, alphabet: str, length: int) -> str:
    """A random string over ``alphabet`` (ASCII).

    Random bytes mapped through a 256-entry table: ten times faster than ``rng.choices`` at
    hundreds of thousands of ids; the slight bias towards the first letters does not matter here.
    """
    table = _TABLES.get(alphabet)
    if table is None:
        table = _TABLES[alphabet] = bytes(ord(alphabet[i % len(alphabet)]) for i in range(256))
    return rng.randbytes(length).translate(table).decode("ascii")


def unique_id(rng: random.Random, prefix: str) -> str:
    """An IAM unique id: a four-letter type prefix (AROA, AIDA, AGPA, ANPA, AIPA) and 17 more."""
    return prefix + token(rng, UPPER_ALNUM, 17)


def iso(moment: datetime) -> str:
    """A timestamp as the AWS CLI v2 prints it: ``2021-03-04T10:11:12+00:00``."""
    return moment.isoformat()


def moment_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole-second moment in [start, end)."""
    span = max(1, int((end - start).total_seconds()))
    return start + timedelta(seconds=rng.randrange(span))


def words(text: str) -> list[str]:
    """Split a whitespace-separated list of actions or ARNs: compact to write, easy to read."""
    return text.split()


def one_or_many(values: list[str]) -> str | list[str]:
    """AWS accepts a string or a list; real documents use a bare string for a single value."""
    return values[0] if len(values) == 1 else values


def statement(
    effect: str,
    actions: str | list[str],
    resources: str | list[str],
    *,
    sid: str | None = None,
    condition: Json | None = None,
    not_action: bool = False,
    not_resource: bool = False,
) -> Json:
    """One policy statement with keys in the order people (and the console) write them.

    ``actions`` and ``resources`` may be one whitespace-separated string (see :func:`words`).
    """
    actions = words(actions) if isinstance(actions, str) else actions
    resources = words(resources) if isinstance(resources, str) else resources
    stmt: Json = {}
    if sid is not None:
        stmt["Sid"] = sid
    stmt["Effect"] = effect
    stmt["NotAction" if not_action else "Action"] = one_or_many(actions)
    stmt["NotResource" if not_resource else "Resource"] = one_or_many(resources)
    if condition:
        stmt["Condition"] = condition
    return stmt


def allow(actions: str | list[str], resources: str | list[str] = "*", **kwargs: Any) -> Json:
    return statement("Allow", actions, resources, **kwargs)


def deny(actions: str | list[str], resources: str | list[str] = "*", **kwargs: Any) -> Json:
    return statement("Deny", actions, resources, **kwargs)


def document(*statements: Json) -> Json:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


@dataclass(slots=True)
class OrgFacts:
    """What every account's generator needs to know about the rest of the organization."""

    org_id: str
    management_id: str
    account_ids: list[str]
    security_id: str
    shared_services_id: str
    vendor_ids: list[str]
    """Accounts outside the organization (SaaS vendors) that some roles trust."""


@dataclass(slots=True)
class AccountFacts:
    """One account as its IAM generator sees it."""

    id: str
    name: str
    env: str
    region: str
    is_management: bool
    apps: list[str]
    org: OrgFacts
    used_role_names: set[str] = field(default_factory=set)
    """Names taken so far (membership tests only: never iterated, so order cannot leak)."""

    def arn(self, kind: str, name: str, path: str = "/") -> str:
        """An IAM ARN in this account: ``arn:aws:iam::<id>:<kind><path><name>``."""
        return f"arn:aws:iam::{self.id}:{kind}{path}{name}"

    def regional(self, service: str, resource: str, region: str | None = None) -> str:
        """A regional ARN in this account, in its home region unless told otherwise."""
        return f"arn:aws:{service}:{region or self.region}:{self.id}:{resource}"
