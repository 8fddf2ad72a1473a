"""A stand-in for GitHub's pull-request endpoint on 127.0.0.1, backed by a real bare git remote.

``POST /repos/{owner}/{repo}/pulls`` checks the bearer token, answers 401/403/404/422 the way
GitHub does (a 422 when the head branch was never pushed to the remote or a pull request for it
is already open), and records every request for the test to read.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.loopback_http import LoopbackHttp

_PULLS = re.compile(r"^/repos/(?P<repo>[^/]+/[^/]+)/pulls$")


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakePulls:
    token: str
    remote: Path
    """The bare repository pushes go to: a head branch must exist there."""
    repository: str = "octo-org/estate"
    refuse_writes: bool = False
    redirect_to: str | None = None
    requests: list[Request] = field(default_factory=list)
    pulls: list[dict[str, Any]] = field(default_factory=list)
    _http: LoopbackHttp | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._http is not None
        return self._http.url

    def __enter__(self) -> FakePulls:
        self._http = LoopbackHttp(lambda handler, _method: self._handle(handler)).__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._http is not None
        self._http.__exit__(exc_type, exc, traceback)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            self.requests.append(Request(handler.command, handler.path, headers, body))
        if self.redirect_to is not None:
            return _send(handler, 307, {"message": "moved"}, location=self.redirect_to)
        if headers.get("authorization") != f"Bearer {self.token}":
            return _send(handler, 401, {"message": "Bad credentials"})
        match = _PULLS.match(handler.path)
        if handler.command != "POST" or match is None or match["repo"] != self.repository:
            return _send(handler, 404, {"message": "Not Found"})
        if self.refuse_writes:
            return _send(handler, 403, {"message": "Resource not accessible by integration"})
        return self._create(handler, body)

    def _create(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        head, base = body.get("head", ""), body.get("base", "")
        if not (_branch_exists(self.remote, head) and _branch_exists(self.remote, base)):
            return _send(
                handler,
                422,
                {
                    "message": "Validation Failed",
                    "errors": [{"resource": "PullRequest", "field": "head", "code": "invalid"}],
                },
            )
        with self._lock:
            if any(p["head"] == head and p["base"] == base for p in self.pulls):
                owner = self.repository.split("/")[0]
                return _send(
                    handler,
                    422,
                    {
                        "message": "Validation Failed",
                        "errors": [
                            {
                                "resource": "PullRequest",
                                "code": "custom",
                                "message": f"A pull request already exists for {owner}:{head}.",
                            }
                        ],
                    },
                )
            number = len(self.pulls) + 1
            pull = {
                "number": number,
                "html_url": f"https://github.com/{self.repository}/pull/{number}",
                "head": head,
                "base": base,
                "title": body.get("title"),
                "body": body.get("body"),
                "state": "open",
            }
            self.pulls.append(pull)
        return _send(handler, 201, pull)


def _branch_exists(remote: Path, branch: str) -> bool:
    result = subprocess.run(
        ["git", "-C", str(remote), "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def _send(
    handler: BaseHTTPRequestHandler, status: int, payload: Any, location: str | None = None
) -> None:
    data = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    if location is not None:
        handler.send_header("Location", location)
    handler.end_headers()
    handler.wfile.write(data)
