"""graphql-transport-ws (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md).

Our own server side of the protocol rather than Strawberry's, so that identical
`queueHooksChanged` subscriptions share one execution per change (app/web/fanout.py)
and each socket costs one task and a small outbox. Other operations run one by one
through the schema.
"""

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.graphql import OperationType

from app.core.errors import DomainError, NotAuthenticated, NotFound, PermissionDenied
from app.core.identity import Principal
from app.core.settings import Settings
from app.graphql.context import Context
from app.graphql.core_schema import core_schema
from app.graphql.extensions import INTERNAL_MESSAGE, expected_error_extensions
from app.graphql.ids import pk_of
from app.graphql.limits import variable_and_cost_errors
from app.graphql.schema import Schema
from app.services.change_feed import ChangeFeed
from app.services.replay import check_may_watch
from app.web.auth import principal_from_authorization, verifier_for
from app.web.documents import operation_resolution_error
from app.web.fanout import Member, SharedSubscription, SharedSubscriptions, Subscriber
from app.web.live_documents import (
    LiveDocument,
    live_document,
    live_request,
    parsed_within_limits,
)
from app.web.operation_limits import TOO_DEEP, TOO_LARGE, oversized
from app.web.origins import RefusedOrigins, origin_refusal
from app.web.rate_limit import RateLimiter, caller_key
from app.web.transport import abort

log = logging.getLogger(__name__)

PROTOCOL = "graphql-transport-ws"
ALL_OPERATIONS = (OperationType.QUERY, OperationType.MUTATION, OperationType.SUBSCRIPTION)


class Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Connection:
    """One socket: its identity, operations, and a bounded queue of frames to send."""

    def __init__(self, endpoint: "SubscriptionEndpoint", websocket: WebSocket) -> None:
        self.endpoint = endpoint
        self.websocket = websocket
        self.principal: Principal | None = None
        self.context: Context | None = None
        self.operations: dict[str, asyncio.Task[None] | tuple[SharedSubscription, Member]] = {}
        self._outbox: deque[str] = deque()
        self._ready = asyncio.Event()
        self._closing: Close | None = None
        self.writer_task: asyncio.Task[None] | None = None

    # Sending: never awaited by producers, so a slow socket slows nobody else.

    def send(self, message: dict[str, Any]) -> None:
        self._enqueue(orjson.dumps(message).decode())

    def send_next(self, op_id: str, payload: str) -> None:
        self._enqueue(f'{{"id":{orjson.dumps(op_id).decode()},"type":"next","payload":{payload}}}')

    def send_error(self, op_id: str, errors: list[dict[str, Any]]) -> None:
        """End one operation with `error`, the protocol's last message for it."""
        self.send({"id": op_id, "type": "error", "payload": errors})
        self.operations.pop(op_id, None)

    def send_complete(self, op_id: str) -> None:
        self._enqueue(f'{{"id":{orjson.dumps(op_id).decode()},"type":"complete"}}')
        self._forget(op_id)

    @property
    def closing(self) -> bool:
        return self._closing is not None

    def close(self, code: int, reason: str) -> None:
        """Close after what is queued; past the close deadline, drop the connection."""
        if self._closing is not None:
            return  # the first reason stands, and its deadline is already running
        self._closing = Close(code, reason)
        self._ready.set()
        deadline = self.endpoint.settings.ws_close_timeout_seconds
        asyncio.get_running_loop().call_later(deadline, self._drop)

    def _drop(self) -> None:
        # A client that does not read never lets the close frame out (it waits behind
        # a full send buffer): its subscriptions end now and the connection is cut.
        self.stop_all()
        abort(self.websocket)

    def _enqueue(self, frame: str) -> None:
        if self._closing is not None:
            # Nothing after a close: the last revision a client received must have no
            # gap before it, or resuming from it would skip what was dropped.
            return
        if len(self._outbox) >= self.endpoint.settings.ws_outbox_limit:
            # Too slow to read its own stream: free the memory and let it reconnect
            # with its last revision (it then replays what it missed).
            self._outbox.clear()
            self.close(4429, "too slow: reconnect and resubscribe with your last revision")
            self.stop_all()
            return
        self._outbox.append(frame)
        self._ready.set()

    async def writer(self) -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):  # the peer went away
            while True:
                await self._ready.wait()
                self._ready.clear()
                while self._outbox:
                    await self.websocket.send_text(self._outbox.popleft())
                if self._closing is not None:
                    await self.websocket.close(self._closing.code, self._closing.reason)
                    return

    def _forget(self, op_id: str) -> None:
        operation = self.operations.pop(op_id, None)
        if isinstance(operation, tuple):
            group, member = operation
            group.leave(member)

    def stop_all(self) -> None:
        for op_id in list(self.operations):
            operation = self.operations.pop(op_id)
            if isinstance(operation, tuple):
                group, member = operation
                group.leave(member)
            else:
                operation.cancel()


