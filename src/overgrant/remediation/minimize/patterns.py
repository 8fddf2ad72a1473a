"""Containment between IAM patterns: may a narrower pattern stand in for a wider one?

The minimizer writes a pattern (``arn:aws:s3:::logs/2026/*``, ``s3:Get*``) only where it can
show that every string it matches is matched by today's statement too; the proof checks the same
with the same functions. The test is *sufficient*, not complete: when it cannot tell, it says
no, and the minimizer lists literals instead.

Inner patterns are either literal or ``prefix*`` (one trailing wildcard). An outer glob
contains ``prefix*`` when, after reading ``prefix``, it can be at a ``*`` that may consume any
text and is followed only by more wildcards of that kind. IAM keeps ``*`` and ``?`` within one
segment in the first five colon-separated parts of an ARN (IAM User Guide: IAM JSON policy
elements: Resource), so such a ``*`` cannot consume a colon and does not count.
"""

from __future__ import annotations

from dataclasses import dataclass

_LITERAL, _ONE, _ANY = 0, 1, 2


@dataclass(frozen=True, slots=True)
class _Token:
    kind: int
    char: str = ""
    in_segment: bool = False
    """A wildcard in the first five ARN segments: it never matches a colon."""


def _tokens(pattern: str, *, arn: bool) -> list[_Token]:
    segmented = arn and pattern.startswith("arn:")
    tokens: list[_Token] = []
    colons = 0
    for char in pattern:
        if char in "*?":
            kind = _ANY if char == "*" else _ONE
            tokens.append(_Token(kind, in_segment=segmented and colons < 5))
        else:
            colons += char == ":"
            tokens.append(_Token(_LITERAL, char))
    return tokens


def _closure(tokens: list[_Token], states: set[int]) -> set[int]:
    # A '*' may match nothing: from its position the next one is reachable too.
    found = set(states)
    pending = list(states)
    while pending:
        position = pending.pop()
        if position < len(tokens) and tokens[position].kind == _ANY and position + 1 not in found:
            found.add(position + 1)
            pending.append(position + 1)
    return found


def _step(tokens: list[_Token], states: set[int], char: str) -> set[int]:
    moved: set[int] = set()
    for position in states:
        if position >= len(tokens):
            continue
        token = tokens[position]
        if token.kind == _LITERAL:
            if token.char == char:
                moved.add(position + 1)
        elif token.in_segment and char == ":":
            continue
        elif token.kind == _ONE:
            moved.add(position + 1)
        else:
            moved.add(position)
    return _closure(tokens, moved)


def _run(tokens: list[_Token], text: str) -> set[int]:
    states = _closure(tokens, {0})
    for char in text:
        states = _step(tokens, states, char)
        if not states:
            break
    return states


def _accepts_any_suffix(tokens: list[_Token], position: int) -> bool:
    rest = tokens[position:]
    return bool(rest) and all(t.kind == _ANY for t in rest) and any(not t.in_segment for t in rest)


def is_pattern(text: str) -> bool:
    """Whether the text holds an IAM wildcard."""
    return "*" in text or "?" in text


def glob_contains(outer: str, inner: str, *, arn: bool, ignore_case: bool = False) -> bool:
    """Whether every string ``inner`` matches is matched by ``outer`` (sufficient test).

    Args:
        outer: a pattern as today's statement writes it.
        inner: a literal, or ``prefix*`` with no other wildcard.
        arn: match as ARNs (wildcards stay in segment in the first five parts).
        ignore_case: compare case-insensitively (IAM action names).
    """
    if ignore_case:
        outer, inner = outer.lower(), inner.lower()
    if outer == inner or outer == "*":
        return True
    tokens = _tokens(outer, arn=arn)
    if not is_pattern(inner):
        return len(tokens) in _run(tokens, inner)
    prefix = inner[:-1]
    if not inner.endswith("*") or is_pattern(prefix):
        return False
    return any(_accepts_any_suffix(tokens, p) for p in _run(tokens, prefix))


def resource_contained(inner: str, outers: tuple[str, ...], *, negated: bool) -> bool:
    """Whether resource pattern ``inner`` lies within a statement's Resource (or NotResource).

    For ``NotResource`` only a literal can be shown inside: no listed pattern may match it.
    """
    if negated:
        return not is_pattern(inner) and not any(glob_contains(o, inner, arn=True) for o in outers)
    return any(glob_contains(o, inner, arn=True) for o in outers)


def action_contained(inner: str, patterns: tuple[str, ...], *, negated: bool) -> bool:
    """Whether action pattern ``inner`` lies within a statement's Action (or NotAction).

    For ``NotAction``: a literal is inside when no listed pattern matches it; ``svc:Prefix*``
    only when every listed pattern names another service literally (so none can overlap).
    """
    if not negated:
        return any(glob_contains(p, inner, arn=False, ignore_case=True) for p in patterns)
    if not is_pattern(inner):
        return not any(glob_contains(p, inner, arn=False, ignore_case=True) for p in patterns)
    service = inner.partition(":")[0].lower()
    if is_pattern(service):
        return False
    for pattern in patterns:
        other = pattern.partition(":")[0].lower()
        if is_pattern(other) or other == service:
            return False
    return True
