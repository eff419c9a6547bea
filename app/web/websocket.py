"""Subscriptions over graphql-transport-ws, authenticated in connection_init."""

import asyncio
import contextlib
import logging
import time
import uuid
from datetime import timedelta
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from app.core.errors import NotAuthenticated
from app.core.settings import Settings
from app.graphql.context import Context
from app.services.change_feed import ChangeFeed
from app.web.auth import principal_from_authorization

log = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403


class SubscriptionEndpoint(GraphQL[Context, None]):
    def __init__(self, schema: strawberry.Schema, settings: Settings, feed: ChangeFeed) -> None:
        super().__init__(
            schema,
            graphql_ide=None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds),
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
            allowed_origins=settings.allowed_origins,
        )
        self.settings = settings
        self.feed = feed
        self.open_connections = 0

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        return Context(self.settings, uuid.uuid4().hex, feed=self.feed, websocket=request)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        if not isinstance(header, str):
            token = params.get("token")
            header = f"Bearer {token}" if isinstance(token, str) else None
        try:
            principal = principal_from_authorization(header, self.settings)
        except NotAuthenticated as error:
            log.info("refused a WebSocket: %s", error)
            raise ConnectionRejectionError from error
        context.identity = principal
        if principal.expires_at is not None:
            _close_when_expired(context.websocket, principal.expires_at)
        acknowledge: UnsetType = UNSET  # connection_ack without a payload
        return acknowledge


def _close_when_expired(websocket: WebSocket, expires_at: float) -> None:
    async def close() -> None:
        with contextlib.suppress(Exception):  # already closed by the client
            await websocket.close(code=CLOSE_FORBIDDEN, reason="token expired")

    delay = max(0.0, expires_at - time.time())
    loop = asyncio.get_running_loop()
    loop.call_later(delay, lambda: loop.create_task(close()))
