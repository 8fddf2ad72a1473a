"""Cloud-supplied text made safe in the Markdown that remediation writes (PR body, README).

Role, policy and tag values come from whoever controls the account; in Markdown they must read
as written and never become markup, HTML, links or table breaks. (The scan report has its own
copy of this idea in ``overgrant.report.markdown_text``, a layer above remediation that this
package may not import.)
"""

from __future__ import annotations

import html
import re

_CONTROL_OR_BLANK = re.compile(r"[\s\x00-\x1f\x7f\u2028\u2029]+")
_MARKUP = re.compile(r"([\\`*_\[\]|~#!<>&])")
MAX_NAME = 200


def single_line(text: str, limit: int = MAX_NAME) -> str:
    """One line, control characters removed, clipped to ``limit`` characters."""
    flat = _CONTROL_OR_BLANK.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def md_text(text: str, limit: int = MAX_NAME) -> str:
    """Plain text inside a Markdown paragraph, list item or table cell.

    ASCII punctuation that could open markup is backslash-escaped (CommonMark allows it for any
    ASCII punctuation); ``<``, ``>`` and ``&`` become entities so no raw HTML can appear.
    """
    escaped = _MARKUP.sub(r"\\\1", single_line(text, limit))
    return escaped.replace("\\&", "&amp;").replace("\\<", "&lt;").replace("\\>", "&gt;")


def md_html(text: str, limit: int = MAX_NAME) -> str:
    """Text inside raw HTML (``<summary>``), where only entities are understood."""
    return html.escape(single_line(text, limit), quote=True)


def code_block(text: str, language: str = "") -> str:
    """A fenced code block that its content cannot close (the fence outgrows any backtick run)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}\n"
