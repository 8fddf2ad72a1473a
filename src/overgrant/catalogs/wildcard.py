"""Glob patterns with ``*`` and ``?`` as cloud policies write them, turned into regular expressions.

AWS, Azure and GCP policies all use the same two wildcards: ``*`` for any run of characters
(possibly empty) and ``?`` for exactly one character. Everything else is literal.
"""

from __future__ import annotations

import re

WILDCARD_CHARS = frozenset("*?")


def has_wildcard(pattern: str) -> bool:
    """Whether ``pattern`` contains ``*`` or ``?``."""
    return "*" in pattern or "?" in pattern


def glob_to_regex_source(pattern: str, *, star: str = ".*", question: str = ".") -> str:
    """Translate a glob into the source of a regular expression (no anchors).

    Args:
        pattern: the glob text; ``*`` and ``?`` are wildcards, every other character is literal.
        star: the expression that ``*`` becomes (``[^:]*`` keeps it inside one ARN segment).
        question: the expression that ``?`` becomes.

    Returns:
        Regular-expression source to be used with :func:`re.fullmatch` semantics.
    """
    parts: list[str] = []
    literal_start = 0
    for position, char in enumerate(pattern):
        if char in WILDCARD_CHARS:
            parts.append(re.escape(pattern[literal_start:position]))
            parts.append(star if char == "*" else question)
            literal_start = position + 1
    parts.append(re.escape(pattern[literal_start:]))
    return "".join(parts)


def compile_glob(pattern: str) -> re.Pattern[str]:
    """Compile a glob to a pattern matched with ``fullmatch`` (case-sensitive, ``*`` spans all)."""
    return re.compile(glob_to_regex_source(pattern), re.DOTALL)
