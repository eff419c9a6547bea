"""Give every top-level error a machine-readable `extensions.code`, and mask bugs."""

import contextlib
import logging
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import asyncpg
from graphql import DocumentNode, parse
from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from tortoise.exceptions import DBConnectionError

from app.core.errors import DomainError, InvalidInput, NotAuthenticated, PermissionDenied

log = logging.getLogger("app.graphql")

INTERNAL_MESSAGE = "Internal server error; quote the request id when reporting it."
UNAVAILABLE = "the database is not available; retry shortly"

# graphql-core's hint after unknown fields, arguments, types and enum values.
SUGGESTION = re.compile(r" Did you mean [^?]*\?")


class ClassifyErrors(SchemaExtension):
    def __init__(self, *, mask_internal: bool, hide_suggestions: bool = False) -> None:
        self.mask_internal = mask_internal
        self.hide_suggestions = hide_suggestions

    def on_operation(self) -> Iterator[None]:
        self._invalid: list[GraphQLError] = []
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [self._classify(error) for error in result.errors]

    def on_validate(self) -> Iterator[None]:
        yield
        self._invalid = list(self.execution_context.pre_execution_errors or [])

    def on_stream_result(self, result: Any) -> Iterator[None]:
        # Each result of a subscription, before it reaches the client.
        if getattr(result, "errors", None):
            result.errors = [self._classify(error) for error in result.errors]
        yield None

    def _classify(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            # Syntax, validation and variable errors speak for themselves.
            message = error.message
            if self.hide_suggestions and "Did you mean" in message:
                message = SUGGESTION.sub("", message)
            if error.path is None and "code" not in (error.extensions or {}):
                return _reworded(error, message, {"code": self._request_error_code(error)})
            return error if message == error.message else _reworded(error, message)
        if isinstance(original, CannotGetOperationTypeError | InvalidOperationTypeError):
            code = "OPERATION_RESOLUTION_FAILURE"
            return _reworded(error, error.message, {"code": code})
        extensions = expected_error_extensions(original)
        message = error.message
        if extensions is None and is_database_unavailable(original):
            request_id = getattr(self.execution_context.context, "request_id", None)
            log.warning(
                "database unavailable in %s (request %s): %s", error.path, request_id, original
            )
            extensions = {"code": "SERVICE_UNAVAILABLE", "requestId": request_id}
            message = UNAVAILABLE
        elif extensions is None:  # a bug
            request_id = getattr(self.execution_context.context, "request_id", None)
            log.error(
                "unexpected error in %s (request %s)", error.path, request_id, exc_info=original
            )
            extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
            if self.mask_internal:
                message = INTERNAL_MESSAGE
        return _reworded(error, message, extensions)

    def _request_error_code(self, error: GraphQLError) -> str:
        """The code of an error that stopped the request before it ran: the document
        did not parse, did not validate, or its variables did not coerce."""
        if self.execution_context.graphql_document is None:
            return "GRAPHQL_PARSE_FAILED"
        if any(error is invalid for invalid in getattr(self, "_invalid", ())):
            return "GRAPHQL_VALIDATION_FAILED"
        return "BAD_USER_INPUT"


class ParseCache(SchemaExtension):
    """Parsed documents by text and token limit, least recently used out.

    Strawberry's ParserCache raises a syntax error from its `on_parse` hook, where
    Strawberry does not expect one: it escapes the operation's extensions (no code
    added) and, over `Schema.stream`, the caller (an internal error on WebSocket).
    Here a document that does not parse is left unparsed, so Strawberry parses it
    itself and reports the error as the request error it is."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None:
            with contextlib.suppress(GraphQLError):
                context.graphql_document = parsed_document(
                    context.query, context.parse_options.get("max_tokens")
                )
        yield


@lru_cache(maxsize=1024)
def parsed_document(query: str, max_tokens: int | None) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


def expected_error_extensions(error: BaseException) -> dict[str, Any] | None:
    """`extensions` for an expected outcome raised as an error; None for anything else.

    Shared by every path that reports errors (HTTP, and the WebSocket paths that do not
    go through execution), so one error reads the same wherever it is raised."""
    match error:
        case PermissionDenied():
            return {"code": "FORBIDDEN", "permission": error.permission}
        case NotAuthenticated():
            return {"code": "UNAUTHENTICATED"}
        case InvalidInput():
            return {"code": "BAD_USER_INPUT", "field": error.field}
        case DomainError():
            return {"code": error.code.name}
    return None


def _reworded(
    error: GraphQLError, message: str, extensions: dict[str, Any] | None = None
) -> GraphQLError:
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), **(extensions or {})},
    )


def is_database_unavailable(error: BaseException) -> bool:
    """A lost or refused database connection, as opposed to a bug."""
    if isinstance(error, DBConnectionError | ConnectionError | OSError | asyncpg.InterfaceError):
        return True
    if isinstance(error, asyncpg.PostgresConnectionError | asyncpg.CannotConnectNowError):
        return True
    cause = error.__cause__ or error.__context__
    return cause is not None and cause is not error and is_database_unavailable(cause)
