"""Resource patterns of policy statements, matched two ways and cached once per search.

* *Could match* is permissive: every wildcard and unresolved policy variable matches anything,
  case ignored. It is used only to rule a resource out: a pattern that cannot even loosely
  match a resource certainly does not match it.
* *Matches* follows IAM: the first five colon-separated parts of an ARN pattern (``arn``,
  partition, service, region, account) each match on their own, so a wildcard there never
  spans a colon, while the resource part may hold colons; matching is case-sensitive (IAM User
  Guide: IAM JSON policy elements: Resource). A pattern still holding a policy variable, or
  that is not shaped like an ARN, has no exact answer here (``None``).

The same managed policies recur across thousands of attackers, and so do their patterns: the
sets of resources a pattern matches among a given list (the roles of an account that a
service may assume, say) are kept per pattern and list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _glob(text: str, *, any_char: str) -> str:
    parts = (re.escape(piece).replace(r"\?", any_char) for piece in text.split("*"))
    return f"{any_char}*".join(parts)


class Patterns:
    """Compiled resource patterns and their cached match sets."""

    def __init__(self) -> None:
        """Start with nothing compiled."""
        self._loose: dict[str, re.Pattern[str]] = {}
        self._exact: dict[str, re.Pattern[str] | None] = {}
        self._sets: dict[tuple[str, object, bool], frozenset[str] | None] = {}
        self.splits: dict[tuple[object, tuple[str, ...]], list[Any] | None] = {}
        """Groups already cut into parts, by group and the patterns that cut them."""

    def could_match(self, pattern: str, resource: str) -> bool:
        """Whether ``pattern`` might match ``resource`` (never false when IAM would match)."""
        compiled = self._loose.get(pattern)
        if compiled is None:
            text = _VARIABLE.sub("*", pattern)
            compiled = self._loose[pattern] = re.compile(_glob(text, any_char="."), re.IGNORECASE)
        return compiled.fullmatch(resource) is not None

    def _compiled_exact(self, pattern: str) -> re.Pattern[str] | None:
        if pattern in self._exact:
            return self._exact[pattern]
        parts = pattern.split(":", 5)
        compiled = None
        if "${" not in pattern and len(parts) == 6:
            head = [_glob(part, any_char="[^:]") for part in parts[:5]]
            compiled = re.compile(":".join([*head, _glob(parts[5], any_char=".")]), re.DOTALL)
        self._exact[pattern] = compiled
        return compiled

    def matches(self, pattern: str, resource: str) -> bool | None:
        """Whether ``pattern`` matches the ARN ``resource`` as IAM does; ``None`` if unsure."""
        compiled = self._compiled_exact(pattern)
        return None if compiled is None else compiled.fullmatch(resource) is not None

    def matching(
        self, pattern: str, key: object, resources: Sequence[str], *, exact: bool = False
    ) -> frozenset[str] | None:
        """The resources of ``resources`` that ``pattern`` matches (exactly or loosely).

        ``key`` names the sequence for the cache. With ``exact``, ``None`` when the pattern has
        no exact answer.
        """
        cache_key = (pattern, key, exact)
        if cache_key in self._sets:
            return self._sets[cache_key]
        found: frozenset[str] | None
        if exact:
            compiled = self._compiled_exact(pattern)
            found = (
                None
                if compiled is None
                else frozenset(r for r in resources if compiled.fullmatch(r) is not None)
            )
        else:
            found = frozenset(r for r in resources if self.could_match(pattern, r))
        self._sets[cache_key] = found
        return found
