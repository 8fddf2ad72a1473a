"""What the GitHub Action's steps share: the runner's files and variables, the REST API.

Standard library only: the steps run these scripts with whatever Python the runner has, and
before (or without) overgrant being importable. The variables and files are GitHub's own:
https://docs.github.com/en/actions/reference/variables-reference and
https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, NoReturn

COMMENT_MARKER = "<!-- overgrant-report -->"
"""The hidden first line of the Markdown report; the one PR comment is found by it."""

SEVERITIES = ("critical", "high", "medium", "low", "info")
API_VERSION = "2022-11-28"
SUMMARY_LIMIT = 1_000_000
"""GitHub refuses a job summary over 1 MiB per step; stay under it."""


def env(name: str, default: str = "") -> str:
    """An environment variable, stripped; the default when unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or default


def notice(kind: str, message: str) -> None:
    """A workflow command (``notice``, ``warning``, ``error``) shown as an annotation."""
    escaped = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    print(f"::{kind}::{escaped}", flush=True)


def set_output(name: str, value: str) -> None:
    """Append a step output to ``$GITHUB_OUTPUT`` (multi-line safe, with a random delimiter)."""
    target = env("GITHUB_OUTPUT")
    if not target:
        print(f"{name}={value}")
        return
    delimiter = f"ghadelimiter_{secrets.token_hex(8)}"
    with Path(target).open("a", encoding="utf-8") as handle:
        handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def gate_line(exit_code: str, fail_on: str) -> str:
    """The gate's verdict in one line of Markdown, from the scan's exit code."""
    if fail_on in ("", "none"):
        return "**Gate:** off (no `fail-on`)."
    if exit_code == "0":
        return f"**Gate** (fail-on `{fail_on}`): ✅ passed: no new finding at or above {fail_on}."
    if exit_code == "1":
        return (
            f"**Gate** (fail-on `{fail_on}`): ❌ failed: new findings at or above {fail_on} "
            "(suppressed and baselined findings never fail it)."
        )
    return f"**Gate** (fail-on `{fail_on}`): ⚠️ the scan did not complete (exit code {exit_code})."


def report_body() -> str:
    """The Markdown report the scan wrote, with the marker first and the gate's verdict last."""
    path = env("OVERGRANT_MARKDOWN")
    try:
        text = Path(path).read_text(encoding="utf-8") if path else ""
    except OSError as exc:
        text = f"overgrant could not read its report ({exc.strerror or exc})."
    if COMMENT_MARKER not in text:
        text = f"{COMMENT_MARKER}\n{text}"
    footer = gate_line(env("OVERGRANT_EXIT_CODE", "2"), env("OVERGRANT_FAIL_ON"))
    return f"{text.rstrip()}\n\n{footer}\n"


class GitHubError(Exception):
    """A REST call failed; ``status`` is the HTTP status (0 when there was no response)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class GitHub:
    """The few REST calls the Action makes, over ``$GITHUB_API_URL`` with the given token."""

    def __init__(self, api_url: str, token: str, *, timeout: float = 30.0) -> None:
        scheme = urllib.parse.urlsplit(api_url).scheme
        if scheme not in ("http", "https"):
            raise GitHubError(0, f"GITHUB_API_URL must be an http(s) URL, not {api_url!r}")
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._timeout = timeout

    def request(
        self, method: str, url: str, payload: dict[str, Any] | None = None
    ) -> tuple[Any, dict[str, str]]:
        """One call; returns the decoded JSON body and the response headers."""
        if not url.startswith(("http://", "https://")):
            url = self.api_url + url
        data = json.dumps(payload).encode("utf-8") if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - checked
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("Authorization", f"Bearer {self._token}")
        request.add_header("X-GitHub-Api-Version", API_VERSION)
        request.add_header("User-Agent", "overgrant-action")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                body = response.read()
                headers = {k.lower(): v for k, v in response.headers.items()}
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            raise GitHubError(exc.code, f"{method} {url}: HTTP {exc.code} {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise GitHubError(0, f"{method} {url}: {exc}") from None
        return (json.loads(body) if body else None), headers

    def pages(self, url: str) -> list[Any]:
        """Every item of a paginated list, following the ``Link: rel="next"`` header."""
        items: list[Any] = []
        next_url: str | None = url
        while next_url:
            page, headers = self.request("GET", next_url)
            items.extend(page or [])
            next_url = next_link(headers.get("link", ""))
        return items


def next_link(header: str) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header, if any."""
    for part in header.split(","):
        if 'rel="next"' in part and "<" in part and ">" in part:
            return part[part.index("<") + 1 : part.index(">")]
    return None


def pull_request_number(event_path: str) -> int | None:
    """The pull request a workflow event is about (pull_request, pull_request_target, or a
    comment on a PR); None for any other event."""
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8")) if event_path else {}
    except (OSError, ValueError):
        return None
    if not isinstance(event, dict):
        return None
    pull = event.get("pull_request")
    if isinstance(pull, dict) and isinstance(pull.get("number"), int):
        return int(pull["number"])
    issue = event.get("issue")
    if isinstance(issue, dict) and "pull_request" in issue and isinstance(issue.get("number"), int):
        return int(issue["number"])
    return None


def fail(message: str, code: int = 2) -> NoReturn:
    """Report an error annotation and end the step with ``code``."""
    notice("error", message)
    sys.exit(code)
