"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/).

Strawberry's own view answers application/json only, and 200 for request errors;
this endpoint negotiates application/graphql-response+json and uses the spec's
status codes, and authenticates before anything runs.
"""

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError, get_operation_ast
from graphql import OperationType as CoreOperationType
from opentelemetry.trace import Tracer
from starlette.requests import Request
from starlette.responses import Response
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from app.core.errors import InvalidInput, NotAuthenticated
from app.core.identity import Principal
from app.core.settings import Settings
from app.graphql.context import Context
from app.graphql.ids import pk_of
from app.services import queues as queue_service
from app.web.auth import principal_from_authorization, verifier_for
from app.web.documents import operation_resolution_error, parsed
from app.web.metrics import Metrics, outcome_of
from app.web.negotiation import GRAPHQL_RESPONSE_JSON, JSON, choose_media_type
from app.web.operation_limits import TOO_DEEP, TOO_LARGE, oversized
from app.web.rate_limit import CallerKey, RateLimiter, caller_key
from app.web.response_cache import ResponseCache, cacheable
from app.web.tracing import finish, request_span

request_log = logging.getLogger("app.requests")

QUERY_ONLY = (OperationType.QUERY,)
ALL_OPERATIONS = (OperationType.QUERY, OperationType.MUTATION)


class RequestError(Exception):
    """A request that is not a well-formed GraphQL-over-HTTP request."""

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
    503: "SERVICE_UNAVAILABLE",
}


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


class GraphQLEndpoint:
    def __init__(self, schema: strawberry.Schema, settings: Settings) -> None:
        self.schema = schema
        self.settings = settings
        self.cache = ResponseCache(settings.response_cache_size)
        self.verifier = verifier_for(settings)
        self.limiter = RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst)
        # Set once the database is up (app/web/startup.py); unset: answer 503.
        self.ready: asyncio.Event | None = None
        self.metrics: Metrics | None = None
        self.tracer: Tracer | None = None

    async def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        if self.tracer is None:
            response = await self._handle(request)
        else:
            with request_span(self.tracer, request) as span:
                response = await self._handle(request)
                finish(
                    span,
                    response.status_code,
                    response.headers.get("x-request-id"),
                    getattr(request.state, "operation_name", None),
                )
        if self.metrics is not None:
            authenticated = getattr(request.state, "principal", None) is not None
            self.metrics.observe_request(
                outcome_of(response.status_code, getattr(request.state, "error_codes", ())),
                response.headers.get("x-response-cache"),
                time.perf_counter() - started,
                getattr(request.state, "operation_name", None) if authenticated else None,
            )
        if self.settings.request_log:
            principal = getattr(request.state, "principal", None)
            request_log.info(
                "graphql request",
                extra={
                    "request_id": response.headers.get("x-request-id"),
                    # The client's address (behind a trusted proxy: from X-Forwarded-For).
                    "client": request.client.host if request.client else None,
                    "tenant": principal.tenant if principal else None,
                    "user": principal.user if principal else None,
                    "operation": getattr(request.state, "operation_name", None),
                    "status": response.status_code,
                    "cache": response.headers.get("x-response-cache"),
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
        return response

    async def _handle(self, request: Request) -> Response:
        request_id = uuid.uuid4().hex
        media_type = choose_media_type(request.headers.get("accept"))
        try:
            if media_type is None:
                raise RequestError(406, f"this endpoint answers {GRAPHQL_RESPONSE_JSON} or {JSON}")
            identity = self._identity(request)
            caller = caller_key(
                identity if isinstance(identity, Principal) else None,
                request.client.host if request.client else None,
            )
            self._limit(caller)
            if self.ready is not None and not self.ready.is_set():
                raise RequestError(
                    503, "the database is not available yet; retry shortly", {"Retry-After": "1"}
                )
            payload = await self._payload(request)
            if isinstance(payload, list):
                return await self._batch(request, payload, caller, media_type, request_id)
            params = self._params(payload)
            request.state.operation_name = _operation_name(params)
            principal = self._authenticate(request)
            request.state.principal = principal
            return await self._single(request, params, principal, media_type, request_id)
        except RequestError as error:
            return _error_response(error, media_type or JSON, request_id)
        except NotAuthenticated as error:
            return _error_response(_unauthenticated(error), media_type or JSON, request_id)

    def _limit(self, caller: CallerKey, operations: int = 1) -> None:
        if wait := self.limiter.retry_after(caller, operations):
            raise RequestError(
                429,
                f"too many requests; retry in {wait} s",
                {"Retry-After": str(wait)},
                "RATE_LIMITED",
                retryAfter=wait,
            )

    async def _single(
        self,
        request: Request,
        params: "GraphQLParams",
        principal: Principal,
        media_type: str,
        request_id: str,
    ) -> Response:
        """One operation's response; RequestError for what the spec answers with a status."""
        if request.method == "GET" and _operation_type(params) not in (
            None,
            CoreOperationType.QUERY,
        ):
            raise RequestError(
                405, "GET runs queries only; send mutations with POST", {"Allow": "POST"}
            )
        if (problem := operation_resolution_error(params.query, params.operation_name)) is not None:
            return self._errors_only(request, problem, media_type, request_id)
        cache_key = await self._cache_key(params, principal, media_type)
        if cache_key is not None and (cached := self.cache.get(cache_key)) is not None:
            headers = {"X-Request-Id": request_id, "X-Response-Cache": "hit"}
            return Response(cached, media_type=media_type, headers=headers)
        try:
            result = await self.schema.execute(
                params.query,
                variable_values=params.variables,
                context_value=Context(self.settings, request_id, identity=principal),
                operation_name=params.operation_name,
                allowed_operation_types=QUERY_ONLY if request.method == "GET" else ALL_OPERATIONS,
            )
        except InvalidOperationTypeError as error:
            raise RequestError(
                405, "subscriptions are served over WebSocket", {"Allow": "POST"}
            ) from error
        except CannotGetOperationTypeError:
            # No operation to run: a GraphQL request error, answered as one.
            result = ExecutionResult(data=None, errors=[_no_operation(params.operation_name)])
        return self._answer(request, result, media_type, request_id, cache_key)

    def _errors_only(
        self, request: Request, error: GraphQLError, media_type: str, request_id: str
    ) -> Response:
        """A request error found before execution, answered as execution's would be."""
        result = ExecutionResult(data=None, errors=[error])
        return self._answer(request, result, media_type, request_id, None)

    def _answer(
        self,
        request: Request,
        result: ExecutionResult,
        media_type: str,
        request_id: str,
        cache_key: tuple[Any, ...] | None,
    ) -> Response:
        response = _result_response(result, media_type, request_id)
        request.state.error_codes = [
            *getattr(request.state, "error_codes", ()),
            *((error.extensions or {}).get("code", "") for error in result.errors or ()),
        ]
        if _database_unavailable(result):
            response.status_code = 503
            response.headers["Retry-After"] = "1"
        if cache_key is not None and not result.errors:
            self.cache.put(cache_key, bytes(response.body))
            response.headers["X-Response-Cache"] = "miss"
        return response

    async def _batch(
        self,
        request: Request,
        payloads: list[Any],
        caller: CallerKey,
        media_type: str,
        request_id: str,
    ) -> Response:
        """Several operations in one POST, run one after another (each its own transaction).

        The answer is a JSON array of each operation's response, in order, with status
        200; an operation the spec would refuse with a status gets an `errors` entry.
        """
        limit = self.settings.max_batch_size
        if limit <= 0:
            raise RequestError(400, "batched requests are not accepted; send one operation")
        if not 0 < len(payloads) <= limit:
            raise RequestError(400, f"a batch carries 1 to {limit} operations")
        self._limit(caller, len(payloads) - 1)  # the first was counted with the request
        principal = self._authenticate(request)
        request.state.principal = principal
        parts = []
        for payload in payloads:
            try:
                params = self._params(payload)
                response = await self._single(request, params, principal, media_type, request_id)
                parts.append(bytes(response.body))
            except RequestError as error:
                parts.append(orjson.dumps({"errors": [error.formatted]}))
        return Response(
            b"[" + b",".join(parts) + b"]",
            media_type=media_type,
            headers={"X-Request-Id": request_id},
        )

    async def _cache_key(
        self, params: "GraphQLParams", principal: Principal, media_type: str
    ) -> tuple[Any, ...] | None:
        if self.cache.size <= 0:
            return None
        plan = cacheable(params.query, params.operation_name)
        global_id = plan.queue_id(params.variables) if plan is not None else None
        if global_id is None:
            return None
        try:
            queue_pk = pk_of(global_id, "Queue")
        except InvalidInput:
            return None
        if queue_pk is None:
            return None
        revision = await queue_service.revision_for_reading(principal, queue_pk)
        if revision is None:
            return None
        return ResponseCache.key(
            principal, params.query, params.operation_name, params.variables, media_type, revision
        )

    async def _payload(self, request: Request) -> Any:
        """The request's parameters as JSON: an object, or a list of them for a batch."""
        if request.method == "GET":
            raw: Any = dict(request.query_params)
            for name in ("variables", "extensions"):  # JSON in the query string
                if raw.get(name) == "":
                    del raw[name]
                elif name in raw:
                    raw[name] = _json_object(raw[name], name)
            return raw
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != JSON:
                raise RequestError(415, "send the request as application/json")
            raw = _json_value(await self._body(request), "the request body")
            if not isinstance(raw, dict | list):
                raise RequestError(400, "the request body must be a JSON object")
            return raw
        raise RequestError(405, "use GET or POST", {"Allow": "GET, POST"})

    def _params(self, raw: Any) -> GraphQLParams:
        if not isinstance(raw, dict):
            raise RequestError(400, "each operation must be a JSON object")
        query = raw.get("query")
        if not isinstance(query, str) or not query.strip():
            raise RequestError(400, "the request has no `query` string")
        # Present with the wrong JSON type (even a falsy one such as 0 or false) is not a
        # well-formed GraphQL-over-HTTP request: 400, whatever the client accepts.
        variables = raw.get("variables")
        if variables is not None and not isinstance(variables, dict):
            raise RequestError(400, "`variables` must be a JSON object")
        extensions = raw.get("extensions")
        if extensions is not None and not isinstance(extensions, dict):
            raise RequestError(400, "`extensions` must be a JSON object")
        operation_name = raw.get("operationName")
        if operation_name is not None and not isinstance(operation_name, str):
            raise RequestError(400, "`operationName` must be a string")
        variables = variables or None
        operation_name = operation_name or None
        if problem := oversized(self.settings, query, variables):
            status = 400 if problem == TOO_DEEP else 413
            raise RequestError(status, problem, code=None if status == 400 else TOO_LARGE)
        return GraphQLParams(query=query, variables=variables, operation_name=operation_name)

    async def _body(self, request: Request) -> bytes:
        """The body, refused with 413 past the limit (checked as it streams in)."""
        limit = self.settings.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise RequestError(413, f"the request body is larger than {limit} bytes")
        chunks = []
        size = 0
        deadline = self.settings.body_timeout_seconds
        try:
            # A client that withholds or trickles its body would hold the connection.
            async with asyncio.timeout(deadline):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise RequestError(413, f"the request body is larger than {limit} bytes")
                    chunks.append(chunk)
        except TimeoutError as error:
            raise RequestError(
                408,
                f"the request body did not arrive within {deadline} s",
                {"Connection": "close"},
                "REQUEST_TIMEOUT",
            ) from error
        return b"".join(chunks)

    def _authenticate(self, request: Request) -> Principal:
        identity = self._identity(request)
        if isinstance(identity, NotAuthenticated):
            raise identity
        return identity

    def _identity(self, request: Request) -> Principal | NotAuthenticated:
        """Who the bearer token names, or why it names nobody; worked out once, first,
        because the rate limit needs it (the refusal itself comes later, as before)."""
        known: Principal | NotAuthenticated | None = getattr(request.state, "identity", None)
        if known is None:
            try:
                known = principal_from_authorization(
                    request.headers.get("authorization"),
                    self.verifier,
                    self.settings.max_token_bytes,
                )
            except NotAuthenticated as error:
                known = error
            request.state.identity = known
        return known


