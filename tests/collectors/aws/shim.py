"""A small WSGI proxy in front of moto that answers chosen AWS calls itself.

moto lacks some APIs (Access Advisor, CloudTrail ``LookupEvents``) and cannot be made to
throttle or to refuse one particular call. The shim dispatches on the IAM/STS query
``Action`` form field or on the ``X-Amz-Target`` header of JSON protocols to handlers a test
registers; a handler returns a :class:`ShimResponse` in the real wire format, or ``None`` to
let the request through to moto unchanged. The SDK still speaks its real protocol, over
real HTTP on 127.0.0.1.

    shim.on_action("GetAccountAuthorizationDetails", fail_times(2, query_error("Throttling")))
    shim.on_target("CloudTrail_20131101.LookupEvents", lambda request: json_reply({...}))
"""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

# Headers that describe one hop of a connection and must not be forwarded.
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length"}
)


@dataclass(frozen=True)
class ShimRequest:
    """One intercepted request: enough for a handler to decide and to build its answer."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)
    """Query-protocol parameters (``Action``, ``RoleArn``...), empty for JSON protocols."""

    @property
    def action(self) -> str | None:
        return self.form.get("Action")

    @property
    def target(self) -> str | None:
        return self.headers.get("x-amz-target")

    def json(self) -> object:
        return json.loads(self.body or b"{}")


@dataclass(frozen=True)
class ShimResponse:
    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


Handler = Callable[[ShimRequest], ShimResponse | None]


def query_error(
    code: str, message: str = "Rate exceeded", *, status: int = 400, kind: str = "Sender"
) -> ShimResponse:
    """An error in the IAM/STS query protocol's XML shape (``ErrorResponse/Error/Code``)."""
    body = (
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
        f"<Error><Type>{escape(kind)}</Type><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )
    return ShimResponse(status, body.encode(), "text/xml")


def json_error(code: str, message: str, *, status: int = 400) -> ShimResponse:
    """An error in the JSON 1.1 protocol's shape (``__type`` and ``message``)."""
    body = json.dumps({"__type": code, "message": message}).encode()
    return ShimResponse(status, body, "application/x-amz-json-1.1")


def json_reply(payload: object) -> ShimResponse:
    """A successful JSON 1.1 answer (CloudTrail, Access Analyzer...)."""
    return ShimResponse(200, json.dumps(payload).encode(), "application/x-amz-json-1.1")


def fail_times(times: int, response: ShimResponse) -> Handler:
    """A handler that answers ``response`` for the first ``times`` calls, then passes through."""
    remaining = [times]
    lock = threading.Lock()

    def handler(_: ShimRequest) -> ShimResponse | None:
        with lock:
            if remaining[0] <= 0:
                return None
            remaining[0] -= 1
        return response

    return handler


def always(response: ShimResponse) -> Handler:
    return lambda _: response


class AwsShim:
    """The WSGI application: registered handlers first, moto (``upstream``) for the rest."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._actions: dict[str, Handler] = {}
        self._targets: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self.answered: Counter[str] = Counter()
        """How many times a handler answered each Action or target (passed-through not counted)."""
        self.seen: Counter[str] = Counter()
        """How many requests reached the shim for each Action or target."""

    def on_action(self, action: str, handler: Handler) -> None:
        """Handle query-protocol calls (IAM, STS) whose ``Action`` is ``action``."""
        self._actions[action] = handler

    def on_target(self, target: str, handler: Handler) -> None:
        """Handle JSON-protocol calls whose ``X-Amz-Target`` header is ``target``."""
        self._targets[target] = handler

    def clear(self) -> None:
        self._actions.clear()
        self._targets.clear()
        self.answered.clear()
        self.seen.clear()

    def _parse(self, request: Request) -> ShimRequest:
        body = request.get_data(cache=True, parse_form_data=False)
        form: dict[str, str] = dict(parse_qsl(request.query_string.decode()))
        if request.mimetype == "application/x-www-form-urlencoded":
            form.update(parse_qsl(body.decode()))
        return ShimRequest(
            method=request.method,
            path=request.full_path if request.query_string else request.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            form=form,
        )

    def _handler(self, shim_request: ShimRequest) -> tuple[str | None, Handler | None]:
        if shim_request.action and shim_request.action in self._actions:
            return shim_request.action, self._actions[shim_request.action]
        if shim_request.target and shim_request.target in self._targets:
            return shim_request.target, self._targets[shim_request.target]
        return shim_request.action or shim_request.target, None

    def _forward(self, shim_request: ShimRequest) -> Response:
        connection = http.client.HTTPConnection(*self._upstream, timeout=30)
        try:
            headers = {k: v for k, v in shim_request.headers.items() if k not in _HOP_BY_HOP}
            connection.request(shim_request.method, shim_request.path, shim_request.body, headers)
            reply = connection.getresponse()
            body = reply.read()
            kept: Iterable[tuple[str, str]] = (
                (k, v) for k, v in reply.getheaders() if k.lower() not in _HOP_BY_HOP
            )
            return Response(body, status=reply.status, headers=list(kept))
        finally:
            connection.close()

    def __call__(self, environ: dict[str, object], start_response: Callable[..., object]) -> object:
        shim_request = self._parse(Request(environ))
        name, handler = self._handler(shim_request)
        with self._lock:
            if name:
                self.seen[name] += 1
        answer = handler(shim_request) if handler is not None else None
        if answer is None:
            response = self._forward(shim_request)
        else:
            with self._lock:
                self.answered[name or ""] += 1
            response = Response(
                answer.body,
                status=answer.status,
                content_type=answer.content_type,
                headers=[("x-amzn-RequestId", str(uuid.uuid4())), *answer.headers],
            )
        return response(environ, start_response)


class ShimServer:
    """Serves an :class:`AwsShim` on 127.0.0.1 on a free port, in a daemon thread."""

    def __init__(self, shim: AwsShim) -> None:
        self.shim = shim
        self._server: BaseWSGIServer = make_server("127.0.0.1", 0, shim, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
