"""Per-caller rate limits: token buckets, one per bearer token (or client IP).

In-process: with several replicas behind a balancer, each replica limits its own
share. A caller over its rate gets 429 with Retry-After (HTTP), or an error for
the subscription it tried to start (WebSocket).
"""

import math
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_second: float, burst: int, max_callers: int = 100_000) -> None:
        self.per_second = per_second
        self.burst = burst
        self.max_callers = max_callers
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    def retry_after(self, caller: str, operations: int = 1) -> int:
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


def caller_key(authorization: str | None, client_host: str | None) -> str:
    """Who is calling, for limits: the bearer token, else the client's address."""
    if authorization and authorization.lower().startswith("bearer "):
        return "token:" + authorization[7:].strip()
    return "ip:" + (client_host or "unknown")