class SubscriptionEndpoint:
    def __init__(
        self, schema: strawberry.Schema, settings: Settings, feed: ChangeFeed, limiter: RateLimiter
    ) -> None:
        self.schema = schema
        self.settings = settings
        self.shared = SharedSubscriptions(schema, settings, feed)
        self.connections: set[Connection] = set()
        self.ready: asyncio.Event | None = None
        self.verifier = verifier_for(settings)
        self.refused_origins = RefusedOrigins()
        # The app's one limiter, shared with HTTP (app/web/rate_limit.py).
        self.limiter = limiter
        self.open_connections = 0

    @property
    def active_operations(self) -> int:
        """Subscriptions (and queries over the socket) running now, over all sockets.

        Computed when scraped: a sum over open sockets, not a counter on the hot path."""
        return sum(len(connection.operations) for connection in self.connections)

    async def __call__(self, websocket: WebSocket) -> None:
        if not self._origin_allowed(websocket):
            # Before accepting: the browser sees an HTTP 403 whose body names the setting.
            origin = websocket.headers.get("origin", "")
            self.refused_origins.note(origin, "ALLOWED_ORIGINS")
            await websocket.send_denial_response(origin_refusal(origin, "ALLOWED_ORIGINS"))
            return
        offered = websocket.scope.get("subprotocols", [])
        if PROTOCOL not in offered:
            await websocket.accept()
            await websocket.close(code=4406, reason="Subprotocol not acceptable")
            return
        await websocket.accept(subprotocol=PROTOCOL)
        connection = Connection(self, websocket)
        self.open_connections += 1
        self.connections.add(connection)
        writer = asyncio.create_task(connection.writer())
        connection.writer_task = writer
        try:
            await self._serve(connection)
        except Close as close:
            # Through the writer, so that the close deadline holds here too.
            connection.close(close.code, close.reason)
            with contextlib.suppress(BaseException):
                await writer
        except WebSocketDisconnect:
            pass
        finally:
            self.open_connections -= 1
            self.connections.discard(connection)
            connection.stop_all()
            writer.cancel()
            with contextlib.suppress(BaseException):
                await writer

    async def close_all(self, code: int, reason: str, within: float = 2.0) -> None:
        """Close every socket (after what is queued for it), waiting up to `within`."""
        writers = []
        for connection in list(self.connections):
            connection.close(code, reason)
            if connection.writer_task is not None:
                writers.append(connection.writer_task)
        if writers:
            await asyncio.wait(writers, timeout=within)

    def _origin_allowed(self, websocket: WebSocket) -> bool:
        origin = websocket.headers.get("origin")
        if origin is None:
            return True
        allowed = self.settings.allowed_origins
        if "*" in allowed or origin in allowed:
            return True
        host = websocket.headers.get("host", "")
        return origin.split("://", 1)[-1] == host  # same origin

    async def _serve(self, connection: Connection) -> None:
        websocket = connection.websocket
        try:
            first = await asyncio.wait_for(
                _receive_text(websocket), self.settings.ws_init_timeout_seconds
            )
        except TimeoutError as error:
            raise Close(4408, "Connection initialisation timeout") from error
        await self._handle(connection, first)
        # One task reads (this one) and one writes; a Close raised by the writer
        # closes the socket, which ends this loop with a disconnect.
        while True:
            await self._handle(connection, await _receive_text(websocket))

    async def _handle(self, connection: Connection, raw: str) -> None:
        if connection.closing:
            return  # what a client sends after the server decided to close changes nothing
        try:
            message = orjson.loads(raw)
            kind = message["type"]
        except (orjson.JSONDecodeError, KeyError, TypeError) as error:
            raise Close(4400, "Invalid message") from error
        if kind == "connection_init":
            self._init(connection, message.get("payload"))
        elif kind == "ping":
            connection.send({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            await self._subscribe(connection, message)
        elif kind == "complete":
            connection._forget(str(message.get("id")))
        else:
            raise Close(4400, f"Unknown message type: {kind}")

    def _init(self, connection: Connection, payload: Any) -> None:
        if self.ready is not None and not self.ready.is_set():
            raise Close(1013, "the database is not available yet; try again later")
        if connection.principal is not None:
            raise Close(4429, "Too many initialisation requests")
        if payload is not None and not isinstance(payload, dict):
            raise Close(4400, "Invalid connection init payload")
        params = payload or {}
        header = params.get("Authorization") or params.get("authorization")
        if not isinstance(header, str):
            token = params.get("token")
            header = f"Bearer {token}" if isinstance(token, str) else None
        if header is None:
            raise _forbidden(self._where_the_token_went(connection, params))
        try:
            principal = principal_from_authorization(
                header, self.verifier, self.settings.max_token_bytes
            )
        except NotAuthenticated as error:
            log.info("refused a WebSocket: %s", error)
            raise _forbidden(str(error)) from error
        connection.principal = principal
        connection.context = Context(
            self.settings,
            uuid.uuid4().hex,
            feed=self.shared.feed,
            identity=principal,
            long_lived=True,
        )
        if principal.expires_at is not None:
            delay = max(0.0, principal.expires_at - time.time())
            asyncio.get_running_loop().call_later(delay, connection.close, 4403, "token expired")
        connection.send({"type": "connection_ack"})

    @staticmethod
    def _where_the_token_went(connection: Connection, params: dict[str, Any]) -> str:
        """Why no token arrived, with where it belongs (clients often put it elsewhere)."""
        where = 'payload {"Authorization": "Bearer <jwt>"}'
        if "authorization" in connection.websocket.headers:
            return f"send the token in connection_init {where}, not the upgrade's headers"
        if isinstance(params.get("headers"), dict):
            return f"send the token in connection_init {where}, not payload.headers"
        return f"no token: send connection_init with {where}"

    async def _subscribe(self, connection: Connection, message: dict[str, Any]) -> None:
        if connection.principal is None or connection.context is None:
            raise Close(4401, "Unauthorized")
        op_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(op_id, str) or not isinstance(payload, dict):
            raise Close(4400, "Invalid subscribe message")
        if len(op_id) > (most := self.settings.max_operation_id_length):
            raise Close(4400, f"Invalid subscribe message: the id is longer than {most} characters")
        if op_id in connection.operations:
            raise Close(4409, f"Subscriber for {op_id} already exists")
        client = connection.websocket.client
        caller = caller_key(connection.principal, client.host if client else None)
        if wait := self.limiter.retry_after(caller):
            refusal = {
                "message": f"too many requests; retry in {wait} s",
                "extensions": {"code": "RATE_LIMITED", "retryAfter": wait},
            }
            connection.send_error(op_id, [refusal])
            return
        if len(connection.operations) >= self.settings.max_subscriptions_per_connection:
            connection.send_error(op_id, [{"message": "Subscription limit reached"}])
            return
        query = payload.get("query")
        variables = payload.get("variables") or {}
        operation_name = payload.get("operationName")
        if not isinstance(query, str) or not isinstance(variables, dict):
            raise Close(4400, "Invalid subscribe payload")
        if too_large := oversized(self.settings, query, variables):
            code = "BAD_REQUEST" if too_large == TOO_DEEP else TOO_LARGE
            connection.send_error(op_id, [{"message": too_large, "extensions": {"code": code}}])
            return
        if (unresolved := operation_resolution_error(query, operation_name)) is not None:
            connection.send_error(op_id, [dict(unresolved.formatted)])
            return
        document = live_document(self.schema, query, operation_name)
        if document is not None:
            await self._go_live(connection, op_id, query, operation_name, variables, document)
            return
        task = asyncio.create_task(self._run(connection, op_id, query, operation_name, variables))
        connection.operations[op_id] = task

    async def _go_live(
        self,
        connection: Connection,
        op_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any],
        document: LiveDocument,
    ) -> None:
        principal = connection.principal
        assert principal is not None
        # What execution would refuse before running: the same errors as over HTTP.
        schema = self.schema
        parsed = parsed_within_limits(schema, query) if isinstance(schema, Schema) else None
        if isinstance(schema, Schema) and parsed is not None:
            refused = variable_and_cost_errors(
                core_schema(schema), schema.cost_formulas, schema.limits.cost, query=query,
                document=parsed, operation_name=operation_name, variables=variables,
            )  # fmt: skip
            if refused:
                connection.send_error(op_id, [dict(error.formatted) for error in refused])
                return
        request = live_request(schema, document, variables)
        if request is None:  # variables that do not coerce: execution says why
            task = asyncio.create_task(
                self._run(connection, op_id, query, operation_name, variables)
            )
            connection.operations[op_id] = task
            return
        queue_id = request.queue_id
        try:
            queue_pk = pk_of(queue_id, "Queue", "queueId") if isinstance(queue_id, str) else None
            # 0 is no queue's key: an id of another type is a queue not found.
            await check_may_watch(principal, queue_pk or 0, request.after_revision)
        except NotFound as error:  # named by the id the client sent, never a database key
            connection.send_error(op_id, [_error(NotFound(error.entity, names=[str(queue_id)]))])
            return
        except (DomainError, PermissionDenied) as error:
            connection.send_error(op_id, [_error(error)])
            return
        subscriber = Subscriber(
            principal, queue_pk or 0, query, operation_name, variables,
            request.payload_variables, request.after_revision,
        )  # fmt: skip
        connection.operations[op_id] = await self.shared.join(connection, op_id, subscriber)

    async def _run(
        self,
        connection: Connection,
        op_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any],
    ) -> None:
        try:
            results = await self.schema.stream(
                query,
                variable_values=variables,
                context_value=connection.context,
                operation_name=operation_name,
                allowed_operation_types=ALL_OPERATIONS,
            )
            first = True
            async for result in results:
                if first and isinstance(result, ExecutionResult) and _refused(result):
                    errors = [dict(error.formatted) for error in result.errors or []]
                    connection.send_error(op_id, errors)
                    return
                first = False
                if not isinstance(result, ExecutionResult):
                    continue  # incremental delivery is not enabled in this schema
                body: dict[str, Any] = {"data": result.data}
                if result.errors:
                    body["errors"] = [error.formatted for error in result.errors]
                connection.send_next(op_id, orjson.dumps(body).decode())
            connection.send_complete(op_id)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a bug: tell this operation, keep the socket
            request_id = uuid.uuid4().hex
            log.exception("operation %s failed (request %s)", op_id, request_id)
            message = INTERNAL_MESSAGE if self.settings.is_production else str(error)
            extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
            connection.send_error(op_id, [{"message": message, "extensions": extensions}])


async def _receive_text(websocket: WebSocket) -> str:
    """The next text frame; a binary frame is not a protocol message (4400)."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
    text = message.get("text")
    if not isinstance(text, str):
        raise Close(4400, "Invalid message: binary frames are not part of the protocol")
    return text


def _refused(result: ExecutionResult) -> bool:
    """Nothing ran: a parse, validation, variable or cost error (as HTTP tells them)."""
    if isinstance(result, PreExecutionError):
        return True
    errors = result.errors or []
    return result.data is None and bool(errors) and all(error.path is None for error in errors)


# A close frame's reason is at most 123 bytes of UTF-8.
MAX_CLOSE_REASON = 123


def _forbidden(reason: str) -> Close:
    """4403, the protocol's refusal, saying why (cut to what a close frame carries)."""
    text = f"Forbidden: {reason}".encode()[:MAX_CLOSE_REASON].decode(errors="ignore")
    return Close(4403, text)


def _error(error: Exception) -> dict[str, Any]:
    extensions = expected_error_extensions(error) or {"code": "INTERNAL_SERVER_ERROR"}
    return dict(GraphQLError(str(error), extensions=extensions).formatted)
