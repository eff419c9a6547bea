"""OpenTelemetry tracing, off unless TRACING_ENABLED.

Each GraphQL request over HTTP gets a server span, continuing the caller's trace
when it sends a W3C `traceparent`; Strawberry's extension adds the operation,
parsing, validation and resolver spans below it. Spans go to an OTLP/HTTP
collector in batches, flushed when the server stops.
"""

from contextlib import AbstractContextManager

from opentelemetry import propagate
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from starlette.requests import Request

from app.core.settings import Settings


def provider_for(settings: Settings) -> TracerProvider | None:
    if not settings.tracing_enabled:
        return None
    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.tracing_service_name})
    )
    exporter = OTLPSpanExporter(endpoint=settings.tracing_otlp_endpoint)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def request_span(tracer: Tracer, request: Request) -> AbstractContextManager[Span]:
    """The server span of one HTTP request, a child of the caller's span if it sent one."""
    return tracer.start_as_current_span(
        f"{request.method} /graphql",
        context=propagate.extract(request.headers),
        kind=SpanKind.SERVER,
        attributes={"http.request.method": request.method, "url.path": request.url.path},
    )


def finish(span: Span, status: int, request_id: str | None, operation: str | None) -> None:
    span.set_attribute("http.response.status_code", status)
    if request_id:
        span.set_attribute("app.request_id", request_id)
    if operation:
        span.set_attribute("graphql.operation.name", operation)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))
