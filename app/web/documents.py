"""Parsed GraphQL documents, cached by their text, for the web layer's own looks at
a document (operation type, whether it may be cached or shared) before Strawberry runs it."""

from functools import lru_cache
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
    parse,
)

from app.core.identity import Principal


@lru_cache(maxsize=1024)
def parsed(query: str) -> DocumentNode | None:
    """The document, or None if it does not parse (execution reports why)."""
    try:
        return parse(query)
    except GraphQLError:
        return None


def operation_resolution_error(query: str, operation_name: Any) -> GraphQLError | None:
    """The GraphQL spec's GetOperation, as a request error: a document with no
    operation, several and no operationName, or none of that name. (Strawberry runs the first
    operation when none is named; graphql-core's own error would be a server bug.)"""
    document = parsed(query)
    if document is None:
        return None  # a syntax error: parsing reports it
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        message = "the document has no operation to run (only fragments)"
    elif operation_name is None:
        if len(operations) <= 1:
            return None
        message = "the document has several operations: name the one to run in `operationName`"
    elif any(o.name is not None and o.name.value == operation_name for o in operations):
        return None
    else:
        message = f"the document has no operation named '{operation_name}'"
    return GraphQLError(message, extensions={"code": "OPERATION_RESOLUTION_FAILURE"})


def single_root_field(
    document: DocumentNode, operation_name: str | None, kind: OperationType, name: str
) -> FieldNode | None:
    """The operation's root field if it is its only one, a `kind` operation's field
    `name` without directives; None otherwise (the document runs the ordinary way)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not kind:
        return None
    roots = operation.selection_set.selections
    if len(roots) != 1 or not isinstance(roots[0], FieldNode):
        return None
    root = roots[0]
    if root.name.value != name or root.directives:
        return None
    return root


def request_key(
    principal: Principal, query: str, operation_name: str | None, variables: dict[str, Any] | None
) -> tuple[Any, ...]:
    """Requests with equal keys get equal answers: the same operation and variables
    from callers of the same tenant with the same permissions."""
    return (
        principal.tenant,
        principal.permissions,
        query,
        operation_name,
        orjson.dumps(variables, option=orjson.OPT_SORT_KEYS),
    )
