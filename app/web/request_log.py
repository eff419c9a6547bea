"""One log record per GraphQL request over HTTP (logger `app.requests`), REQUEST_LOG."""

import logging
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.call import call_of

request_log = logging.getLogger("app.requests")


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (call := call_of(scope)).graphql:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            principal = call.principal
            client = scope.get("client")
            request_log.info(
                "graphql request",
                extra={
                    "request_id": call.request_id,
                    # The client's address (behind a trusted proxy: from X-Forwarded-For).
                    "client": client[0] if client else None,
                    "tenant": principal.tenant if principal else None,
                    "user": principal.user if principal else None,
                    "operation": call.operation_name,
                    # 0: nothing was sent (an exception; Starlette answers 500).
                    "status": call.status or 500,
                    "cache": call.cache,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
