"""What the ASGI interface cannot do, done in the one place that reaches into uvicorn.

uvicorn bounds the request head only with h11, not with httptools (what it uses
here, for speed): `BoundedHttpToolsProtocol` adds that bound.

ASGI has no way to drop a connection: a close goes out as a frame, queued behind
whatever the client has not read, and uvicorn's `transport.close()` then waits for
that queue to drain, which for a client that never reads is forever. Cutting the
connection needs the transport, which uvicorn does not hand to the application.
tests/web/test_transport.py runs `abort` against every uvicorn WebSocket
implementation, and tests/live/test_transport_limits.py the head bound against a
real server, so an upgrade that moves either fails there, loudly.
"""

from typing import Any

import orjson
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.web.operation_limits import TOO_LARGE

# h11's own default, for when no limit was configured.
DEFAULT_HEAD_LIMIT = 16 * 1024


class TransportUnreachable(RuntimeError):
    """uvicorn changed: the transport is no longer where `abort` looks for it."""


def abort(websocket: WebSocket) -> None:
    """Drop the connection now, unsent frames and all (the client sees a reset).

    Harmless on a connection that has already ended."""
    _transport(websocket).abort()


def _transport(websocket: WebSocket) -> Any:
    # Starlette keeps the ASGI `receive` it was given; uvicorn's is a bound method of
    # its protocol object, which holds the asyncio transport.
    receive = getattr(websocket, "_receive", None)
    protocol = getattr(receive, "__self__", None)
    transport = getattr(protocol, "transport", None)
    if not callable(getattr(transport, "abort", None)):
        raise TransportUnreachable(
            "cannot reach the connection's transport through starlette's WebSocket and "
            f"uvicorn's protocol ({type(protocol).__name__}): see app/web/transport.py"
        )
    return transport


HEADERS_TOO_LARGE = 431


def head_too_large(limit: int) -> bytes:
    """The JSON error body for a request line and headers past `limit` bytes."""
    message = f"the request line and headers are larger than {limit} bytes"
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": TOO_LARGE}}]})


class HeadLimit:
    """431 for a request (or WebSocket handshake) whose head arrived whole in one read
    and is past the limit: the parser's own bound (`BoundedHttpToolsProtocol`) cuts
    off only heads that arrive in pieces."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" or _head_size(scope) <= self.max_bytes:
            await self.app(scope, receive, send)
            return
        response = Response(
            head_too_large(self.max_bytes), HEADERS_TOO_LARGE, media_type="application/json"
        )
        if scope["type"] == "websocket":
            await WebSocket(scope, receive, send).send_denial_response(response)
        else:
            await response(scope, receive, send)


def _head_size(scope: Scope) -> int:
    """The request line and headers as they came, give or take their separators."""
    size = len(scope.get("method", "GET")) + len(scope.get("raw_path") or b"")
    size += len(scope.get("query_string", b""))
    for name, value in scope["headers"]:
        size += len(name) + len(value) + 4
    return size + 12


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with the bound on the request head that uvicorn
    applies only with h11 (`h11_max_incomplete_event_size`, which this reads too).

    httptools gathers a header until it is complete, so the bound is counted on the
    bytes received while a head is incomplete: a head that never ends is cut off
    once it passes the limit, whatever its shape. A head that arrives whole in one
    read is measured exactly by the `HeadLimit` middleware.
    """

    _head_pending = False
    _head_bytes = 0
    _refused = False

    def on_message_begin(self) -> None:
        self._head_pending = True
        self._head_bytes = 0
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._head_pending = False
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)
        if not self._head_pending:
            return
        self._head_bytes += len(data)
        limit = self.config.h11_max_incomplete_event_size or DEFAULT_HEAD_LIMIT
        if self._head_bytes > limit:
            self._refused = True
            body = head_too_large(limit)
            self.transport.write(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                b"content-type: application/json\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\n"
                b"connection: close\r\n\r\n" + body
            )
            self.transport.close()
