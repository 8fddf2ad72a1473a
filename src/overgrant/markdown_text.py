"""Making cloud-supplied text safe inside GitHub Markdown and the HTML it allows (PR comments,
pull request bodies, generated READMEs).

A role, policy or account name comes from whoever controls the cloud account. In a pull-request
comment such a name must read as written and never become markup: a ``|`` would split a table
cell, a backtick open a code span, ``<img …>`` inject HTML, ``[x](y)`` a link. Names are never put
in code spans (a backslash is literal there); they are escaped as plain text instead.
"""

from __future__ import annotations

import html
import re

_WHITESPACE = re.compile(r"[\s\x00-\x1f\x7f\u2028\u2029]+")
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|~#!])")
_SAFE_CHARS = 200


def one_line(text: str) -> str:
    """Collapse newlines, tabs and control characters into single spaces (tables are lines)."""
    return _WHITESPACE.sub(" ", text).strip()


def clip(text: str, limit: int = _SAFE_CHARS) -> str:
    """Shorten overly long names with an ellipsis so one hostile value cannot eat the budget."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def md(text: str, limit: int = _SAFE_CHARS) -> str:
    """Plain text for a Markdown paragraph or table cell: escaped, on one line.

    ``<``, ``>`` and ``&`` become entities (so no raw HTML survives); the characters that start
    emphasis, code, links, images, strikethrough or headings, and the table pipe, are
    backslash-escaped (CommonMark allows that for any ASCII punctuation, and GitHub's tables
    honour ``\\|`` inside a cell). Names are never placed at the start of a line, where ``1.``
    or ``-`` would begin a list.
    """
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", clip(one_line(text), limit))
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_html(text: str, limit: int = _SAFE_CHARS) -> str:
    """Text inside raw HTML such as ``<summary>``: Markdown is not parsed there, only entities."""
    return html.escape(clip(one_line(text), limit), quote=True)


def code_block(text: str, language: str = "") -> str:
    """A fenced code block that its content cannot close (the fence outgrows any backtick run)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}\n"
