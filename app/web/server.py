"""uvicorn's server, with a graceful shutdown that sends WebSocket clients elsewhere."""

import socket

import uvicorn

from app.web.ws import SubscriptionEndpoint

GOING_AWAY = 1001


class GracefulServer(uvicorn.Server):
    """On SIGTERM: close WebSockets with 1001 (going away: reconnect elsewhere), then
    let uvicorn stop accepting, finish in-flight requests and run the lifespan's end.

    uvicorn itself would close sockets with 1012 (service restart).
    """

    def __init__(self, config: uvicorn.Config, subscriptions: SubscriptionEndpoint) -> None:
        super().__init__(config)
        self.subscriptions = subscriptions

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self.subscriptions.close_all(GOING_AWAY, "server shutting down")
        await super().shutdown(sockets)
