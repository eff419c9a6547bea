"""One log record per GraphQL request over HTTP (logger `app.requests`), REQUEST_LOG."""

import logging

from starlette.types import Scope

from app.web.call import Call, CallObserver

request_log = logging.getLogger("app.requests")


class RequestLog(CallObserver):
    def ended(self, scope: Scope, call: Call, seconds: float) -> None:
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
                "duration_ms": round(seconds * 1000, 2),
            },
        )
