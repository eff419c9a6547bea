"""Requests refused before anything executes, answered the GraphQL-over-HTTP way: a
status code and a JSON body whose error names its `extensions.code`."""

from typing import Any

import orjson
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from app.web.call import call_of
from app.web.negotiation import GRAPHQL_RESPONSE_JSON, JSON, choose_media_type

# A client code for each status a RequestError answers with, unless it names its own.
STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    408: "REQUEST_TIMEOUT",
    413: "REQUEST_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    500: "INTERNAL_SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


class RequestError(Exception):
    """A request that is not a well-formed GraphQL-over-HTTP request, or that is
    refused before it runs (rate limit, readiness)."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        code: str | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.code = code
        self.extensions = extensions

    @property
    def formatted(self) -> dict[str, Any]:
        code = self.code or STATUS_CODES.get(self.status, "BAD_REQUEST")
        return {"message": self.message, "extensions": {"code": code, **self.extensions}}

    def response(self, media_type: str) -> Response:
        return Response(
            orjson.dumps({"errors": [self.formatted]}),
            status_code=self.status,
            media_type=media_type,
            headers=self.headers,
        )


def not_acceptable() -> RequestError:
    return RequestError(406, f"this endpoint answers {GRAPHQL_RESPONSE_JSON} or {JSON}")


async def refuse(scope: Scope, receive: Receive, send: Send, error: RequestError) -> None:
    """Answer `error` from a middleware, in the media type the client accepts; a client
    that accepts none of ours learns that first, as the endpoint would tell it."""
    media_type = choose_media_type(Headers(scope=scope).get("accept"))
    if media_type is None:
        error, media_type = not_acceptable(), JSON
    await error.response(media_type)(scope, receive, send)


async def internal_error(request: Request, _: Exception) -> Response:
    """Starlette's last resort for an exception nothing else handled (uvicorn logs it
    with its traceback): JSON naming the request id, not a plain-text 500."""
    call = call_of(request.scope)
    error = RequestError(
        500,
        "Internal server error; quote the request id when reporting it.",
        {"X-Request-Id": call.request_id},
        requestId=call.request_id,
    )
    return error.response(JSON)
