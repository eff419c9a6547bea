"""app/web/transport.py reaches into uvicorn; this fails loudly when an upgrade moves
what it reaches for, with each WebSocket implementation uvicorn can be told to use."""

import asyncio
import socket
from typing import get_args

import pytest
import uvicorn
import websockets
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.exceptions import ConnectionClosed

from app.core.settings import Settings
from app.web.transport import abort

IMPLEMENTATIONS = get_args(Settings.model_fields["ws_implementation"].annotation)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
# uvicorn's "websockets" implementation is deprecated (and imports websockets.legacy).
@pytest.mark.filterwarnings("ignore:websockets.legacy is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:The `websockets` implementation is deprecated")
@pytest.mark.filterwarnings("ignore:remove second argument of ws_handler:DeprecationWarning")
async def test_abort_drops_the_connection_with_every_websocket_implementation(
    implementation: str,
) -> None:
    aborted = asyncio.Event()

    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.receive_text()  # the handshake is over
        abort(websocket)
        aborted.set()

    app = Starlette(routes=[WebSocketRoute("/", endpoint)])
    listening = socket.create_server(("127.0.0.1", 0))  # connections queue up until served
    port = listening.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, ws=implementation, log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}/") as client:
            await client.send("hello")
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(client.recv(), 5)
        assert aborted.is_set()
        assert closed.value.rcvd is None  # dropped: no close frame came
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 10)
        listening.close()
