"""Embedding untrusted values in generated Python source, safely and readably.

Every value that reaches a generated program comes from a cloud account (role names, tags,
descriptions, policy documents) and so from whoever controls it. Values are therefore only ever
written as Python literals built from :func:`repr` (which escapes quotes, backslashes, newlines and
every non-printable character), never pasted into code; text that goes into a comment is reduced
to printable characters on one line so that it cannot end the comment and start code.
"""

from __future__ import annotations

import keyword
import re

from overgrant.model import JsonValue

LINE_WIDTH = 99
"""Generated lines aim to fit here (a literal that cannot be split may run longer)."""

_NOT_IDENTIFIER = re.compile(r"[^0-9a-zA-Z_]+")
_BLANKS = re.compile(r"\s+")


def py_str(text: str) -> str:
    """A Python string literal for ``text``, double-quoted when that needs no extra escape."""
    literal = repr(text)
    # repr picks single quotes unless the text holds ' and no "; when the text holds no " at
    # all, the same escaped body is valid between double quotes (the house quote style).
    if literal.startswith("'") and '"' not in text:
        return f'"{literal[1:-1]}"'
    return literal


def py_literal(value: JsonValue, indent: int = 0, lead: int = 0) -> str:
    """A Python literal equal to a JSON value, broken over lines when it does not fit.

    ``indent`` is the indentation of the line the literal starts on and ``lead`` the columns
    already used on it. Dicts keep their key order (a policy document is written in the
    minimizer's order) and JSON's ``true``/``false``/``null`` become ``True``/``False``/``None``,
    so ``json.dumps`` of the literal gives back the same document.
    """
    flat = _flat(value)
    if lead + len(flat) + 1 <= LINE_WIDTH or not isinstance(value, dict | list) or not value:
        return flat
    inner = " " * (indent + 4)
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            head = f"{inner}{py_str(key)}: "
            items.append(f"{head}{py_literal(item, indent + 4, len(head))},")
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{inner}{py_literal(item, indent + 4, len(inner))}," for item in value]
    return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"


def _flat(value: JsonValue) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_str(k)}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, bool | int | float) or value is None:
        return repr(value)
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def comment_text(text: str) -> str:
    """Text safe inside a ``#`` comment: printable characters only, on one line."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return _BLANKS.sub(" ", printable).strip()


def comment_lines(text: str, prefix: str = "# ", width: int = LINE_WIDTH) -> list[str]:
    """A comment wrapped at word boundaries; continuation lines are indented by two spaces."""
    words = comment_text(text).split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and len(prefix) + len(candidate) > width:
            lines.append(prefix + current)
            current = "  " + word
        else:
            current = candidate
    if current:
        lines.append(prefix + current)
    return lines


def identifier(text: str, taken: set[str]) -> str:
    """A fresh Python identifier that reads like ``text``; recorded in ``taken``."""
    base = _NOT_IDENTIFIER.sub("_", text).strip("_").lower() or "identity"
    if base[0].isdigit() or keyword.iskeyword(base):
        base = f"_{base}"
    name, counter = base, 2
    while name in taken:
        name, counter = f"{base}_{counter}", counter + 1
    taken.add(name)
    return name
