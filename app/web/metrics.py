"""Prometheus metrics, one registry per app (tests build several apps in a process),
and the middleware that counts and times each GraphQL request over HTTP."""

from collections.abc import Callable, Collection

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Scope

from app.web.call import Call, CallObserver

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Operation names are the client's to choose: past this many distinct ones, the
# rest are counted as "other", so that no client can grow the series without end.
MAX_OPERATION_NAMES = 200


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._operation_names: set[str] = set()
        self.requests = Counter(
            "graphql_requests",
            "GraphQL HTTP requests by operation name, outcome and response-cache use.",
            ["operation", "outcome", "cache"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "graphql_request_seconds",
            "GraphQL HTTP request duration.",
            ["operation", "outcome"],
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=self.registry,
        )
        self.fan_out = Histogram(
            "subscription_fan_out_seconds",
            "Time to execute a change once and queue it for every member of a shared subscription.",
            buckets=(0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
            registry=self.registry,
        )

    def gauge(self, name: str, description: str, read: Callable[[], float]) -> None:
        Gauge(name, description, registry=self.registry).set_function(read)

    def observe_request(
        self, outcome: str, cache: str | None, seconds: float, operation: str | None
    ) -> None:
        """`outcome`: see `outcome_of`. `operation`: the operation's name, or None when it
        has none or the caller was not authenticated (unknown callers do not get to name
        series)."""
        label = self._operation_label(operation)
        self.requests.labels(operation=label, outcome=outcome, cache=cache or "none").inc()
        self.latency.labels(operation=label, outcome=outcome).observe(seconds)

    def _operation_label(self, operation: str | None) -> str:
        if operation is None:
            return ""
        if operation in self._operation_names:
            return operation
        if len(self._operation_names) < MAX_OPERATION_NAMES:
            self._operation_names.add(operation)
            return operation
        return "other"

    async def endpoint(self, _: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE)


class RequestMetrics(CallObserver):
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        super().__init__(app)
        self.metrics = metrics

    def ended(self, scope: Scope, call: Call, seconds: float) -> None:
        self.metrics.observe_request(
            # No status: an exception, which Starlette answers with 500.
            outcome_of(call.status or 500, call.error_codes),
            call.cache,
            seconds,
            call.operation_name if call.principal is not None else None,
        )


def outcome_of(status: int, error_codes: Collection[str]) -> str:
    """How a request ended, from its status and the `extensions.code` of its GraphQL
    errors: a BAD_USER_INPUT answered with 200 is a client error, not `ok`."""
    if status == 503 or "SERVICE_UNAVAILABLE" in error_codes:
        return "unavailable"
    if status >= 500 or "INTERNAL_SERVER_ERROR" in error_codes:
        return "server_error"
    if status >= 400 or error_codes:
        return "client_error"
    return "ok"
