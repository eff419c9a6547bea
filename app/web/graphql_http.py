"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/): content
negotiation, the request's parameters, and executing its operation.

Strawberry's own view answers application/json only, and 200 for request errors;
this endpoint negotiates application/graphql-response+json and uses the spec's
status codes. What every request goes through first (request id, tracing, metrics,
the request log, the rate limit, readiness) is middleware: see app/web/app.py.
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError, get_operation_ast
from graphql import OperationType as CoreOperationType
from starlette.requests import Request
from starlette.responses import Response
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from app.core.errors import InvalidInput, NotAuthenticated
from app.core.identity import Principal
from app.core.settings import Settings
from app.graphql.context import Context
from app.graphql.extensions import UNAVAILABLE, is_database_unavailable
from app.graphql.ids import pk_of
from app.services import queues as queue_service
from app.web import page_plans
from app.web.auth import Authenticator
from app.web.call import Call, call_of
from app.web.documents import operation_resolution_error, parsed
from app.web.errors import RequestError, not_acceptable
from app.web.negotiation import GRAPHQL_RESPONSE_JSON, JSON, choose_media_type
from app.web.operation_limits import TOO_DEEP, TOO_LARGE, oversized
from app.web.rate_limit import RateLimiter, caller_key, client_host, too_many
from app.web.response_cache import ResponseCache, cacheable

log = logging.getLogger(__name__)

QUERY_ONLY = (OperationType.QUERY,)
ALL_OPERATIONS = (OperationType.QUERY, OperationType.MUTATION)


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


@dataclass(frozen=True, slots=True)
class CacheSlot:
    """A cacheable request: its key in the response cache, and the queue it reads."""

    key: tuple[Any, ...]
    queue_pk: int


