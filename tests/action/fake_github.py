"""A local stand-in for the few GitHub REST endpoints the Action calls, on 127.0.0.1.

Issue comments (list with ``per_page``/``page`` and a ``Link`` header, create, update), bearer
token checked on every request, and every request recorded for the test to inspect.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.loopback_http import LoopbackHttp

_LIST = re.compile(r"^/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)/comments$")
_ONE = re.compile(r"^/repos/(?P<repo>[^/]+/[^/]+)/issues/comments/(?P<id>\d+)$")


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeGitHub:
    """Comments of one repository's issues and pull requests, kept in memory."""

    token: str
    repository: str = "octo-org/estate"
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    refuse_writes: int | None = None
    """When set, POST and PATCH answer with this status (a fork's read-only token: 403)."""
    _next_id: int = 9000
    _http: LoopbackHttp | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._http is not None
        return self._http.url

    def add_comment(self, number: int, body: str, login: str = "someone") -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            comment = {
                "id": self._next_id,
                "body": body,
                "user": {"login": login},
                "html_url": f"https://github.com/{self.repository}/pull/{number}#issuecomment-"
                f"{self._next_id}",
            }
            self.comments.setdefault(number, []).append(comment)
            return comment

    def marked(self, number: int, marker: str) -> list[dict[str, Any]]:
        return [c for c in self.comments.get(number, []) if marker in c["body"]]

    def writes(self) -> list[Recorded]:
        return [r for r in self.requests if r.method in ("POST", "PATCH")]

    def __enter__(self) -> FakeGitHub:
        self._http = LoopbackHttp(self._handle).__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._http is not None
        self._http.__exit__(exc_type, exc, traceback)

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        self.requests.append(
            Recorded(method, parts.path, parse_qs(parts.query), _lower(handler.headers), body)
        )
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return _send(handler, 401, {"message": "Bad credentials"})
        if method != "GET" and self.refuse_writes is not None:
            return _send(handler, self.refuse_writes, {"message": "Resource not accessible"})
        listing, single = _LIST.match(parts.path), _ONE.match(parts.path)
        if listing and listing["repo"] == self.repository:
            number = int(listing["number"])
            if method == "GET":
                return self._list(handler, number, parse_qs(parts.query))
            if method == "POST":
                return _send(handler, 201, self.add_comment(number, body["body"], "bot"))
        if single and single["repo"] == self.repository and method == "PATCH":
            for comments in self.comments.values():
                for comment in comments:
                    if comment["id"] == int(single["id"]):
                        comment["body"] = body["body"]
                        return _send(handler, 200, comment)
        return _send(handler, 404, {"message": "Not Found"})

    def _list(
        self, handler: BaseHTTPRequestHandler, number: int, query: dict[str, list[str]]
    ) -> None:
        per_page = min(int(query.get("per_page", ["30"])[0]), 100)
        page = int(query.get("page", ["1"])[0])
        comments = self.comments.get(number, [])
        chunk = comments[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(comments):
            base = f"{self.url}/repos/{self.repository}/issues/{number}/comments"
            headers["Link"] = f'<{base}?per_page={per_page}&page={page + 1}>; rel="next"'
        _send(handler, 200, chunk, headers)


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    payload: Any,
    headers: dict[str, str] | None = None,
) -> None:
    data = json.dumps(payload).encode("utf-8")
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(data)


def _lower(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}
