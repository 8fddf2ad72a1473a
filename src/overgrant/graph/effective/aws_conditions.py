"""IAM ``Condition`` blocks, compiled once and evaluated in three-valued logic.

A condition is true, false, or unknown (a key the inventory cannot supply). The rules follow the
IAM User Guide:

* several operators in a block, and several keys under one operator, must all hold (AND); the
  values listed for one key are alternatives (OR), and for a negated operator none may match
  (NOR) ("Conditions with multiple context keys or values");
* a key missing from the request makes a condition false, except for negated operators, which
  are then true, ``...IfExists`` operators, which are then true, and ``Null`` ("Condition
  operators" — the note on missing keys; "...IfExists condition operators"; "Null");
* ``ForAllValues`` holds when every request value matches (and when the key is missing or
  empty); ``ForAnyValue`` holds when at least one does (never for a missing key) ("Set
  operators for multivalued context keys").

Unknown keys combine by Kleene logic: one condition known to be false makes the block false
whatever the unknown keys hold; otherwise any unknown key makes the block unknown and is listed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from overgrant.graph.effective.aws_match import (
    ContextLookup,
    Glob,
    Missing,
    Template,
    compile_pieces,
    parse_template,
    resolve,
    static_pieces,
)
from overgrant.model import JsonValue


class Truth(NamedTuple):
    """A three-valued result with the keys that made it unknown."""

    value: bool | None
    unknown: frozenset[str] = frozenset()


TRUE = Truth(True)
FALSE = Truth(False)

_NEGATED = {
    "stringnotequals": "stringequals",
    "stringnotequalsignorecase": "stringequalsignorecase",
    "stringnotlike": "stringlike",
    "numericnotequals": "numericequals",
    "datenotequals": "dateequals",
    "notipaddress": "ipaddress",
    "arnnotequals": "arnequals",
    "arnnotlike": "arnlike",
}
_GLOB_FAMILIES = {"stringlike": False, "arnlike": True, "arnequals": True}
_QUALIFIERS = ("forallvalues:", "foranyvalue:")


def _parse_date(text: str) -> datetime | None:
    # Date operators accept ISO 8601 dates and times or epoch seconds (Condition operators).
    try:
        moment = datetime.fromtimestamp(float(text), tz=UTC)
    except (ValueError, OverflowError, OSError):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numeric(test: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def compare(request: str, policy: str) -> bool:
        left, right = _number(request), _number(policy)
        return left is not None and right is not None and test(left, right)

    return compare


def _dated(test: Callable[[datetime, datetime], bool]) -> Callable[[str, str], bool]:
    def compare(request: str, policy: str) -> bool:
        left, right = _parse_date(request), _parse_date(policy)
        return left is not None and right is not None and test(left, right)

    return compare


def _in_network(request: str, policy: str) -> bool:
    try:
        return ipaddress.ip_address(request) in ipaddress.ip_network(policy, strict=False)
    except ValueError:
        return False


_PLAIN: dict[str, Callable[[str, str], bool]] = {
    "stringequals": lambda r, p: r == p,
    "stringequalsignorecase": lambda r, p: r.casefold() == p.casefold(),
    "numericequals": _numeric(lambda r, p: r == p),
    "numericlessthan": _numeric(lambda r, p: r < p),
    "numericlessthanequals": _numeric(lambda r, p: r <= p),
    "numericgreaterthan": _numeric(lambda r, p: r > p),
    "numericgreaterthanequals": _numeric(lambda r, p: r >= p),
    "dateequals": _dated(lambda r, p: r == p),
    "datelessthan": _dated(lambda r, p: r < p),
    "datelessthanequals": _dated(lambda r, p: r <= p),
    "dategreaterthan": _dated(lambda r, p: r > p),
    "dategreaterthanequals": _dated(lambda r, p: r >= p),
    "bool": lambda r, p: r.lower() == p.lower(),
    "binaryequals": lambda r, p: r == p,
    "ipaddress": _in_network,
}


@dataclass(frozen=True, slots=True)
class ConditionTest:
    """One operator applied to one key with its policy values."""

    operator: str
    family: str
    """Lower-case base operator without qualifier, ``IfExists`` or negation (``stringlike``)."""
    negated: bool
    if_exists: bool
    qualifier: str
    """``""``, ``"forallvalues"`` or ``"foranyvalue"``."""
    key: str
    key_lower: str
    values: tuple[Template, ...]
    globs: tuple[Glob, ...] | None
    """Pre-compiled patterns when the family matches globs and no value has variables."""
    texts: tuple[str, ...] | None
    """Plain values when no value has variables."""

    @property
    def supported(self) -> bool:
        """Whether this evaluator implements the operator."""
        return self.family == "null" or self.family in _PLAIN or self.family in _GLOB_FAMILIES


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled ``Condition`` block."""

    tests: tuple[ConditionTest, ...]
    keys: frozenset[str]
    """Every key the block reads (lower case), including those in policy variables."""


