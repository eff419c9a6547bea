"""Per-caller rate limits: token buckets, one per verified caller (or client IP).

One limiter per app (built by create_app): GraphQL requests over HTTP (the
`RateLimit` middleware, and the endpoint for a batch's further operations) and
subscriptions started over WebSocket draw from the same bucket per caller.

In-process: with several replicas behind a balancer, each replica limits its own
share. A caller over its rate gets 429 with Retry-After (HTTP), or an error for
the subscription it tried to start (WebSocket).

Only a token that verified names a caller; anything else counts against the
address it came from, so making tokens up buys no fresh buckets. The buckets kept
are bounded (least recently used go first); a new bucket starts full, so forgetting
one that has had time to refill costs nothing, and forgetting one that has not
takes `max_callers` other verified callers or addresses within that time.
"""

import math
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.identity import Principal
from app.web.auth import Authenticator
from app.web.call import call_of
from app.web.errors import RequestError, refuse

# ("caller", tenant, user) or ("ip", address): a tuple, so no value can pose as another.
CallerKey = tuple[str, ...]


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_second: float, burst: int, max_callers: int = 100_000) -> None:
        self.per_second = per_second
        self.burst = burst
        self.max_callers = max_callers
        self._buckets: OrderedDict[CallerKey, _Bucket] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    @property
    def callers(self) -> int:
        """How many buckets are kept now."""
        return len(self._buckets)

    def retry_after(self, caller: CallerKey, operations: int = 1) -> int:
        """0 if the caller may go ahead now (and it is counted), else seconds to wait."""
        if not self.enabled or operations <= 0:
            return 0
        now = time.monotonic()
        bucket = self._buckets.get(caller)
        if bucket is None:
            bucket = self._buckets[caller] = _Bucket(tokens=float(self.burst), updated=now)
            if len(self._buckets) > self.max_callers:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(caller)
            bucket.tokens = min(
                self.burst, bucket.tokens + (now - bucket.updated) * self.per_second
            )
            bucket.updated = now
        if bucket.tokens >= operations:
            bucket.tokens -= operations
            return 0
        return max(1, math.ceil((operations - bucket.tokens) / self.per_second))


def caller_key(principal: Principal | None, client_host: str | None) -> CallerKey:
    """Who is calling, for limits: the verified caller, else the client's address."""
    if principal is not None:
        return ("caller", principal.tenant, principal.user)
    return ("ip", client_host or "unknown")


def client_host(scope: Scope) -> str | None:
    """The client's address (behind a trusted proxy, uvicorn has put the forwarded one)."""
    client = scope.get("client")
    return client[0] if client else None


def too_many(wait: int) -> RequestError:
    return RequestError(
        429,
        f"too many requests; retry in {wait} s",
        {"Retry-After": str(wait)},
        "RATE_LIMITED",
        retryAfter=wait,
    )


class RateLimit:
    """429 for a GraphQL request over HTTP past its caller's rate, before its body is read."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, authenticator: Authenticator) -> None:
        self.app = app
        self.limiter = limiter
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.limiter.enabled and (call := call_of(scope)).graphql:
            identity = self.authenticator.identify(call, scope)
            principal = identity if isinstance(identity, Principal) else None
            if wait := self.limiter.retry_after(caller_key(principal, client_host(scope))):
                await refuse(scope, receive, send, too_many(wait))
                return
        await self.app(scope, receive, send)