class GraphQLEndpoint:
    def __init__(
        self,
        schema: strawberry.Schema,
        settings: Settings,
        authenticator: Authenticator,
        limiter: RateLimiter,
    ) -> None:
        self.schema = schema
        self.settings = settings
        self.cache = ResponseCache(settings.response_cache_size)
        self.authenticator = authenticator
        # The app's one limiter: the middleware counted the request; a batch's further
        # operations are counted here, once its size is known.
        self.limiter = limiter

    async def handle(self, request: Request) -> Response:
        call = call_of(request.scope)
        media_type = choose_media_type(request.headers.get("accept"))
        try:
            if media_type is None:
                raise not_acceptable()
            payload = await self._payload(request)
            if isinstance(payload, list):
                return await self._batch(request, call, payload, media_type)
            params = self._params(payload)
            call.operation_name = _operation_name(params)
            principal = self._authenticate(call, request)
            return await self.execute(call, params, principal, media_type, get=_is_get(request))
        except RequestError as error:
            return error.response(media_type or JSON)
        except NotAuthenticated as error:
            return _unauthenticated(error).response(media_type or JSON)

    async def execute(
        self,
        call: Call,
        params: GraphQLParams,
        principal: Principal,
        media_type: str,
        *,
        get: bool = False,
    ) -> Response:
        """One operation, answered: from the response cache, else executed by Strawberry.

        Raises RequestError for what the spec answers with a status; `get`: the
        request came as GET, which runs queries only."""
        if get and _operation_type(params) not in (None, CoreOperationType.QUERY):
            raise RequestError(
                405, "GET runs queries only; send mutations with POST", {"Allow": "POST"}
            )
        if (problem := operation_resolution_error(params.query, params.operation_name)) is not None:
            return self._errors_only(call, problem, media_type)
        slot = self._cache_slot(params, principal, media_type)
        revision: int | None = None
        if slot is not None and (cached := self.cache.get(slot.key)) is not None:
            revision = await self._revision(principal, slot.queue_pk, call.request_id)
            if revision == cached.revision:
                call.cache = "hit"
                return Response(
                    cached.body, media_type=media_type, headers={"X-Response-Cache": "hit"}
                )
        if (planned := await page_plans.answer(self.schema, self.settings, params.query,
                params.variables, params.operation_name, principal)) is not None:  # fmt: skip
            # The page brought the revision it was read at.
            return self._answer(call, planned.body, media_type, slot, planned.revision)
        if slot is not None and revision is None:
            # Read before executing: what execution shows is no older than it.
            revision = await self._revision(principal, slot.queue_pk, call.request_id)
        try:
            result = await self.schema.execute(
                params.query,
                variable_values=params.variables,
                context_value=Context(self.settings, call.request_id, identity=principal),
                operation_name=params.operation_name,
                allowed_operation_types=QUERY_ONLY if get else ALL_OPERATIONS,
            )
        except InvalidOperationTypeError as error:
            raise RequestError(
                405, "subscriptions are served over WebSocket", {"Allow": "POST"}
            ) from error
        return self._answer(call, result, media_type, slot, revision)

    def _errors_only(self, call: Call, error: GraphQLError, media_type: str) -> Response:
        """A request error found before execution, answered as execution's would be."""
        return self._answer(call, ExecutionResult(data=None, errors=[error]), media_type)

    def _answer(
        self,
        call: Call,
        result: ExecutionResult | bytes,
        media_type: str,
        slot: CacheSlot | None = None,
        revision: int | None = None,
    ) -> Response:
        """The response; stored in the cache under `slot` when it has no errors and
        there is a revision read no later than what it shows."""
        if isinstance(result, bytes):  # a page written by its plan: never an error
            response = Response(result, media_type=media_type)
            result = ExecutionResult(data=None, errors=None)
        else:
            response = _result_response(result, media_type)
        call.error_codes.extend(
            (error.extensions or {}).get("code", "") for error in result.errors or ()
        )
        if _database_unavailable(result):
            response.status_code = 503
            response.headers["Retry-After"] = "1"
        if slot is not None and revision is not None and not result.errors:
            self.cache.put(slot.key, revision, bytes(response.body))
            response.headers["X-Response-Cache"] = "miss"
            call.cache = "miss"
        return response

    async def _batch(
        self, request: Request, call: Call, payloads: list[Any], media_type: str
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
        principal = self._authenticate(call, request)
        caller = caller_key(principal, client_host(request.scope))
        # The first operation was counted with the request, by the RateLimit middleware.
        if wait := self.limiter.retry_after(caller, len(payloads) - 1):
            raise too_many(wait)
        parts = []
        for payload in payloads:
            try:
                params = self._params(payload)
                response = await self.execute(
                    call, params, principal, media_type, get=_is_get(request)
                )
                parts.append(bytes(response.body))
            except RequestError as error:
                parts.append(orjson.dumps({"errors": [error.formatted]}))
        return Response(b"[" + b",".join(parts) + b"]", media_type=media_type)

    def _cache_slot(
        self, params: GraphQLParams, principal: Principal, media_type: str
    ) -> CacheSlot | None:
        """Where this request's answer is cached, or None if it may not be."""
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
        key = ResponseCache.key(
            principal, params.query, params.operation_name, params.variables, media_type
        )
        return CacheSlot(key, queue_pk)

    async def _revision(self, principal: Principal, queue_pk: int, request_id: str) -> int | None:
        """The queue's revision now, or None when the caller may not read it."""
        try:
            return await queue_service.revision_for_reading(principal, queue_pk)
        except Exception as error:
            # Outside execution, so its error handling does not see this read.
            if not is_database_unavailable(error):
                raise
            log.warning("database unavailable (request %s): %s", request_id, error)
            raise RequestError(
                503, UNAVAILABLE, {"Retry-After": "1"}, requestId=request_id
            ) from error

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

    def _authenticate(self, call: Call, request: Request) -> Principal:
        identity = self.authenticator.identify(call, request.scope)
        if isinstance(identity, NotAuthenticated):
            raise identity
        return identity


def _is_get(request: Request) -> bool:
    return request.method == "GET"


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


def _result_response(result: ExecutionResult, media_type: str) -> Response:
    body: dict[str, Any] = {}
    request_failed = _is_request_error(result)
    if not request_failed:
        body["data"] = result.data
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        body["extensions"] = result.extensions
    status = 400 if request_failed and media_type == GRAPHQL_RESPONSE_JSON else 200
    return Response(orjson.dumps(body), status_code=status, media_type=media_type)
