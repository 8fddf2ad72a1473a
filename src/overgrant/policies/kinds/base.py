"""The contract between the engine and the rule kinds, and helpers every kind uses.

A kind is a function of the scan context and a rule's parameters that yields :class:`Match`
objects (an identity, the kind's identity key, a message and evidence) and, when the inventory
lacks the evidence it needs, :class:`Limitation` notes. The engine turns matches into findings
(adding the rule id, name and severity, and the fingerprint) and limitations into warnings, so
that a report never calls clean what it could not check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from overgrant.errors import ConfigError
from overgrant.findings import Evidence
from overgrant.graph.nodes import NodeKind, split_key
from overgrant.model import Identity, IdentityKind, JsonValue, Nature
from overgrant.policies.context import ScanContext

Params = Mapping[str, JsonValue]
"""A rule's ``params`` as loaded (already checked against the kind's schema)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """One thing a kind found about one identity."""

    identity: Identity
    key: str
    """What distinguishes two matches of one rule on one identity (a credential id, a service,
    an escalation method and its target); part of the finding's fingerprint."""
    message: str
    """One line saying what was found, without the rule's title."""
    evidence: Evidence = field(default_factory=Evidence)


@dataclass(frozen=True, slots=True)
class Limitation:
    """Something a kind could not check because the inventory lacks the evidence."""

    message: str


Detect = Callable[[ScanContext, Params], Iterable[Match | Limitation]]


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleKind:
    """A rule kind: its name (what rule files say in ``kind``), a summary and its detector."""

    name: str
    summary: str
    detect: Detect


# -- parameters ------------------------------------------------------------------------------


def _bad(key: str, expected: str) -> ConfigError:
    return ConfigError(f"rule parameter {key!r} must be {expected}")


def strings(params: Params, key: str, default: Sequence[str] = ()) -> tuple[str, ...]:
    """A list-of-strings parameter."""
    value = params.get(key)
    if value is None:
        return tuple(default)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(key, "a list of strings")
    return tuple(str(v) for v in value)


def integer(params: Params, key: str, default: int) -> int:
    """An integer parameter."""
    value = params.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _bad(key, "an integer")
    return value


def flag(params: Params, key: str, default: bool) -> bool:
    """A boolean parameter."""
    value = params.get(key, default)
    if not isinstance(value, bool):
        raise _bad(key, "true or false")
    return value


def text(params: Params, key: str, default: str) -> str:
    """A string parameter."""
    value = params.get(key, default)
    if not isinstance(value, str):
        raise _bad(key, "a string")
    return value


NON_HUMAN = (Nature.WORKLOAD, Nature.UNKNOWN)
"""The default population of most kinds: identities not known to be used by a person."""

ACTING_KINDS = tuple(k for k in IdentityKind if k not in (IdentityKind.GROUP, IdentityKind.ROOT))
"""Identities that act and can be changed (the account root user aside)."""


@dataclass(frozen=True, slots=True)
class Selector:
    """Which identities a rule looks at: by nature and by kind (``natures``, ``identity_kinds``)."""

    natures: frozenset[Nature]
    kinds: frozenset[IdentityKind]

    @classmethod
    def of(
        cls,
        params: Params,
        *,
        natures: Sequence[Nature] = NON_HUMAN,
        kinds: Sequence[IdentityKind] = ACTING_KINDS,
    ) -> Selector:
        """The selector a rule's parameters ask for, with the kind's defaults."""
        return cls(
            frozenset(Nature(n) for n in strings(params, "natures", natures)),
            frozenset(IdentityKind(k) for k in strings(params, "identity_kinds", kinds)),
        )

    def accepts(self, identity: Identity) -> bool:
        """Whether the identity is in the rule's population."""
        return identity.nature in self.natures and identity.kind in self.kinds

    def pick(self, context: ScanContext) -> list[Identity]:
        """The context's identities in the rule's population."""
        return [i for i in context.identities if self.accepts(i)]


def elapsed_days(now: datetime, moment: datetime) -> int:
    """Whole days from ``moment`` to ``now`` (never negative); naive times are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, (now - moment).days)


# -- wording ---------------------------------------------------------------------------------


def node_label(key: str) -> str:
    """A short readable name for a graph node key (``admin of aws account 222222222222``)."""
    kind, ident = split_key(key)
    if kind is NodeKind.ADMIN:
        cloud, _, rest = ident.partition("/")
        scope_kind, _, scope = rest.partition("/")
        return f"admin of {cloud} {scope_kind} {scope}"
    if kind is NodeKind.EXTERNAL:
        return "anyone" if ident == "anyone" else ident.replace("/", " ")
    if kind is NodeKind.PROVIDER:
        return ident.rpartition(":")[2]  # the provider's own name, without its container
    return ident


def listing(items: Sequence[str], limit: int = 3) -> str:
    """``a, b, c and 4 more`` — a short list for one-line messages."""
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"


def plural(count: int, word: str) -> str:
    """``1 action``, ``3 actions``, ``2 identities``."""
    if count == 1:
        return f"{count} {word}"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return f"{count} {word[:-1]}ies"
    return f"{count} {word}s"
