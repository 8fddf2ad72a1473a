"""What one role of the generated organization actually uses: actions, real resources, how often.

For each role the chooser picks a used subset of what the role is allowed today: a profile (idle,
light, typical, heavy), actions weighted toward the statements that name specific resources (a
workload uses its own bucket far more than ``ReadOnlyAccess``), and concrete resource ARNs that
match the policies' patterns and the action's ARN format. Every (action, resource) pair is checked
with overgrant's :class:`~overgrant.graph.effective.aws.AwsEvaluator` in the context the event
will carry (region, source IP, TLS): only calls allowed today are emitted.

Also records, per used action, a few allowed resources the role did *not* touch ("decoys"): the
benchmark asks whether the minimizer narrowed the resources as well as the actions.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ctgen_events import BY_ACTION, SPECS, EventSpec

from overgrant.catalogs.aws import AccessLevel, AwsCatalog
from overgrant.graph.effective.aws import AwsEvaluator, Effect, EffectivePermissions, Outcome

PROFILES = (("idle", 12), ("light", 40), ("typical", 35), ("heavy", 13))
ACTIONS_PER_PROFILE = {"idle": (0, 1), "light": (2, 6), "typical": (6, 15), "heavy": (15, 30)}
LEVEL_WEIGHT = {
    AccessLevel.LIST: 3.0,
    AccessLevel.READ: 3.0,
    AccessLevel.WRITE: 2.0,
    AccessLevel.TAGGING: 0.5,
    AccessLevel.PERMISSIONS_MANAGEMENT: 0.3,
}
SPECIFIC_WEIGHT = 5.0
"""How much likelier an action is when a statement grants it on named resources, not ``*``."""
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")
_WORDS = ("events", "jobs", "raw", "reports", "state", "exports", "cache", "audit", "config")
_HEX = "0123456789abcdef"
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(slots=True)
class RoleFacts:
    """What the chooser knows about a role, from its authorization-details entry."""

    arn: str
    name: str
    role_id: str
    account: str
    region: str
    app: str
    env: str
    trusted_services: tuple[str, ...]


@dataclass(slots=True)
class UsedPair:
    """One (action, resource) a role used, and the call details shared by its events."""

    spec: EventSpec
    resource: str
    region: str
    params: dict[str, Any] | None
    context: dict[str, Any]
    invoked_by: str | None = None
    count: int = 1


@dataclass(slots=True)
class RoleUsage:
    """A role's chosen use."""

    profile: str
    pairs: list[UsedPair] = field(default_factory=list)
    decoys: list[tuple[str, str]] = field(default_factory=list)
    """(action, resource) allowed today, of an action the role used, on a resource it did not."""
    rejected: int = 0
    """Candidate calls the evaluator did not allow (dropped)."""


def _template_regex(template: str) -> re.Pattern[str]:
    pieces: list[str] = []
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        pieces.append(re.escape(template[last : match.start()]))
        name = match.group(1)
        if name in {"ObjectName", "RoleNameWithPath", "LogGroupName", "LogStreamName"}:
            pieces.append(f"(?P<{name}>.+?)")
        elif name in {"ParameterNameWithoutLeadingSlash", "SecretId"}:
            pieces.append(f"(?P<{name}>[^:]+)")
        else:
            pieces.append(f"(?P<{name}>[^:/]+)")
        last = match.end()
    pieces.append(re.escape(template[last:]))
    return re.compile("".join(pieces))


class ResourceMaker:
    """Concrete ARNs for an action's resource type, drawn from a role's own patterns if it can."""

    def __init__(self, catalog: AwsCatalog) -> None:
        """Resolve each spec's ARN template once."""
        self.templates: dict[str, tuple[str, re.Pattern[str]]] = {}
        for spec in SPECS:
            if spec.resource_type is None:
                continue
            kind = catalog.resource_type(spec.service, spec.resource_type)
            if kind is None:
                raise ValueError(f"catalog lacks resource type {spec.service}:{spec.resource_type}")
            self.templates[spec.action.lower()] = (kind.arn, _template_regex(kind.arn))

    def parts(self, spec: EventSpec, arn: str) -> dict[str, str] | None:
        """The placeholder values of ``arn`` under the spec's ARN format; ``None`` if it differs."""
        _, regex = self.templates[spec.action.lower()]
        match = regex.fullmatch(arn)
        return None if match is None else match.groupdict()

    def from_pattern(
        self, rng: random.Random, spec: EventSpec, pattern: str, facts: RoleFacts
    ) -> str:
        """``pattern`` with its wildcards filled so that the ARN fits the resource type."""
        if "*" not in pattern and "?" not in pattern:
            return pattern
        template, regex = self.templates[spec.action.lower()]
        text = pattern.replace("?", "a")
        head, _, tail = text.rpartition("*")
        head = head.replace("*", _slug(rng, facts))
        # Try a plain name first, then whatever the format still needs after the wildcard (a
        # log group pattern covers its streams: "log-group:/app/*" + "x:log-stream:y").
        for filler in _fillers(rng, spec, template, facts):
            candidate = head + filler + tail
            if regex.fullmatch(candidate):
                return candidate
        return head + _slug(rng, facts) + tail

    def synthesize(
        self, rng: random.Random, spec: EventSpec, facts: RoleFacts, memory: dict[str, str]
    ) -> str:
        """A new ARN of the spec's type in the role's account, reusing the role's names."""
        template, _ = self.templates[spec.action.lower()]

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in memory and rng.random() < 0.8:
                return memory[name]
            value = _placeholder_value(rng, name, facts)
            memory.setdefault(name, value)
            return value

        return _PLACEHOLDER.sub(fill, template)