def _value_texts(raw: JsonValue) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    texts: list[str] = []
    for item in items:
        if isinstance(item, bool):
            texts.append("true" if item else "false")
        elif isinstance(item, str | int | float):
            texts.append(str(item))
    return texts


def _split_operator(operator: str) -> tuple[str, bool, bool, str]:
    lowered = operator.strip().lower()
    qualifier = ""
    for prefix in _QUALIFIERS:
        if lowered.startswith(prefix):
            qualifier, lowered = prefix[:-1], lowered[len(prefix) :]
    if_exists = lowered.endswith("ifexists")
    if if_exists:
        lowered = lowered[: -len("ifexists")]
    negated = lowered in _NEGATED
    return _NEGATED.get(lowered, lowered), negated, if_exists, qualifier


def _make_test(operator: str, key: str, raw: JsonValue, *, variables: bool) -> ConditionTest:
    family, negated, if_exists, qualifier = _split_operator(operator)
    values = tuple(parse_template(t, variables=variables) for t in _value_texts(raw))
    statics = [static_pieces(v) for v in values]
    texts = globs = None
    if all(p is not None for p in statics):
        texts = tuple(v.text for v in values)
        if family in _GLOB_FAMILIES:
            arn = _GLOB_FAMILIES[family]
            globs = tuple(compile_pieces(p, arn=arn) for p in statics if p is not None)
    return ConditionTest(
        operator, family, negated, if_exists, qualifier, key, key.lower(), values, globs, texts
    )


def compile_condition(block: JsonValue, *, variables: bool) -> Condition | None:
    """Compile a statement's ``Condition`` element; ``None`` when it is absent or empty."""
    if not isinstance(block, dict) or not block:
        return None
    tests: list[ConditionTest] = []
    for operator, entries in block.items():
        if not isinstance(entries, dict):
            continue
        for key, raw in entries.items():
            tests.append(_make_test(operator, key, raw, variables=variables))
    keys = {t.key_lower for t in tests}
    keys.update(k.lower() for t in tests for v in t.values for k in v.keys)
    return Condition(tuple(tests), frozenset(keys)) if tests else None


def evaluate_condition(condition: Condition, context: ContextLookup) -> Truth:
    """Evaluate every test of a block against the request (Kleene AND)."""
    unknown: set[str] = set()
    for test in condition.tests:
        result = evaluate_test(test, context)
        if result.value is False:
            return FALSE
        if result.value is None:
            unknown.update(result.unknown)
    return Truth(None, frozenset(unknown)) if unknown else TRUE


def evaluate_test(test: ConditionTest, context: ContextLookup) -> Truth:
    """Evaluate one operator on one key."""
    if not test.supported:
        return Truth(None, frozenset({test.key}))
    found = context.get(test.key_lower)
    if found is Missing.UNKNOWN:
        return Truth(None, frozenset({test.key}))
    present = found is not Missing.ABSENT and len(found) > 0
    if test.family == "null":
        wants_absent = any(t.lower() == "true" for t in (test.texts or ()))
        return Truth(present != wants_absent)
    if found is Missing.ABSENT or not found:
        if test.if_exists or test.qualifier == "forallvalues":
            return TRUE
        if test.qualifier == "foranyvalue":
            return FALSE
        return Truth(test.negated)
    matcher = _matcher(test, context)
    if isinstance(matcher, Truth):
        return matcher
    hits = [matcher(value) for value in found]
    if test.qualifier == "forallvalues":
        return Truth(all(h != test.negated for h in hits))
    if test.qualifier == "foranyvalue":
        return Truth(any(h != test.negated for h in hits))
    return Truth(any(hits) != test.negated)


def _matcher(test: ConditionTest, context: ContextLookup) -> Callable[[str], bool] | Truth:
    """A function telling whether one request value matches any policy value."""
    globs, texts = test.globs, test.texts
    if texts is None:
        resolved = [resolve(v, context) for v in test.values]
        unknown = frozenset(k for r in resolved for k in r.unknown)
        if unknown:
            return Truth(None, unknown)
        pieces = [r.pieces for r in resolved if r.pieces is not None]
        texts = tuple("".join(text for _, text in p) for p in pieces)
        if test.family in _GLOB_FAMILIES:
            globs = tuple(compile_pieces(p, arn=_GLOB_FAMILIES[test.family]) for p in pieces)
    if globs is not None:
        patterns = globs
        return lambda value: any(g.matches(value) for g in patterns)
    compare = _PLAIN[test.family]
    values = texts
    return lambda value: any(compare(value, p) for p in values)


def reads_resource(key: str) -> bool:
    """Whether a condition key describes the request's resource (lower-case key).

    ``aws:ResourceTag/*``, ``aws:ResourceAccount``, ``aws:ResourceOrgID`` and service keys
    such as ``iam:ResourceTag/*`` are unknown on ``"*"`` but may be known for one resource.
    ``iam:AssociatedResourceArn`` names where a passed role will be used, not the role.
    """
    return "resource" in key and key != "iam:associatedresourcearn"