def _operation_type(params: GraphQLParams) -> CoreOperationType | None:
    """The operation's type, or None when it cannot be told (execution will say why)."""
    document = parsed(params.query)
    if document is None:
        return None
    operation = get_operation_ast(document, params.operation_name)
    return operation.operation if operation is not None else None


def _operation_name(params: GraphQLParams) -> str | None:
    """The name logs and metrics use: operationName, else the document's own name
    (most clients send a named document and no operationName)."""
    if params.operation_name is not None:
        return params.operation_name
    document = parsed(params.query)
    operation = get_operation_ast(document) if document is not None else None
    return operation.name.value if operation is not None and operation.name else None


def _no_operation(operation_name: str | None) -> GraphQLError:
    message = (
        f"the document has no operation named '{operation_name}'"
        if operation_name is not None
        else "the document has several operations: name one with `operationName`"
    )
    return GraphQLError(message, extensions={"code": "OPERATION_RESOLUTION_FAILURE"})


def _json_value(raw: bytes | str, what: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise RequestError(400, f"{what} is not valid JSON") from error


def _json_object(raw: str, what: str) -> dict[str, Any]:
    value = _json_value(raw, what)
    if not isinstance(value, dict):
        raise RequestError(400, f"`{what}` must be a JSON object")
    return value


def _unauthenticated(error: NotAuthenticated) -> RequestError:
    return RequestError(
        401, str(error), {"WWW-Authenticate": 'Bearer realm="queue-hooks"'}, "UNAUTHENTICATED"
    )


def _database_unavailable(result: ExecutionResult) -> bool:
    return any(
        (error.extensions or {}).get("code") == "SERVICE_UNAVAILABLE"
        for error in result.errors or []
    )


def _is_request_error(result: ExecutionResult) -> bool:
    """Parse, validation and variable errors: nothing executed, so no error has a path."""
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or [])
    )


def _result_response(result: ExecutionResult, media_type: str, request_id: str) -> Response:
    body: dict[str, Any] = {}
    request_failed = _is_request_error(result)
    if not request_failed:
        body["data"] = result.data
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        body["extensions"] = result.extensions
    status = 400 if request_failed and media_type == GRAPHQL_RESPONSE_JSON else 200
    return _response(body, status, media_type, request_id)


def _error_response(error: RequestError, media_type: str, request_id: str) -> Response:
    body = {"errors": [error.formatted]}
    return _response(body, error.status, media_type, request_id, error.headers)


def _response(
    body: dict[str, Any],
    status: int,
    media_type: str,
    request_id: str,
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=media_type,
        headers={"X-Request-Id": request_id, **(headers or {})},
    )
