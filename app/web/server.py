"""uvicorn's server, with a graceful shutdown that sends WebSocket clients elsewhere."""

import socket

import uvicorn

from app.web.ws import SubscriptionEndpoint

GOING_AWAY = 1001


class GracefulServer(uvicorn.Server):
    """On SIGTERM: close WebSockets with 1001 (going away: reconnect elsewhere), then
    let uvicorn stop accepting, finish in-flight requests and run the lifespan's end.

    uvicorn itself would close sockets with 1012 (service restart). uvicorn has no
    public hook that runs before it closes connections (the lifespan's end runs after),
    so this overrides `shutdown`, the one method it calls to begin; if an upgrade stops
    calling it, tests/live/test_protocol.py::test_sigterm_closes_sockets_with_1001_so_
    clients_go_elsewhere sees 1012 and fails.
    """

    def __init__(self, config: uvicorn.Config, subscriptions: SubscriptionEndpoint) -> None:
        super().__init__(config)
        self.subscriptions = subscriptions

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self.subscriptions.close_all(GOING_AWAY, "server shutting down")
        await super().shutdown(sockets)
