"""OpenTelemetry tracing, off unless TRACING_ENABLED.

Each GraphQL request over HTTP gets a server span (the `Tracing` middleware),
continuing the caller's trace when it sends a W3C `traceparent`; Strawberry's
extension adds the operation, parsing, validation and resolver spans below it.
Spans go to an OTLP/HTTP collector in batches, flushed when the server stops.
"""

from opentelemetry import propagate
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.settings import Settings
from app.web.call import call_of


def provider_for(settings: Settings) -> TracerProvider | None:
    if not settings.tracing_enabled:
        return None
    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.tracing_service_name})
    )
    exporter = OTLPSpanExporter(endpoint=settings.tracing_otlp_endpoint)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


class Tracing:
    """The server span of each GraphQL request, a child of the caller's span if it sent one."""

    def __init__(self, app: ASGIApp, tracer: Tracer) -> None:
        self.app = app
        self.tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (call := call_of(scope)).graphql:
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        with self.tracer.start_as_current_span(
            f"{method} {path}",
            context=propagate.extract(Headers(scope=scope)),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": path},
        ) as span:
            try:
                await self.app(scope, receive, send)
            finally:
                _finish(span, call.status or 500, call.request_id, call.operation_name)


def _finish(span: Span, status: int, request_id: str, operation: str | None) -> None:
    span.set_attribute("http.response.status_code", status)
    span.set_attribute("app.request_id", request_id)
    if operation:
        span.set_attribute("graphql.operation.name", operation)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))
