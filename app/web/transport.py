"""What the ASGI interface cannot do, done in the one place that reaches into uvicorn.

ASGI has no way to drop a connection: a close goes out as a frame, queued behind
whatever the client has not read, and uvicorn's `transport.close()` then waits for
that queue to drain, which for a client that never reads is forever. Cutting the
connection needs the transport, which uvicorn does not hand to the application.
tests/web/test_transport.py runs this against every uvicorn WebSocket
implementation, so an upgrade that moves the transport fails there, loudly.
"""

from typing import Any

from starlette.websockets import WebSocket


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