def _fillers(rng: random.Random, spec: EventSpec, template: str, facts: RoleFacts) -> list[str]:
    if spec.resource_type == "object":
        return [_object_key(rng)]
    found = [_slug(rng, facts)]
    if ":log-stream:" in template:
        found.append(f"{_slug(rng, facts)}:log-stream:{_stream_name(rng)}")
        found.append(_stream_name(rng))
    return found


def _slug(rng: random.Random, facts: RoleFacts) -> str:
    return f"{facts.app}-{rng.choice(_WORDS)}-{rng.randrange(100)}"


def _object_key(rng: random.Random) -> str:
    day = f"2025/{rng.randrange(1, 7):02d}/{rng.randrange(1, 29):02d}"
    return f"{rng.choice(_WORDS)}/{day}/part-{rng.randrange(10000):05d}.json"


def _stream_name(rng: random.Random) -> str:
    return "2025/06/01/[$LATEST]" + "".join(rng.choice(_HEX) for _ in range(32))


def _placeholder_value(rng: random.Random, name: str, facts: RoleFacts) -> str:
    word = rng.choice(_WORDS)
    if name == "Partition":
        return "aws"
    if name == "Region":
        return facts.region
    if name == "Account":
        return facts.account
    if name == "BucketName":
        return f"{facts.app}-{facts.env}-{word}-{facts.account}"
    if name == "ObjectName":
        return _object_key(rng)
    if name == "KeyId":
        digits = "".join(rng.choice(_HEX) for _ in range(32))
        return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
    if name == "SecretId":
        return f"{facts.app}/{facts.env}/{word}-" + "".join(rng.choice(_ALNUM) for _ in range(6))
    if name == "ParameterNameWithoutLeadingSlash":
        return f"{facts.app}/{facts.env}/{word}"
    if name == "LogGroupName":
        return f"/aws/lambda/{facts.app}-{word}-{facts.env}"
    if name == "LogStreamName":
        return _stream_name(rng)
    if name == "RoleNameWithPath":
        return f"{facts.app}-{word}-{facts.env}"
    if name == "Id":
        digits = "".join(rng.choice(_HEX) for _ in range(32))
        return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
    return f"{facts.app}-{word}-{facts.env}"


def _weights(
    eff: EffectivePermissions, catalog: AwsCatalog
) -> list[tuple[EventSpec, float, list[str]]]:
    """Each spec the role may call, its weight and the Allow patterns that grant it."""
    found: list[tuple[EventSpec, float, list[str]]] = []
    for spec in SPECS:
        if eff.outcome(spec.action) is not Outcome.ALLOWED:
            continue
        patterns = [
            pattern
            for rule in eff.resources(spec.action)
            if rule.effect is Effect.ALLOW and not rule.negated and rule.source == "identity"
            for pattern in rule.patterns
        ]
        level = catalog.access_level(spec.action)
        weight = LEVEL_WEIGHT.get(level, 1.0) if level is not None else 1.0
        if any(p != "*" for p in patterns):
            weight *= SPECIFIC_WEIGHT
        found.append((spec, weight, patterns))
    return found


def _pick(
    rng: random.Random, weighted: list[tuple[EventSpec, float, list[str]]], n: int
) -> list[tuple[EventSpec, list[str]]]:
    """``n`` distinct specs, drawn by weight (Efraimidis–Spirakis keys)."""
    keyed = sorted(weighted, key=lambda item: -math.log(rng.random() or 1e-300) / item[1])
    return [(spec, patterns) for spec, _, patterns in keyed[:n]]


def profile_of(rng: random.Random) -> str:
    """A usage profile, drawn by weight."""
    names = [name for name, _ in PROFILES]
    return rng.choices(names, weights=[w for _, w in PROFILES])[0]


