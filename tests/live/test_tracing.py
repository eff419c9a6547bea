"""OpenTelemetry: a real server process sends its spans to an OTLP/HTTP collector.

The collector is a small HTTP server in this test that decodes what arrives with
the OTLP protobuf definitions; the spans are flushed when the server stops.
"""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.live.servers import running_server, token

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


class Collector:
    def __init__(self) -> None:
        self.spans: list[Any] = []
        self.services: set[str] = set()
        self.lock = threading.Lock()

    def receive(self, body: bytes) -> None:
        request = ExportTraceServiceRequest.FromString(body)
        with self.lock:
            for resource_spans in request.resource_spans:
                for attribute in resource_spans.resource.attributes:
                    if attribute.key == "service.name":
                        self.services.add(attribute.value.string_value)
                for scope_spans in resource_spans.scope_spans:
                    self.spans.extend(scope_spans.spans)


@pytest.fixture
def collector() -> Iterator[tuple[Collector, str]]:
    received = Collector()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.receive(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        yield received, f"http://127.0.0.1:{server.server_address[1]}/v1/traces"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def attributes(span: Any) -> dict[str, Any]:
    return {a.key: a.value.string_value or a.value.int_value for a in span.attributes}


def test_a_request_is_traced_under_the_callers_trace(
    collector: tuple[Collector, str], sqlite_url: str
) -> None:
    received, endpoint = collector
    with running_server(
        sqlite_url,
        TRACING_ENABLED="true",
        TRACING_OTLP_ENDPOINT=endpoint,
        TRACING_SERVICE_NAME="hooks-under-test",
    ) as server:
        response = httpx.post(
            server.http,
            json={"query": "query Count { queues { totalCount } }", "operationName": "Count"},
            headers={
                "Authorization": f"Bearer {token()}",
                "traceparent": f"00-{TRACE_ID}-{CALLER_SPAN}-01",
            },
        )
        assert response.status_code == 200
    # Leaving the block stopped the server, which flushed its spans.

    spans = {span.name: span for span in received.spans}
    http_span = spans["POST /graphql"]
    operation = spans["GraphQL Query: Count"]
    assert received.services == {"hooks-under-test"}
    assert http_span.trace_id.hex() == TRACE_ID
    assert http_span.parent_span_id.hex() == CALLER_SPAN
    assert attributes(http_span)["http.response.status_code"] == 200
    assert attributes(http_span)["app.request_id"] == response.headers["x-request-id"]
    assert attributes(http_span)["graphql.operation.name"] == "Count"
    assert operation.trace_id.hex() == TRACE_ID
    assert operation.parent_span_id == http_span.span_id
    assert {"GraphQL Parsing", "GraphQL Validation", "GraphQL Resolving: queues"} <= set(spans)


def test_nothing_is_sent_unless_tracing_is_enabled(
    collector: tuple[Collector, str], sqlite_url: str
) -> None:
    received, endpoint = collector
    with running_server(sqlite_url, TRACING_OTLP_ENDPOINT=endpoint) as server:
        response = httpx.post(
            server.http,
            json={"query": "{ queues { totalCount } }"},
            headers={"Authorization": f"Bearer {token()}"},
        )
        assert response.status_code == 200

    assert received.spans == []
