"""Matching as IAM does it: ARNs with wildcards, string globs, and policy variables.

* ARN patterns (``Resource``, ``NotResource``, ``ArnLike``) are matched segment by segment: the
  first five colon-separated parts (``arn``, partition, service, region, account) each match on
  their own, so a wildcard there never spans a colon, while the resource part may contain colons
  and slashes (IAM User Guide: IAM JSON policy elements: Resource — "each segment can contain
  wildcards"; Condition operators — ARN operators check "each of the six colon-delimited
  components of the ARN separately"). Matching is case-sensitive.
* Policy variables ``${key}`` and ``${key, 'default'}`` are replaced by the request's values, and
  ``${*}``, ``${?}``, ``${$}`` stand for the literal characters (IAM User Guide: IAM policy
  elements: Variables and tags). They are only recognised in documents of version 2012-10-17;
  in version 2008-10-17 (also the default when ``Version`` is missing) ``${...}`` is plain text
  (IAM User Guide: IAM JSON policy elements: Version).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, TypeAlias

VARIABLES_VERSION = "2012-10-17"


class Missing(Enum):
    """Why a request-context key has no value here."""

    ABSENT = "absent"
    """Known not to be in the request (for example ``aws:username`` for a role)."""
    UNKNOWN = "unknown"
    """Not known to the inventory: the key may hold any value, or none."""


ContextValue: TypeAlias = tuple[str, ...] | Missing
"""A request-context key's values (most keys hold one), or why it has none."""


class ContextLookup(Protocol):
    """Reads request-context keys, given in lower case."""

    def get(self, key: str) -> ContextValue:
        """The value of ``key`` (lower case) in the request."""
        ...


# A template part: (kind, text, default). Kinds: glob text whose * and ? are wildcards,
# literal text (never wildcards), or a variable whose text is the key (lower case).
_GLOB, _LITERAL, _VARIABLE = 0, 1, 2
_Part: TypeAlias = tuple[int, str, str | None]
_SPECIAL = {"*": "*", "?": "?", "$": "$"}
_VARIABLE_RE = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True, slots=True)
class Template:
    """A policy string that may contain policy variables, parsed once."""

    text: str
    parts: tuple[_Part, ...]
    keys: tuple[str, ...]
    """The variables' keys, as written in the policy."""

    @property
    def has_variables(self) -> bool:
        """Whether the text names at least one context key."""
        return bool(self.keys)


def parse_template(text: str, *, variables: bool) -> Template:
    """Parse ``text``; with ``variables`` false (version 2008-10-17) ``${...}`` stays literal."""
    if not variables or "${" not in text:
        return Template(text, ((_GLOB, text, None),), ())
    parts: list[_Part] = []
    keys: list[str] = []
    position = 0
    for found in _VARIABLE_RE.finditer(text):
        if found.start() > position:
            parts.append((_GLOB, text[position : found.start()], None))
        body = found.group(1).strip()
        if body in _SPECIAL:
            parts.append((_LITERAL, _SPECIAL[body], None))
        else:
            key, default = _split_default(body)
            keys.append(key)
            parts.append((_VARIABLE, key.lower(), default))
        position = found.end()
    if position < len(text):
        parts.append((_GLOB, text[position:], None))
    return Template(text, tuple(parts), tuple(keys))


def _split_default(body: str) -> tuple[str, str | None]:
    key, comma, rest = body.partition(",")
    if not comma:
        return key.strip(), None
    rest = rest.strip()
    if len(rest) >= 2 and rest[0] == rest[-1] == "'":
        return key.strip(), rest[1:-1].replace("''", "'")
    return key.strip(), None


@dataclass(frozen=True, slots=True)
class Resolved:
    """A template with its variables replaced: ``pieces`` of (is glob, text), or why not."""

    pieces: tuple[tuple[bool, str], ...] | None
    unknown: frozenset[str] = frozenset()
    """Keys whose values are unknown (then ``pieces`` is None)."""


_NO_VALUE = Resolved(None)


def resolve(template: Template, context: ContextLookup) -> Resolved:
    """Replace the template's variables with the request's values.

    A variable whose key is absent and that has no default makes the string match nothing (IAM
    User Guide: Variables and tags — "Policy variables with no value"); a key that is unknown
    here makes the result unknown.
    """
    pieces: list[tuple[bool, str]] = []
    unknown: set[str] = set()
    for kind, text, default in template.parts:
        if kind != _VARIABLE:
            pieces.append((kind == _GLOB, text))
            continue
        value = context.get(text)
        if value is Missing.UNKNOWN:
            unknown.add(_original_key(template, text))
        elif value is Missing.ABSENT or len(value) != 1:
            # Multi-valued keys cannot be used as variables; absent ones fall back to a default.
            if default is None:
                return _NO_VALUE  # decisive whatever the unknown keys hold
            pieces.append((False, default))
        else:
            pieces.append((False, value[0]))
    if unknown:
        return Resolved(None, frozenset(unknown))
    return Resolved(tuple(pieces))


def _original_key(template: Template, lowered: str) -> str:
    return next((key for key in template.keys if key.lower() == lowered), lowered)


def static_pieces(template: Template) -> tuple[tuple[bool, str], ...] | None:
    """The pieces of a template without variables (``None`` if it has variables)."""
    if template.has_variables:
        return None
    return tuple((kind == _GLOB, text) for kind, text, _ in template.parts)


@dataclass(frozen=True, slots=True)
class Glob:
    """A compiled pattern: everything, one exact string, or a glob matched by a regular
    expression built and compiled on first use (most statements of a large estate are never
    asked about a specific resource; building every expression up front cost about a
    millisecond per policy)."""

    everything: bool = False
    exact: str | None = None
    pieces: tuple[tuple[bool, str], ...] | None = None
    arn: bool = False

    def matches(self, value: str) -> bool:
        """Whether ``value`` matches the whole pattern."""
        if self.everything:
            return True
        if self.pieces is not None:
            return _regex(self.pieces, self.arn).fullmatch(value) is not None
        return value == self.exact


def compile_pieces(pieces: tuple[tuple[bool, str], ...], *, arn: bool) -> Glob:
    """Compile resolved pieces; ``arn`` keeps wildcards inside the first five ARN segments."""
    if not any(is_glob and ("*" in text or "?" in text) for is_glob, text in pieces):
        return Glob(exact="".join(text for _, text in pieces))
    if pieces == ((True, "*"),):
        return Glob(everything=True)
    return Glob(pieces=pieces, arn=arn)


@functools.cache
def _regex(pieces: tuple[tuple[bool, str], ...], arn: bool) -> re.Pattern[str]:
    """The regular expression of a glob's pieces, once per distinct glob."""
    # An ARN pattern keeps each wildcard of its first five segments inside that segment, even
    # when it has fewer segments than an ARN (it then matches nothing longer); other text is a
    # plain glob.
    segmented = arn and "".join(text for _, text in pieces).startswith("arn:")
    out: list[str] = []
    colons = 0
    for is_glob, text in pieces:
        for char in text:
            if is_glob and char in "*?":
                inside = segmented and colons < 5
                if char == "*":
                    out.append("[^:]*" if inside else ".*")
                else:
                    out.append("[^:]" if inside else ".")
            else:
                colons += char == ":"
                out.append(re.escape(char))
    return re.compile("".join(out), re.DOTALL)


@dataclass(frozen=True, slots=True)
class Arn:
    """The parts of an ARN: ``arn:partition:service:region:account:resource``."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(text: str) -> Arn | None:
    """Split an ARN into its parts; ``None`` if the text is not an ARN."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])
