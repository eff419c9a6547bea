"""One HTTP request as the middleware and the endpoint see it.

The middleware of app/web/app.py runs around every route; what one layer learns
about a request (its id, the caller, the operation's name, the errors it ended
with) the others need after the endpoint answers. It travels in the ASGI scope's
`state`, the place ASGI gives each request for such facts.
"""

import time
import uuid
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import NotAuthenticated
from app.core.identity import Principal

_KEY = "app.call"


@dataclass(slots=True)
class Call:
    request_id: str
    # A GraphQL request over HTTP (the GraphiQL page is not one): what the rate
    # limit, readiness, metrics, request log and tracing apply to.
    graphql: bool
    # 0 until the response starts.
    status: int = 0
    # Who the bearer token names, or why it names nobody; worked out once, by the
    # first layer that needs it.
    identity: Principal | NotAuthenticated | None = None
    operation_name: str | None = None
    error_codes: list[str] = field(default_factory=list)
    # The X-Response-Cache value: "hit", "miss" or None (not cacheable).
    cache: str | None = None

    @property
    def principal(self) -> Principal | None:
        return self.identity if isinstance(self.identity, Principal) else None


def start_call(scope: Scope, graphql: bool) -> Call:
    call = Call(uuid.uuid4().hex, graphql)
    scope.setdefault("state", {})[_KEY] = call
    return call


def call_of(scope: Scope) -> Call:
    """The request's Call; one of its own for a request that came in past the
    middleware (a test driving the endpoint alone)."""
    found: Call | None = scope.get("state", {}).get(_KEY)
    return found if found is not None else start_call(scope, graphql=True)


class CallObserver:
    """ASGI middleware that sees each GraphQL-over-HTTP call once it has ended (other
    routes pass untouched), however it ended; subclasses say what to do with it."""

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
            self.ended(scope, call, time.perf_counter() - started)

    def ended(self, scope: Scope, call: Call, seconds: float) -> None:
        raise NotImplementedError
