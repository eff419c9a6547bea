"""Per-caller rate limits: token buckets, one per verified caller (or client IP).

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

from app.core.identity import Principal

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