class UsageChooser:
    """Picks each role's used pairs and checks every one with the evaluator."""

    def __init__(
        self, evaluator: AwsEvaluator, catalog: AwsCatalog, roles: Mapping[str, list[str]]
    ) -> None:
        """Keep the evaluator and the organization's role ARNs by account."""
        self.evaluator = evaluator
        self.catalog = catalog
        self.maker = ResourceMaker(catalog)
        self.roles = roles

    def choose(self, rng: random.Random, facts: RoleFacts, ip: str) -> RoleUsage:
        """The role's used pairs (counts left at 1: the caller spreads events over time)."""
        usage = RoleUsage(profile=profile_of(rng))
        low, high = ACTIONS_PER_PROFILE[usage.profile]
        eff = self.evaluator.effective(facts.arn)
        weighted = _weights(eff, self.catalog)
        wanted = rng.randint(low, high)
        chosen = _pick(rng, weighted, wanted)
        if "lambda.amazonaws.com" in facts.trusted_services and usage.profile != "idle":
            # A function writes its logs on every run, whatever its code does: logs the trail
            # never shows, which the minimizer must keep.
            for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
                extra = [(s, p) for s, _, p in weighted if s.action == action]
                chosen += [e for e in extra if e not in chosen]
        memory: dict[str, str] = {}
        for spec, patterns in chosen:
            self._use(rng, usage, spec, patterns, facts, ip, memory)
        return usage

    def _use(
        self,
        rng: random.Random,
        usage: RoleUsage,
        spec: EventSpec,
        patterns: list[str],
        facts: RoleFacts,
        ip: str,
        memory: dict[str, str],
    ) -> None:
        if spec.resource_type is None:
            pair = self._checked(spec, "*", facts, ip)
            if pair is None:
                usage.rejected += 1
            else:
                usage.pairs.append(pair)
            return
        many = 20 if spec.resource_type == "object" else 4
        wanted = min(many, max(1, int(rng.paretovariate(1.3)))) if many > 1 else 1
        tried: set[str] = set()
        used: list[str] = []
        for _ in range(wanted * 3 + 2):
            if len(used) >= wanted:
                break
            resource = self._candidate(rng, spec, patterns, facts, memory)
            if resource in tried:
                continue
            tried.add(resource)
            pair = self._checked(spec, resource, facts, ip)
            if pair is None:
                usage.rejected += 1
                continue
            usage.pairs.append(pair)
            used.append(resource)
        if not used:
            return
        for _ in range(6):  # a few allowed resources the role never touched
            resource = self._candidate(rng, spec, patterns, facts, memory)
            if resource in tried:
                continue
            tried.add(resource)
            if self._checked(spec, resource, facts, ip) is not None:
                usage.decoys.append((spec.action, resource))
                if len([d for d in usage.decoys if d[0] == spec.action]) >= 2:
                    break

    def _candidate(
        self,
        rng: random.Random,
        spec: EventSpec,
        patterns: list[str],
        facts: RoleFacts,
        memory: dict[str, str],
    ) -> str:
        if spec.resource_type == "role":
            # Calls on roles name roles that exist (GetRole on a made-up name fails), and
            # CloudTrail gives only the name: the reader finds the path in the inventory.
            return rng.choice(self.roles[facts.account])
        specific = [p for p in patterns if p != "*"]
        if specific and rng.random() < 0.9:
            return self.maker.from_pattern(rng, spec, rng.choice(specific), facts)
        return self.maker.synthesize(rng, spec, facts, memory)

    def _checked(
        self, spec: EventSpec, resource: str, facts: RoleFacts, ip: str
    ) -> UsedPair | None:
        """The pair if today's policies allow the call in the context its event carries."""
        parts: Mapping[str, str] = {}
        if spec.resource_type is not None:
            found = self.maker.parts(spec, resource)
            if found is None:
                return None
            parts = found
        region = spec.region or _arn_region(resource) or facts.region
        context: dict[str, Any] = {
            "aws:RequestedRegion": region,
            "aws:SourceIp": ip,
            "aws:SecureTransport": True,
            "aws:ViaAWSService": False,
        }
        invoked_by = None
        decision = self.evaluator.decide(facts.arn, spec.action, resource, context)
        if (
            decision.outcome is Outcome.CONDITIONAL
            and "kms:ViaService" in decision.unknown_condition_keys
        ):
            # A key kept for Secrets Manager: the call comes through that service.
            invoked_by = "secretsmanager.amazonaws.com"
            context["kms:ViaService"] = f"secretsmanager.{region}.amazonaws.com"
            context["aws:ViaAWSService"] = True
            decision = self.evaluator.decide(facts.arn, spec.action, resource, context)
        if decision.outcome is not Outcome.ALLOWED:
            return None
        params = spec.params(parts, resource, region)
        return UsedPair(
            spec=spec,
            resource=resource,
            region=region,
            params=params,
            context=context,
            invoked_by=invoked_by,
        )


def _arn_region(arn: str) -> str | None:
    pieces = arn.split(":", 5)
    return pieces[3] or None if len(pieces) > 4 else None


__all__ = ["BY_ACTION", "ResourceMaker", "RoleFacts", "RoleUsage", "UsageChooser", "UsedPair"]
